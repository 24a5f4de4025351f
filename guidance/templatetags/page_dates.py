"""The page-dates line of an answer page: the dates come from guidance.updates, not the template."""

from django import template

from guidance.content import current_content
from guidance.updates import PageDates
from guidance.updates import page_dates as dates_of_page

register = template.Library()


@register.simple_tag
def page_dates(timeline, answer=None) -> PageDates:
    """ "Last updated" and "checked on" for a page showing ``timeline`` and, on an answer page,
    ``answer`` (None on the timeline page, which shows only milestones)."""
    return dates_of_page(current_content(), answer, timeline or ())
