"""The sitemap (/sitemap.xml): every public page in each language, with its alternates, dated by
the published content's last change."""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from guidance.models import Audience
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
        # Read once a sitemap (a new instance each request), not once for each of its entries.
        self.changed_at = current_content().changed_at
        return PAGES

    def location(self, item: tuple[str, str, bool]) -> str:
        name, query, _shows_content = item
        return reverse(name) + query

    def lastmod(self, item: tuple[str, str, bool]) -> datetime | None:
        """When the published content last changed; None for a page about the site. (A page's
        Last-Modified is also today's start for today's answer, whose heading names the day: a
        search engine is told of real changes only.)"""
        return self.changed_at if item[2] else None
