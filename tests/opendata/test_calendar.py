"""The calendar feed, read back by two iCalendar parsers (icalendar, and vobject's validation), as
calendar apps will read it."""

from datetime import date, timedelta

import pytest
import vobject
from icalendar import Calendar

from guidance.models import Milestone

pytestmark = pytest.mark.django_db


def raw_feed(client, **params) -> bytes:
    response = client.get("/milestones.ics", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def feed(client, **params) -> Calendar:
    return Calendar.from_ical(raw_feed(client, **params))


def events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_every_citizen_milestone_with_a_day_is_an_all_day_event_on_it(client):
    """The launch, "in 2010" with no day, has no event (a calendar would put it on a guess)."""
    days = {e.decoded("dtstart"): e for e in events(feed(client))}
    assert sorted(days) == [
        date(2022, 10, 30),
        date(2023, 6, 30),
        date(2023, 10, 31),
    ]
    for day, event in days.items():
        assert isinstance(event.decoded("dtstart"), date)
        assert (event.decoded("dtend") - day).days == 1


def test_business_feed_has_the_business_milestones(client):
    summaries = [str(e["summary"]) for e in events(feed(client, audience="business"))]
    assert summaries == ["NemID service is limited", "NemID closes for businesses"]


def test_danish_feed_is_in_danish_and_links_to_danish_advice(client):
    closing = next(
        e for e in events(feed(client, lang="da")) if e.decoded("dtstart") == date(2023, 10, 31)
    )
    assert str(closing["summary"]) == "NemID lukker"
    assert "Smid dit NemID-nøglekort ud" in str(closing["description"])
    assert str(closing["url"]) == "https://testserver/da/?date=2023-10-31"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({}, "NemID milestones for citizens"),
        ({"audience": "business"}, "NemID milestones for businesses"),
        ({"lang": "da"}, "NemIDs milepæle for borgere"),
        ({"lang": "da", "audience": "business"}, "NemIDs milepæle for virksomheder"),
    ],
)
def test_each_feed_has_its_own_name_and_description(client, params, name):
    calendar = feed(client, **params)
    assert str(calendar["name"]) == name
    assert str(calendar["x-wr-calname"]) == name
    assert str(calendar["description"]) == str(calendar["x-wr-caldesc"])
    assert "’s" not in name
    other = feed(
        client, **{**params, "audience": "citizen" if params.get("audience") else "business"}
    )
    assert str(other["name"]) != name
    assert str(other["description"]) != str(calendar["description"])


@pytest.mark.parametrize(
    ("params", "name", "description"),
    [
        (
            {},
            "NemID milestones for citizens",
            "The days on which NemID changed for citizens\\, from the eID guide. Each event "
            "links to the answer for that day.",
        ),
        (
            {"audience": "business"},
            "NemID milestones for businesses",
            "The days on which NemID Employee Signature changed\\, from the eID guide. Each "
            "event links to the answer for that day.",
        ),
    ],
)
def test_the_feeds_header_as_a_calendar_app_reads_it(client, params, name, description):
    unfolded = raw_feed(client, **params).decode().replace("\r\n ", "")
    header = unfolded.split("BEGIN:VEVENT")[0].split("\r\n")
    assert header[0] == "BEGIN:VCALENDAR"
    for line in (
        "PRODID:-//eID guide//NemID milestones//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
        f"DESCRIPTION:{description}",
        "X-WR-TIMEZONE:Europe/Copenhagen",
    ):
        assert line in header


def test_the_feed_asks_calendar_apps_to_refresh_daily(client):
    text = raw_feed(client).decode()
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:P1D\r\n" in text
    assert "\r\nSOURCE;VALUE=URI:https://testserver/milestones.ics?lang=en\r\n" in text


def test_the_feed_is_no_itip_message(client):
    """METHOD:PUBLISH without an ORGANIZER fails libical's iTIP check; a feed needs no METHOD."""
    calendar = feed(client)
    assert "method" not in calendar
    assert all("organizer" not in e for e in events(calendar))


def test_uids_stay_the_same_when_staff_edit_a_milestone(client):
    before = {str(e["uid"]) for e in events(feed(client))}
    milestone = Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))
    milestone.title_en = "NemID closes for good"
    milestone.date = date(2023, 11, 1)
    milestone.save()
    after = events(feed(client))
    assert {str(e["uid"]) for e in after} == before
    assert "NemID closes for good" in [str(e["summary"]) for e in after]


def test_uids_survive_delete_and_re_create(client):
    before = {e.decoded("dtstart"): str(e["uid"]) for e in events(feed(client))}
    milestone = Milestone.objects.get(audience="citizen", date=date(2023, 6, 30))
    milestone.delete()
    assert date(2023, 6, 30) not in {e.decoded("dtstart") for e in events(feed(client))}
    milestone.pk = None
    milestone.save()
    after = {e.decoded("dtstart"): str(e["uid"]) for e in events(feed(client))}
    assert after == before


def test_uids_name_the_sites_domain(client, settings):
    settings.SITE_DOMAIN = "eid.example.dk"
    uids = {str(e["uid"]) for e in events(feed(client))}
    assert uids == {
        "milestone-citizen-restricted@eid.example.dk",
        "milestone-citizen-limited@eid.example.dk",
        "milestone-citizen-closed@eid.example.dk",
    }


def test_two_milestones_with_one_status_still_get_distinct_stable_uids(client):
    existing = Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))
    extra = Milestone.objects.get(pk=existing.pk)
    extra.pk = None
    extra.date = existing.date + timedelta(days=30)
    extra.save()
    uids = [str(e["uid"]) for e in events(feed(client))]
    assert len(uids) == len(set(uids)) == 4
    assert "milestone-citizen-closed-2023-11-30@localhost" in uids


def test_uids_are_unique_and_calendar_is_valid_rfc5545(client):
    calendar = feed(client)
    assert str(calendar["version"]) == "2.0"
    assert calendar["prodid"]
    uids = [str(e["uid"]) for e in events(calendar)]
    assert len(uids) == len(set(uids))
    for event in events(calendar):
        assert event["dtstamp"]


@pytest.mark.parametrize("params", [{}, {"audience": "business", "lang": "da"}])
def test_vobject_reads_the_feed_and_finds_it_valid(client, params):
    """vobject's validation: one UID, DTSTAMP and PRODID each, at most one DTSTART and SUMMARY, no
    DTEND beside a DURATION, every value readable."""
    calendar = vobject.readOne(raw_feed(client, **params).decode())
    assert calendar.validate(raiseException=True)
    assert len(calendar.vevent_list) == (2 if params else 3)
    for event in calendar.vevent_list:
        # All day: a date, not a date and time (a datetime is a date too), ending the next day.
        assert type(event.dtstart.value) is date
        assert event.dtend.value - event.dtstart.value == timedelta(days=1)
        assert event.uid.value.startswith("milestone-")


def test_the_feed_varies_on_nothing_but_its_address(client):
    plain = client.get("/milestones.ics", {"lang": "da"})
    other = client.get(
        "/milestones.ics",
        {"lang": "da"},
        headers={"accept-language": "en"},
        cookies={"django_language": "en"},
    )
    assert "Vary" not in plain
    assert "Vary" not in other
    assert plain.content == other.content
    # Without ?lang= the feed is English, whatever the visitor's languages.
    unasked = client.get("/milestones.ics", headers={"accept-language": "da"})
    assert "Vary" not in unasked
    assert unasked.content == client.get("/milestones.ics", {"lang": "en"}).content


@pytest.mark.parametrize(
    ("params", "field"), [({"lang": "fr"}, "lang"), ({"audience": "x"}, "audience")]
)
def test_feed_refuses_unknown_parameters_with_400(client, params, field):
    response = client.get("/milestones.ics", params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("path", "audience"),
    [("/da/timeline/", "citizen"), ("/en/timeline/?audience=business", "business")],
)
def test_timeline_page_offers_a_subscription_with_help(client, path, audience):
    html = client.get(path).content.decode()
    language = path[1:3]
    query = (
        f"audience=business&amp;lang={language}" if audience == "business" else f"lang={language}"
    )
    assert f'href="webcal://testserver/milestones.ics?{query}"' in html
    assert f"<code>https://testserver/milestones.ics?{query}</code>" in html
    for app in ("Google", "Outlook", "Apple"):
        assert f"<summary>{app}" in html


def test_api_page_offers_both_subscriptions(client):
    html = client.get("/en/api/").content.decode()
    assert 'href="webcal://testserver/milestones.ics?lang=en"' in html
    assert 'href="webcal://testserver/milestones.ics?audience=business&amp;lang=en"' in html
    assert html.count("<summary>Google Calendar</summary>") == 2


def test_an_upcoming_milestone_reminds_a_week_and_a_day_before_and_past_ones_do_not(client):
    from tests.clock import TODAY
    from tests.factories import milestone

    ahead = milestone(TODAY + timedelta(days=30), "closed", title_en="A change to come")
    today = milestone(TODAY, "closed", title_en="A change today")
    by_title = {str(event["summary"]): event for event in events(feed(client))}
    alarms = by_title["A change to come"].walk("VALARM")
    assert [alarm["trigger"].dt for alarm in alarms] == [timedelta(days=-7), timedelta(days=-1)]
    for alarm in alarms:
        assert str(alarm["action"]) == "DISPLAY"
        assert str(alarm["description"]) == "A change to come"
    for title, event in by_title.items():
        if title != ahead.title_en:
            assert event.walk("VALARM") == [], title  # today's and the past's: too late to remind
    assert today.title_en in by_title
    # The second parser reads the alarms too.
    parsed = vobject.readOne(raw_feed(client).decode())
    reminded = [e for e in parsed.vevent_list if e.summary.value == "A change to come"]
    assert len(reminded[0].valarm_list) == 2
