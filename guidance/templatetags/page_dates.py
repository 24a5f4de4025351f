"""The page-dates line of an answer page: the dates come from guidance.pages.updates."""

from django import template

from guidance.pages.updates import PageDates
from guidance.pages.updates import page_dates as dates_of_page
from guidance.snapshot import content_for

register = template.Library()


@register.simple_tag(takes_context=True)
def page_dates(context, timeline, answer=None) -> PageDates:
    """ "Last updated" and "checked on" for a page showing ``timeline`` and, on an answer page,
    ``answer`` (None on the timeline page, which shows only milestones), from the content the page
    was answered from (a staff preview's own, with its unsaved row)."""
    content = context.get("page_content") or content_for(context["request"])
    return dates_of_page(content, answer, timeline or ())
