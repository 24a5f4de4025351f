"""Right on any day: the changes of the clock in Copenhagen, and the pages on days far ahead.

The clock drill (`make test-clock`, tools/clock_drill.py) runs the whole fast suite under a faked
wall clock; the tests here are about the days themselves: a scheduled change on the nights the
clocks go back and forward, and what a visitor sees on the day the answer's range has ended.
"""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from guidance.models import Milestone
from tests import clock
from tests.test_admin import milestone_form
from tests.test_publishing import closing, log_in_as_publisher
from tools.clock_drill import last_sunday

pytestmark = pytest.mark.django_db

# The next nights the clocks change in Copenhagen, after the run's day.
YEAR = clock.TODAY.year + 1
GO_FORWARD = last_sunday(YEAR, 3)  # 02:00 becomes 03:00: 02:30 never happens
GO_BACK = last_sunday(YEAR, 10)  # 03:00 becomes 02:00: 02:30 happens twice


def scheduled(client, day, at: str, language: str = "en"):
    """A new milestone a publisher schedules for ``at`` on ``day`` (Copenhagen time), saved now."""
    fields = milestone_form(
        closing(),
        date="2030-01-01",
        title_en="Milestone scheduled at night",
        publish_from_0=day.isoformat(),
        publish_from_1=at,
    )
    headers = {"accept-language": language}
    return client.post("/admin/guidance/milestone/add/", fields, headers=headers)


def form_error(response) -> str:
    """The one error the refused form shows."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    (error,) = re.findall(r'<ul class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', html, re.S)
    return error


def shown_at(client, moment: datetime) -> bool:
    with time_machine.travel(moment, tick=False):
        html = client.get("/en/timeline/").content.decode()
    return "Milestone scheduled at night" in html


@pytest.fixture
def publisher(client):
    return log_in_as_publisher(client)


def test_a_time_the_clocks_skip_is_refused_and_the_time_that_exists_named(publisher):
    response = scheduled(publisher, GO_FORWARD, "02:30")
    day = f"{GO_FORWARD.day} March {GO_FORWARD.year}"
    assert form_error(response) == (
        f"On {day} the clocks in Denmark go forward an hour during the night, so 02:30 does "
        "not exist that day. Choose another time, for example 03:30."
    )
    danish = scheduled(publisher, GO_FORWARD, "02:30", "da")
    assert form_error(danish) == (
        f"Natten til den {GO_FORWARD.day}. marts {GO_FORWARD.year} stilles uret i Danmark en time "
        "frem, så kl. 02:30 findes ikke den dag. Vælg et andet tidspunkt, for eksempel kl. 03:30."
    )
    assert not Milestone.objects.filter(title_en="Milestone scheduled at night").exists()
    assert scheduled(publisher, GO_FORWARD, "03:30").status_code == 302


def test_the_admin_says_what_a_time_that_happens_twice_means(publisher):
    html = publisher.get("/admin/guidance/milestone/add/").content.decode()
    assert (
        "On the night the clocks go back, a time from 02:00 to 02:59 means the first one "
        "(summer time)."
    ) in html


def test_a_change_scheduled_in_the_hour_that_happens_twice_goes_live_once(client, publisher):
    assert scheduled(publisher, GO_BACK, "02:30").status_code == 302
    row = Milestone.objects.get(title_en="Milestone scheduled at night")
    first = datetime.combine(GO_BACK, time(0, 30), tzinfo=UTC)  # 02:30 summer time
    assert row.publish_from == first
    client.logout()
    second = first + timedelta(hours=1)  # 02:30 again, winter time: still live, not again
    assert not shown_at(client, first - timedelta(minutes=1))
    assert shown_at(client, first)
    assert shown_at(client, second - timedelta(minutes=1))
    assert shown_at(client, second)
    assert shown_at(client, second + timedelta(hours=1))
