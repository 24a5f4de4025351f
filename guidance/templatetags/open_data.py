"""What the open-data templates show: feed addresses and the API's vocabulary, computed here so
the templates only render."""

from django import template
from django.utils import translation

from guidance.opendata.calendar import calendar_texts, feed_urls
from guidance.rules.dates import FIRST_DATE, LAST_DATE
from guidance.rules.vocabulary import audiences, languages, one_of, statuses

register = template.Library()


@register.simple_tag(takes_context=True)
def calendar_feed(context, audience: str) -> dict:
    """The feed of one audience in the page's language: its name and addresses."""
    name, description = calendar_texts(audience)
    urls = feed_urls(context["request"], audience, translation.get_language())
    return {"name": name, "description": description, **urls}


@register.simple_tag
def feed_audiences() -> list[str]:
    """Every audience that has a feed."""
    return audiences()


@register.simple_tag(takes_context=True)
def api_facts(context) -> dict:
    """The API's address on this server and its vocabulary, as the page states them."""
    return {
        "base": context["request"].build_absolute_uri("/api/v1"),
        "audiences": one_of(audiences()),
        "statuses": one_of(statuses()),
        "languages": one_of(languages()),
        "first_year": FIRST_DATE.year,
        "last_year": LAST_DATE.year,
    }
