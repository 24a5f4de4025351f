"""The official page eID guide's facts come from, per language: its title, date and address, as
the footer and the About page show them. A language without its own page gets the English one,
marked as English (``language``), so a Danish page never shows English unmarked.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    """One language's version of the official page."""

    title: str
    updated: date
    url: str
    language: str
    publisher: str


SOURCES = {
    "en": Source(
        title="NemID is closed from 31 October 2023",
        updated=date(2024, 4, 16),
        url="https://lifeindenmark.borger.dk/apps-and-digital-services/nemid",
        language="en",
        publisher=_("Agency for Digital Government"),
    ),
}


def source_for(language: str | None = None) -> Source:
    """The official page in ``language`` (the active one by default), else the English page."""
    code = (language or get_language() or "en")[:2]
    return SOURCES.get(code, SOURCES["en"])
