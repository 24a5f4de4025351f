"""Small template filters for rendering (no decisions)."""

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def host(url: str) -> str:
    """The site a link goes to, without "www.": a link label that says where it leads."""
    name = urlsplit(url).hostname or ""
    return name.removeprefix("www.")
