"""Conditional GET on public answers (RFC 9110, through Django's get_conditional_response):
weak comparison for If-None-Match, Last-Modified from the content's last change, If-Modified-Since
honoured unless If-None-Match is present, and 304s that carry what the 200 would."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from guidance.models import ContentVersion, EnrollmentOption, Milestone, Requirement, SelfService
from guidance.snapshot import current_content, forget

pytestmark = pytest.mark.django_db

URLS = [
    "/en/?date=2023-07-01",
    "/da/?date=2023-07-01",
    "/en/",
    "/en/timeline/",
    "/api/v1/status?date=2023-07-01",
    "/api/v1/milestones",
    "/milestones.ics",
    "/en/updates/",
    "/da/updates.atom",
]
# Tuesday 5 March 2024, 12:00 in Copenhagen (UTC+1); the day began at 23:00 UTC the day before.
NOON = datetime(2024, 3, 5, 11, 0, tzinfo=UTC)
START_OF_DAY = datetime(2024, 3, 4, 23, 0, tzinfo=UTC)


@pytest.fixture
def old_content():
    """All content last changed in 2020, long before the frozen 'today'. (The database stamps the
    version when content changes, by its own clock: the stamp is set back after the updates.)"""
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    for model in (Milestone, EnrollmentOption, Requirement, SelfService):
        model.objects.update(updated_at=long_ago)
        model.history.update(history_date=long_ago)
    ContentVersion.objects.update(changed_at=long_ago)
    forget()


@pytest.mark.parametrize("url", URLS)
def test_the_weak_form_of_the_etag_gets_304(client, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": f"W/{etag}"})
    assert response.status_code == 304


@pytest.mark.parametrize("url", URLS)
def test_a_304_carries_what_the_200_carries(client, url):
    headers = {"accept-language": "da"}
    with time_machine.travel(timezone.now(), tick=False):  # the allowances count whole seconds
        full = client.get(url, headers=headers)
        response = client.get(url, headers={"if-none-match": full["ETag"], **headers})
    assert response.status_code == 304
    for name in (
        "ETag", "Last-Modified", "Cache-Control", "Expires", "X-Accel-Expires", "Vary",
        "Content-Language",
    ):  # fmt: skip
        assert response.get(name) == full.get(name), name
    for name, value in full.items():
        if name.lower().startswith("access-control-"):
            assert response[name] == value, name


def test_an_api_304_keeps_its_cors_header(client):
    full = client.get("/api/v1/status?date=2023-07-01")
    assert full["Access-Control-Allow-Origin"] == "*"
    response = client.get("/api/v1/status?date=2023-07-01", headers={"if-none-match": full["ETag"]})
    assert response.status_code == 304
    assert response["Access-Control-Allow-Origin"] == "*"


def test_last_modified_is_the_start_of_today_when_the_content_is_older(client, old_content):
    with time_machine.travel(NOON, tick=False):
        response = client.get("/en/")
    assert parse_http_date(response["Last-Modified"]) == START_OF_DAY.timestamp()


def test_last_modified_is_the_last_edit_when_it_was_made_today(
    client, old_content, django_capture_on_commit_callbacks
):
    # The database stamps the change by its own clock, which time-machine cannot move: this test
    # runs in real time, and the edit is today's latest change.
    milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
    milestone.summary_en = "NemID has closed for good."
    with django_capture_on_commit_callbacks(execute=True):
        milestone.save()
    response = client.get("/en/?date=2024-01-01")
    edited = ContentVersion.objects.get().changed_at
    assert parse_http_date(response["Last-Modified"]) == int(edited.timestamp())
    assert abs(edited - timezone.now()).total_seconds() < 60


def test_removing_a_row_counts_as_a_change(old_content, django_capture_on_commit_callbacks):
    before = current_content().changed_at
    with django_capture_on_commit_callbacks(execute=True):
        SelfService.objects.first().delete()
    forget()
    assert current_content().changed_at > before


def test_if_modified_since_gets_304_while_nothing_changed(client, old_content):
    with time_machine.travel(NOON, tick=False):
        last_modified = client.get("/en/timeline/")["Last-Modified"]
        response = client.get("/en/timeline/", headers={"if-modified-since": last_modified})
    assert response.status_code == 304
    assert response["Last-Modified"] == last_modified


def test_if_modified_since_before_an_edit_gets_the_new_answer(
    client, old_content, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOON, tick=False):
        earlier = client.get("/en/?date=2024-01-01")["Last-Modified"]
    with time_machine.travel(NOON.replace(hour=12), tick=False):
        milestone = Milestone.objects.get(audience="citizen", date="2023-10-31")
        milestone.summary_en = "NemID has closed for good."
        with django_capture_on_commit_callbacks(execute=True):
            milestone.save()
        response = client.get("/en/?date=2024-01-01", headers={"if-modified-since": earlier})
    assert response.status_code == 200
    assert b"NemID has closed for good." in response.content


def test_todays_answer_is_modified_at_copenhagen_midnight(client, old_content):
    with time_machine.travel(datetime(2023, 10, 30, 22, 59, tzinfo=UTC), tick=False):
        before = client.get("/en/")
    with time_machine.travel(datetime(2023, 10, 30, 23, 1, tzinfo=UTC), tick=False):
        after = client.get("/en/", headers={"if-modified-since": before["Last-Modified"]})
    assert after.status_code == 200
    assert b'data-nemid-status="closed"' in after.content
    assert (
        parse_http_date(after["Last-Modified"])
        == datetime(2023, 10, 30, 23, 0, tzinfo=UTC).timestamp()
    )


def test_if_none_match_takes_precedence_over_if_modified_since(client, old_content):
    with time_machine.travel(NOON, tick=False):
        current = client.get("/en/timeline/")
        response = client.get(
            "/en/timeline/",
            headers={
                "if-none-match": '"an-old-etag"',
                "if-modified-since": current["Last-Modified"],
            },
        )
    assert response.status_code == 200


def test_last_modified_is_never_in_the_future(client):
    response = client.get("/en/?date=2023-07-01")
    assert parse_http_date(response["Last-Modified"]) <= timezone.now().timestamp()
    assert response["Last-Modified"] == http_date(parse_http_date(response["Last-Modified"]))


def test_last_modified_is_never_later_than_the_response(client, old_content):
    # The database stamps a change by its own clock (guidance/publishing/triggers.py); should that
    # clock be ahead of the server's, the answer is still dated no later than it is sent
    # (RFC 9110, 8.8.2.1), so a cache never holds a date from the future.
    ContentVersion.objects.update(changed_at=NOON + timedelta(hours=1))
    forget()
    with time_machine.travel(NOON, tick=False):
        response = client.get("/en/?date=2023-07-01")
        assert parse_http_date(response["Last-Modified"]) == NOON.timestamp()
        since = {"if-modified-since": http_date(NOON.timestamp())}
        again = client.get("/en/?date=2023-07-01", headers=since)
    assert again.status_code == 304
