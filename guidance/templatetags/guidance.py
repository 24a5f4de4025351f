"""Small template filters for rendering (no decisions)."""

from urllib.parse import urlsplit

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def host(url: str) -> str:
    """The site a link goes to, without "www.": a link label that says where it leads."""
    name = urlsplit(url).hostname or ""
    return name.removeprefix("www.")


@register.filter
def lang_attr(row, field: str) -> str:
    """` lang="en"` when ``row.<field>`` is shown in English because the active language's text
    is empty (the models fall back to English): the element then says its own language
    (WCAG 3.1.2). Empty when the text is in the page's language or there is no row."""
    if row is None:
        return ""
    language = (get_language() or "en")[:2]
    if language == "en" or getattr(row, f"{field}_{language}", None):
        return ""
    if not getattr(row, f"{field}_en", ""):
        return ""
    return mark_safe(' lang="en"')  # a fixed string, no visitor input


@register.filter
def text_of(row, field: str) -> str:
    """``row.<field>`` for use inside a sentence: wrapped in ``<span lang="en">`` when it falls
    back to English (see ``lang_attr``), escaped either way."""
    attribute = lang_attr(row, field)
    if attribute:
        return format_html('<span lang="en">{}</span>', getattr(row, field))
    return conditional_escape(getattr(row, field))
