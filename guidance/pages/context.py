"""Template context every page needs."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.validators import validate_email
from django.forms import ValidationError
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from guidance.rules.source import source_for


def in_language(path: str, code: str | None) -> str:
    """``path`` in the language ``code``: a page has the same address in every language after
    its language prefix (``i18n_patterns``, untranslated paths); ``None``: without the prefix,
    the address that sends a visitor on to the page in their language (LocaleMiddleware, and
    ``choose_language`` for ``/``). Other paths stay as they are."""
    prefix, slash, rest = path[1:].partition("/")
    if slash and prefix in dict(settings.LANGUAGES):
        return f"/{code}/{rest}" if code else f"/{rest}"
    return path


# Each language as Open Graph names a locale (og:locale).
OPEN_GRAPH_LOCALES = {"en": "en_GB", "da": "da_DK"}


def page_links(request, form=None) -> dict:
    """This page's addresses: in each language (the language links and ``hreflang``
    alternates; ``x_default`` in no language), and its canonical one, the address that names
    the same answer (``AdviceForm.canonical_query``). An error page has no canonical address:
    its address did not resolve, or its question was not valid."""
    answered = request.resolver_match is not None and (form is None or form.is_valid())
    if answered:
        # Only the answer page shows what the visitor's situation changes (the ways that fit).
        situation = request.resolver_match.url_name == "advice"
        path, query = request.path, form.canonical_query(situation) if form else ""
    else:
        path, query = request.get_full_path(), ""
    try:
        host = request.get_host()
    except DisallowedHost:
        # The error page for a forged Host header: no absolute links to a host we do not serve.
        host = None

    def absolute(code: str | None) -> str | None:
        return f"{request.scheme}://{host}{in_language(path, code)}{query}" if host else None

    alternates = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"].capitalize(),
            "path": in_language(path, code) + query,
            "url": absolute(code),
            "locale": OPEN_GRAPH_LOCALES[code],
        }
        for code, _name in settings.LANGUAGES
    ]
    return {
        "alternates": alternates,
        "canonical": absolute(translation.get_language()) if answered else None,
        "x_default": absolute(None) if answered else None,
    }


@dataclass(frozen=True)
class SiteInfo:
    """Who publishes this copy of the site, how to reach them, and whether it is official."""

    publisher: str  # the setting, or the site's own name in the active language
    contact: str
    is_official: bool
    accessibility_tested_on: date

    @property
    def contact_href(self) -> str:
        """The contact as a link target: mailto: for an e-mail address, else the URL itself."""
        if not self.contact:
            return ""
        try:
            validate_email(self.contact)
        except ValidationError:
            return self.contact
        return f"mailto:{self.contact}"


def site_info() -> SiteInfo:
    """The publisher settings (SITE_PUBLISHER, SITE_CONTACT, SITE_IS_OFFICIAL, ...)."""
    return SiteInfo(
        publisher=settings.SITE_PUBLISHER or _("eID guide"),
        contact=settings.SITE_CONTACT,
        is_official=settings.SITE_IS_OFFICIAL,
        accessibility_tested_on=settings.ACCESSIBILITY_TESTED_ON,
    )


def site(request) -> dict:
    """The publisher and the official source, for the footer, About page and statement."""
    return {"site": site_info(), "source": source_for()}
