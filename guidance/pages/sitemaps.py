"""The sitemap (/sitemap.xml): every public page in each language, with its alternates, dated by
the last change of what it shows."""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from guidance.models import Audience
from guidance.pages.middleware import answer_changed_at
from guidance.rules.dates import today_in_copenhagen
from guidance.snapshot import current_content

# (URL name, query, whether it shows the content): an answer page for each audience, and the
# pages about the site, which change only with the site itself (no date).
PAGES = [
    ("advice", "", True),
    ("advice", f"?audience={Audience.BUSINESS}", True),
    ("timeline", "", True),
    ("timeline", f"?audience={Audience.BUSINESS}", True),
    ("updates", "", True),
    ("share", "", True),
    ("api-docs", "", False),
    ("about", "", False),
    ("accessibility", "", False),
]


class PublicPages(Sitemap):
    """Every public page, in every language, each with its ``hreflang`` alternates and
    ``x-default``; the host and scheme are the request's (Django's RequestSite)."""

    i18n = True
    alternates = True
    x_default = True

    def items(self) -> list[tuple[str, str, bool]]:
        return PAGES

    def location(self, item: tuple[str, str, bool]) -> str:
        name, query, _shows_content = item
        return reverse(name) + query

    def lastmod(self, item: tuple[str, str, bool]) -> datetime | None:
        """When the content last changed, as the page's Last-Modified says (today's answer
        changes at midnight too); None for a page about the site."""
        if not item[2]:
            return None
        now = timezone.now()
        return answer_changed_at(current_content().changed_at, today_in_copenhagen(), now)
