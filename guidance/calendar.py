"""The milestones as an iCalendar feed (RFC 5545): one all-day event a milestone."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from guidance.api import LANGUAGES, MilestonesQuery, advice_page_url, error_response, read_only
from guidance.content import current_content
from guidance.models import Audience, Milestone

UID_DOMAIN = "eid-guide"


def milestone_event(request: HttpRequest, milestone: Milestone) -> Event:
    """An all-day event for one milestone; its UID stays the same when staff edit it."""
    url = advice_page_url(request, milestone.date, milestone.audience)
    description = "\n".join(
        [milestone.summary, *(f"• {action}" for action in milestone.actions), "", url]
    )
    event = Event()
    event.add("uid", f"milestone-{milestone.pk}@{UID_DOMAIN}")
    event.add("dtstamp", milestone.updated_at)
    event.add("last-modified", milestone.updated_at)
    event.add("dtstart", milestone.date)
    event.add("dtend", milestone.date + timedelta(days=1))
    event.add("summary", milestone.title)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [str(milestone.get_status_display())])
    return event


@read_only
def milestones_ics(request: HttpRequest) -> HttpResponse:
    """GET /milestones.ics: the citizen milestones (``?audience=business`` for businesses)."""
    language = request.GET.get("lang", "")
    with translation.override(language if language in LANGUAGES else "en"):
        form = MilestonesQuery(request.GET)
        if not form.is_valid():
            return error_response(form)
        audience = form.cleaned_data["audience"] or Audience.CITIZEN
        calendar = Calendar()
        calendar.add("prodid", "-//eID guide//NemID milestones//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("NemID milestones"))
        calendar.add("x-wr-timezone", "Europe/Copenhagen")
        for milestone in current_content().milestones:
            if milestone.audience == audience:
                calendar.add_component(milestone_event(request, milestone))
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="nemid-milestones.ics"'
        response["Content-Language"] = translation.get_language()
        return response
