"""The iCalendar feed, read back with a real iCalendar parser."""

from datetime import date

import pytest
from icalendar import Calendar

from guidance.models import Milestone

pytestmark = pytest.mark.django_db


def feed(client, **params) -> Calendar:
    response = client.get("/milestones.ics", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_every_citizen_milestone_is_an_all_day_event_on_its_day(client):
    days = {e.decoded("dtstart"): e for e in events(feed(client))}
    assert sorted(days) == [
        date(2010, 7, 1),
        date(2022, 10, 30),
        date(2023, 6, 30),
        date(2023, 10, 31),
    ]
    for day, event in days.items():
        assert isinstance(event.decoded("dtstart"), date)
        assert (event.decoded("dtend") - day).days == 1


def test_business_feed_has_the_business_milestones(client):
    summaries = [str(e["summary"]) for e in events(feed(client, audience="business"))]
    assert summaries == ["NemID is launched", "NemID closes for businesses"]


def test_danish_feed_is_in_danish_and_links_to_danish_advice(client):
    closing = next(
        e for e in events(feed(client, lang="da")) if e.decoded("dtstart") == date(2023, 10, 31)
    )
    assert str(closing["summary"]) == "NemID lukker"
    assert "Smid dit NemID-nøglekort ud" in str(closing["description"])
    assert str(closing["url"]) == "https://testserver/da/?date=2023-10-31"


def test_uids_stay_the_same_when_staff_edit_a_milestone(client, django_capture_on_commit_callbacks):
    before = {str(e["uid"]) for e in events(feed(client))}
    milestone = Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))
    milestone.title_en = "NemID closes for good"
    with django_capture_on_commit_callbacks(execute=True):
        milestone.save()
    after = events(feed(client))
    assert {str(e["uid"]) for e in after} == before
    assert "NemID closes for good" in [str(e["summary"]) for e in after]


def test_uids_are_unique_and_calendar_is_valid_rfc5545(client):
    calendar = feed(client)
    assert str(calendar["version"]) == "2.0"
    assert calendar["prodid"]
    uids = [str(e["uid"]) for e in events(calendar)]
    assert len(uids) == len(set(uids))
    for event in events(calendar):
        assert event["dtstamp"]


@pytest.mark.parametrize(
    ("params", "field"), [({"lang": "fr"}, "lang"), ({"audience": "x"}, "audience")]
)
def test_feed_refuses_unknown_parameters_with_400(client, params, field):
    response = client.get("/milestones.ics", params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_timeline_page_offers_the_calendar(client):
    html = client.get("/da/timeline/").content.decode()
    assert 'href="/milestones.ics?lang=da"' in html
