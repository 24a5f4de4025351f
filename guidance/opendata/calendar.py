"""The milestones as a calendar feed to subscribe to (RFC 5545, with RFC 7986's names): one feed
per audience and language, each named by its address alone (``?audience=business&lang=da``).
A milestone whose source gives no day (NemID's launch "in 2010") has no event: a calendar can
only put it on a guessed day or across a whole year; the API and the timeline give it as a year.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vDuration

from guidance.models import Audience, DatePrecision, Milestone
from guidance.opendata.api import (
    MilestonesQuery,
    advice_page_url,
    asked_language,
    error_response,
    read_only,
    vary_exactly,
)
from guidance.rules.dates import today_in_copenhagen
from guidance.rules.vocabulary import languages
from guidance.snapshot import content_for


def feed_urls(request: HttpRequest, audience: str, language: str) -> dict[str, str]:
    """The feed's addresses: ``https`` to download or paste, ``webcal`` to subscribe."""
    query = {"lang": language}
    if audience != Audience.CITIZEN:
        query = {"audience": audience, **query}
    url = request.build_absolute_uri(f"{reverse('milestones-ics')}?{urlencode(query)}")
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}


def calendar_texts(audience: str) -> tuple[str, str]:
    """The calendar's name and description in the active language, for one audience."""
    texts = {
        Audience.CITIZEN: (
            _("NemID milestones for citizens"),
            _(
                "The days on which NemID changed for citizens, from the eID guide. "
                "Each event links to the answer for that day."
            ),
        ),
        Audience.BUSINESS: (
            _("NemID milestones for businesses"),
            _(
                "The days on which NemID Employee Signature changed, from the eID guide. "
                "Each event links to the answer for that day."
            ),
        ),
    }
    label = Audience(audience).label
    return texts.get(
        audience,
        (
            _("NemID milestones: %(audience)s") % {"audience": label},
            _("The days on which NemID changed, from the eID guide."),
        ),
    )


def uids(milestones: list[Milestone]) -> dict[int, str]:
    """UIDs from what a milestone is, ``milestone-<audience>-<status>@<SITE_DOMAIN>``, so an
    edited, moved, or deleted and re-created milestone stays one event in subscribers' calendars;
    a second milestone of one audience with the same status adds its date to stay unique."""
    seen: set[str] = set()
    result = {}
    for milestone in milestones:
        key = f"milestone-{milestone.audience}-{milestone.status}"
        if key in seen:
            key = f"{key}-{milestone.date.isoformat()}"
        seen.add(key)
        result[milestone.pk] = f"{key}@{settings.SITE_DOMAIN}"
    return result


# Reminders before an upcoming milestone: a week and a day before the day starts.
REMINDERS = (timedelta(days=7), timedelta(days=1))


def reminder(milestone: Milestone, before: timedelta) -> Alarm:
    """A reminder shown ``before`` the milestone's day (RFC 5545, VALARM)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -before)
    alarm.add("description", milestone.title)
    return alarm


def milestone_event(request: HttpRequest, milestone: Milestone, uid: str) -> Event:
    """An all-day event for one milestone, with reminders when it is still to come."""
    url = advice_page_url(request, milestone.date, milestone.audience)
    description = "\n".join(
        [milestone.summary, *(f"• {action}" for action in milestone.actions), "", url]
    )
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", milestone.updated_at)
    event.add("last-modified", milestone.updated_at)
    event.add("dtstart", milestone.date)
    event.add("dtend", milestone.date + timedelta(days=1))
    event.add("summary", milestone.title)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [str(milestone.get_status_display())])
    if milestone.date > today_in_copenhagen():
        for before in REMINDERS:
            event.add_component(reminder(milestone, before))
    return event


def milestones_calendar(request: HttpRequest, audience: str) -> Calendar:
    """The calendar of one audience's milestones, in the active language."""
    name, description = calendar_texts(audience)
    refresh = vDuration.from_ical(settings.CALENDAR_REFRESH_INTERVAL)
    # No METHOD: a feed to subscribe to is not an iTIP message (RFC 5546).
    calendar = Calendar()
    calendar.add("prodid", "-//eID guide//NemID milestones//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    calendar.add(
        "source",
        feed_urls(request, audience, translation.get_language())["https"],
        parameters={"VALUE": "URI"},
    )
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    chosen = [
        m
        for m in content_for(request).milestones
        if m.audience == audience and m.date_precision == DatePrecision.DAY
    ]
    stable = uids(chosen)
    for milestone in chosen:
        calendar.add_component(milestone_event(request, milestone, stable[milestone.pk]))
    return calendar


@read_only
def milestones_ics(request: HttpRequest) -> HttpResponse:
    """GET /milestones.ics: the citizen milestones (``?audience=business`` for businesses), in
    English (``?lang=da`` for Danish)."""
    with translation.override(asked_language(request) or languages()[0]):
        form = MilestonesQuery(request.GET)
        if not form.is_valid():
            return vary_exactly(error_response(form))
        audience = form.cleaned_data["audience"] or Audience.CITIZEN
        calendar = milestones_calendar(request, audience)
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="nemid-milestones.ics"'
        response["Content-Language"] = translation.get_language()
        return vary_exactly(response)
