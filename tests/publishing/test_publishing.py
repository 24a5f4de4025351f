"""Issue 16, scheduling, preview and roles: a scheduled change goes live at its exact minute
through the snapshot and the edge; saving asks minor change or public note; editors prepare,
preview and schedule, publishers publish; the preview shows unsaved data to staff only and is
never kept."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.http import parse_http_date

from guidance.models import (
    ChangeNote,
    Draft,
    EnrollmentOption,
    Milestone,
    Requirement,
    SelfService,
)
from guidance.pages.middleware import cache_headers, holds_until
from guidance.rules.dates import today_in_copenhagen
from guidance.snapshot import current_content
from tests import clock, factories
from tests.publishing.test_admin import milestone_form
from tools.clock_drill import last_sunday

pytestmark = pytest.mark.django_db

# The minute a change is scheduled for, 18:00 in Copenhagen a week after the run starts
# (tests/clock.py), and when staff schedule it: both after every row the tests write, as the
# database stamps them, and within the fortnight a staff session made at the start lasts.
MOMENT = datetime.combine(
    clock.TODAY + timedelta(days=7), time(18, 0), clock.COPENHAGEN
).astimezone(UTC)
MOMENT_DAY = MOMENT.astimezone(clock.COPENHAGEN).date().isoformat()  # as the admin's form writes it
BEFORE = MOMENT - timedelta(days=1, hours=8)
PAGE = "/en/?date=2024-01-01"


def travel(moment: datetime):
    return time_machine.travel(moment, tick=False)


def page(client, url: str = PAGE, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


# --- scheduled changes, and conditional GET -------------------------------------------------


def scheduled_milestone():
    return factories.milestone(
        date(2023, 12, 1),
        "closed",
        title_en="Scheduled milestone",
        publish_from=MOMENT,
    )


def scheduled_option():
    return factories.option(name_en="Scheduled way to get MitID", publish_from=MOMENT)


def scheduled_self_service():
    return SelfService.objects.create(
        name_en="scheduled self-service", name_da="planlagt selvbetjening", publish_from=MOMENT
    )


def scheduled_requirement():
    requirement = factories.requirement(name_en="Scheduled requirement", publish_from=MOMENT)
    factories.option(name_en="Way with a scheduled requirement", requirements=(requirement,))
    return requirement


SCHEDULED = {
    "milestone": (scheduled_milestone, "Scheduled milestone"),
    "way to get MitID": (scheduled_option, "Scheduled way to get MitID"),
    "self-service": (scheduled_self_service, "scheduled self-service"),
    "requirement": (scheduled_requirement, "Scheduled requirement"),
}


@pytest.mark.parametrize("kind", SCHEDULED)
def test_a_scheduled_row_goes_live_at_its_exact_minute(client, kind):
    make, text = SCHEDULED[kind]
    with travel(BEFORE):
        make()
        assert text not in page(client).content.decode()
    for moment in (MOMENT - timedelta(minutes=1), MOMENT - timedelta(microseconds=1)):
        with travel(moment):
            for _ in range(2):  # the second from the content held
                assert text not in page(client).content.decode(), moment
    with travel(MOMENT):
        for _ in range(2):
            assert text in page(client).content.decode()


def test_a_way_shows_its_live_requirements_from_memory_until_the_scheduled_one_is_live(
    django_assert_num_queries,
):
    live = factories.requirement(name_en="Live requirement")
    scheduled = factories.requirement(name_en="Scheduled requirement", publish_from=MOMENT)
    factories.option(name_en="Way with both", requirements=(live, scheduled))

    def shown() -> list[str]:
        (way,) = [way for way in current_content().options if way.name_en == "Way with both"]
        with django_assert_num_queries(0):
            return sorted(row.name_en for row in way.needs)

    with travel(BEFORE):
        assert shown() == ["Live requirement"]
    with travel(MOMENT):
        assert shown() == ["Live requirement", "Scheduled requirement"]


def test_a_scheduled_change_ends_the_etag_and_last_modified_at_its_moment(client):
    scheduled_milestone()
    with travel(MOMENT - timedelta(seconds=1)):
        before = page(client)
        etag, modified = before["ETag"], before["Last-Modified"]
        assert client.get(PAGE, headers={"if-none-match": etag}).status_code == 304
        assert client.get(PAGE, headers={"if-modified-since": modified}).status_code == 304
        # Browsers ask again every time: stale as soon as it is made.
        assert parse_http_date(before["Expires"]) <= (MOMENT - timedelta(seconds=1)).timestamp()
        assert before["Cache-Control"].startswith("public, ")
    with travel(MOMENT):
        after = client.get(PAGE, headers={"if-none-match": etag})
        assert after.status_code == 200
        assert "Scheduled milestone" in after.content.decode()
        assert after["ETag"] != etag
        assert parse_http_date(after["Last-Modified"]) == MOMENT.timestamp()
        again = client.get(PAGE, headers={"if-modified-since": modified})
        assert again.status_code == 200


def test_the_content_knows_the_next_scheduled_moment(client):
    scheduled_milestone()
    with travel(BEFORE):
        assert current_content().valid_until == MOMENT
    with travel(MOMENT):
        assert current_content().valid_until is None
        assert current_content().live_since == MOMENT


@pytest.mark.parametrize(
    "url", ["/api/v1/milestones", "/api/v1/status?date=2024-01-01", "/milestones.ics"]
)
def test_the_api_and_the_calendar_leave_a_scheduled_milestone_out_until_it_is_live(client, url):
    scheduled_milestone()
    with travel(MOMENT - timedelta(seconds=1)):
        assert b"Scheduled milestone" not in client.get(url).content
    with travel(MOMENT):
        assert b"Scheduled milestone" in client.get(url).content


def allowances(until: datetime, now: datetime) -> tuple[int, int, int]:
    """The last second the edge may serve a copy fresh, stale while renewing it, and stale while
    the app cannot answer (nginx compares whole seconds: a copy is served while its second plus
    the allowance is not before the clock's)."""
    headers = cache_headers(until, now)
    fresh = int(headers["X-Accel-Expires"].removeprefix("@"))
    stale = dict(re.findall(r"(stale-[a-z-]+)=(\d+)", headers["Cache-Control"]))
    return (
        fresh,
        fresh + int(stale["stale-while-revalidate"]),
        fresh + int(stale["stale-if-error"]),
    )


def test_no_cache_may_serve_an_answer_in_or_after_the_second_it_changes():
    second = int(MOMENT.timestamp())
    # Far ahead: fresh through the current second, stale for one more while it is renewed, and
    # a minute while the app cannot answer.
    now = MOMENT - timedelta(minutes=5, seconds=0.3)
    assert allowances(MOMENT, now) == (second - 301, second - 300, second - 241)
    # Within the minute before the moment: while the app cannot answer, up to the moment.
    assert allowances(MOMENT, MOMENT - timedelta(seconds=30.3)) == (
        second - 31, second - 30, second - 1
    )  # fmt: skip
    # Close: every allowance ends in the second before the moment's.
    assert allowances(MOMENT, MOMENT - timedelta(seconds=1.5)) == (
        second - 2, second - 1, second - 1
    )  # fmt: skip
    for before in (1, 0.5, 0.001):
        assert allowances(MOMENT, MOMENT - timedelta(seconds=before)) == (second - 1,) * 3
    # A moment within a second (not a whole minute): the second before it is the last one.
    late = MOMENT + timedelta(seconds=0.4)
    assert allowances(late, MOMENT + timedelta(seconds=0.1)) == (second - 1,) * 3


def test_an_answer_holds_until_the_next_moment_or_midnight_in_copenhagen():
    day = MOMENT.astimezone(clock.COPENHAGEN).date()
    night = datetime.combine(day + timedelta(days=1), time.min, clock.COPENHAGEN)
    assert holds_until(MOMENT, MOMENT - timedelta(hours=2)) == MOMENT
    assert holds_until(None, MOMENT) == night
    assert holds_until(MOMENT + timedelta(days=3), MOMENT) == night
    # The night the clocks go back, the hour from 02:00 happens twice: a change scheduled for
    # the second 02:30 (UTC+1) is an hour after the first (UTC+2), and so is the copy's end.
    sunday = last_sunday(clock.TODAY.year + 1, 10)
    first = datetime.combine(sunday, time(0, 30), UTC)  # 02:30 summer time
    second = datetime.combine(sunday, time(1, 30), UTC)  # 02:30 winter time
    assert holds_until(second, first) == second
    assert allowances(second, first)[0] == int(first.timestamp())  # not the second 02:30's


def test_answers_carry_the_edges_allowances_and_a_304_repeats_them(client):
    scheduled_milestone()
    second = int(MOMENT.timestamp())
    with travel(MOMENT - timedelta(minutes=5)):
        answer = page(client)
        assert answer["X-Accel-Expires"] == f"@{second - 300}"
        assert answer["Cache-Control"] == "public, stale-while-revalidate=1, stale-if-error=60"
        # nginx 1.22 reads the stale-* allowances only from a Cache-Control before the expiry.
        names = [name.lower() for name in answer.headers]
        assert names.index("cache-control") < names.index("x-accel-expires")
    with travel(MOMENT - timedelta(seconds=0.5)):
        answer = page(client)
        assert answer["X-Accel-Expires"] == f"@{second - 1}"
        assert answer["Cache-Control"] == "public, stale-while-revalidate=0, stale-if-error=0"
        revalidated = client.get(PAGE, headers={"if-none-match": answer["ETag"]})
        assert revalidated.status_code == 304  # the edge revalidates: the 304 says it too
        assert revalidated["X-Accel-Expires"] == f"@{second - 1}"
        assert revalidated["Cache-Control"] == answer["Cache-Control"]
        names = [name.lower() for name in revalidated.headers]
        assert names.index("cache-control") < names.index("x-accel-expires")
    with travel(MOMENT):
        assert page(client)["X-Accel-Expires"] == f"@{second}"


# --- the admin: publishing fields, kind of change, public notes --------------------------------


def https_client() -> Client:
    """Another browser, beside the ``client`` fixture's (HTTPS, as behind the TLS proxy)."""
    return Client(headers={"x-forwarded-proto": "https", "host": "testserver"})


def log_in_as_publisher(client: Client) -> Client:
    """``client`` logged in as a new member of the Publishers group."""
    user = User.objects.create_user("publisher", password="a-long-test-password-4", is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    client.force_login(user)
    return client


@pytest.fixture
def publisher_client(client):
    return log_in_as_publisher(client)


# The seed's notes (migrations 0013 and 0022), newest first.
SEED_NOTES = [
    "The answer for businesses now says that NemID’s service was limited from 30 June 2023.",
    "First published.",
]


def note_texts() -> list[str]:
    return list(ChangeNote.objects.values_list("note_en", flat=True))


def closing() -> Milestone:
    return Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))


def change_url(row) -> str:
    return f"/admin/guidance/{row._meta.model_name}/{row.pk}/change/"


def notes_about(row):
    return ChangeNote.objects.filter(
        content_type=ContentType.objects.get_for_model(row), object_id=row.pk
    )


@pytest.mark.parametrize("sent", ["19:30:45", "19:30:59.250000"])  # the field takes both
def test_the_form_shows_and_takes_publish_from_in_copenhagen_time(publisher_client, sent):
    milestone = closing()
    Milestone.objects.filter(pk=milestone.pk).update(publish_from=MOMENT)
    form = publisher_client.get(change_url(milestone)).content.decode()
    assert f'name="publish_from_0" value="{MOMENT_DAY}"' in form
    assert 'name="publish_from_1" value="18:00:00"' in form  # in Copenhagen time
    assert 'name="review_by"' in form
    with travel(BEFORE):
        response = publisher_client.post(
            change_url(milestone),
            milestone_form(
                milestone,
                publish_from_0=MOMENT_DAY,
                publish_from_1=sent,
                change_kind="minor",
            ),
        )
    assert response.status_code == 302
    assert closing().publish_from == MOMENT + timedelta(hours=1, minutes=30)  # whole minute


def test_a_public_note_needs_both_languages(publisher_client):
    milestone = closing()
    response = publisher_client.post(
        change_url(milestone),
        milestone_form(milestone, title_en="Changed", change_kind="note", note_en="Only English"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write the public note in Danish, or choose a minor change." in html
    assert "Write the public note in English" not in html
    assert closing().title_en != "Changed"
    assert note_texts() == SEED_NOTES  # only the seed's


def test_a_minor_change_has_no_note(publisher_client):
    milestone = closing()
    response = publisher_client.post(
        change_url(milestone), milestone_form(milestone, title_en="Typo fixed")
    )
    assert response.status_code == 302
    assert note_texts() == SEED_NOTES  # only the seed's


def test_a_change_with_a_note_publishes_it_at_once_linked_to_the_row(publisher_client):
    milestone = closing()
    with travel(BEFORE):
        response = publisher_client.post(
            change_url(milestone),
            milestone_form(
                milestone,
                change_kind="note",
                note_en="The closing date is clearer.",
                note_da="Datoen for lukningen er tydeligere.",
            ),
        )
    assert response.status_code == 302
    note = notes_about(milestone).get()
    assert note.published_at == BEFORE
    assert (note.note_en, note.note_da) == (
        "The closing date is clearer.",
        "Datoen for lukningen er tydeligere.",
    )
    assert note.created_by.username == "publisher"
    with travel(BEFORE):
        assert note in current_content().notes


def test_a_scheduled_change_dates_its_note_at_the_moment_and_a_reschedule_moves_it(
    publisher_client,
):
    milestone = closing()
    with travel(BEFORE):
        publisher_client.post(
            change_url(milestone),
            milestone_form(
                milestone,
                publish_from_0=MOMENT_DAY,
                publish_from_1="18:00",
                change_kind="note",
                note_en="Scheduled note",
                note_da="Planlagt note",
            ),
        )
        note = notes_about(milestone).get()
        assert note.published_at == MOMENT
        assert note not in current_content().notes
        later = MOMENT + timedelta(hours=2)
        response = publisher_client.post(
            change_url(milestone),
            milestone_form(closing(), publish_from_0=MOMENT_DAY, publish_from_1="20:00"),
        )
        assert response.status_code == 302
        note.refresh_from_db()
        assert note.published_at == later
    with travel(later - timedelta(seconds=1)):
        assert note not in current_content().notes
    with travel(later):
        assert note in current_content().notes


def test_a_note_already_live_does_not_move_with_a_later_change(publisher_client):
    milestone = closing()
    with travel(BEFORE):
        publisher_client.post(
            change_url(milestone),
            milestone_form(milestone, change_kind="note", note_en="First", note_da="Første"),
        )
    with travel(BEFORE + timedelta(days=1)):
        publisher_client.post(
            change_url(milestone),
            milestone_form(closing(), publish_from_0=MOMENT_DAY, publish_from_1="18:00"),
        )
    assert notes_about(milestone).get().published_at == BEFORE


# --- roles -------------------------------------------------------------------------------------


def test_the_publishers_group_has_the_editors_permissions_and_may_publish():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert "view_changenote" in editors
    assert "publish_change" not in editors
    assert editors < publishers
    assert {"publish_change", "change_changenote", "view_changenote"} <= publishers
    assert not any(codename.startswith("delete_") for codename in publishers)


def test_an_editors_change_with_a_note_waits_for_a_publisher_who_publishes_it(editor):
    milestone = closing()
    noted = {"change_kind": "note", "note_en": "Moved.", "note_da": "Flyttet."}
    fields = milestone_form(milestone, title_en="Big change", date="2023-11-30", **noted)
    assert editor.post(change_url(milestone), fields).status_code == 302
    assert (closing().title_en, closing().date) == ("NemID closes", date(2023, 10, 31))
    assert note_texts() == SEED_NOTES  # only the seed's
    answer = page(https_client(), "/api/v1/status?date=2023-11-15").json()
    assert answer["nemid"]["status"] == "closed"
    # The publisher opens the row: the form shows the draft, beside what it changes.
    client = log_in_as_publisher(https_client())
    html = client.get(change_url(milestone)).content.decode()
    assert 'value="Big change"' in html
    assert ">\nMoved.</textarea>" in html
    assert re.search(r"<th scope=\"row\">Date</th><td>“2023-10-31”</td><td>“2023-11-30”</td>", html)
    loaded = re.search(r'name="loaded_version" value="([^"]*)"', html).group(1)
    assert (
        client.post(change_url(milestone), {**fields, "loaded_version": loaded}).status_code == 302
    )
    published = Milestone.objects.get(pk=milestone.pk)
    assert (published.title_en, published.date) == ("Big change", date(2023, 11, 30))
    assert note_texts() == ["Moved.", *SEED_NOTES]
    assert not Draft.objects.exists()
    answer = page(https_client(), "/api/v1/status?date=2023-11-15").json()
    assert answer["nemid"]["status"] == "limited"


def test_an_editors_new_row_is_kept_unpublished_until_a_publisher_publishes_it(editor):
    fields = milestone_form(closing(), date="2030-01-01", title_en="New milestone")
    assert editor.post("/admin/guidance/milestone/add/", fields).status_code == 302
    row = Milestone.objects.get(title_en="New milestone")
    assert not row.published
    assert row not in current_content().milestones
    assert Draft.objects.get(object_id=row.pk).data["published"] == ["True"]


def test_a_publisher_sends_a_draft_back_and_the_editor_sees_why(editor):
    milestone = closing()
    editor.post(change_url(milestone), milestone_form(milestone, title_en="Too bold"))
    client = log_in_as_publisher(https_client())
    response = client.post(
        f"{change_url(milestone)[: -len('change/')]}draft/",
        {"_send_back": "1", "_draft_comment": "Keep the official wording."},
    )
    assert response.status_code == 302
    assert closing().title_en == "NemID closes"
    html = editor.get("/admin/").content.decode()
    assert "Sent back" in html
    assert "Keep the official wording." in html
    assert "Waiting for you" not in html
    assert "Sent back" in editor.get(change_url(milestone)).content.decode()
    # Only a publisher sends back; the editor may discard their draft.
    url = f"{change_url(milestone)[: -len('change/')]}draft/"
    assert editor.post(url, {"_send_back": "1"}).status_code == 403
    assert editor.post(url, {"_discard": "1"}).status_code == 302
    assert not Draft.objects.exists()


def test_the_publishers_index_lists_what_waits_for_them(editor):
    milestone = closing()
    editor.post(change_url(milestone), milestone_form(milestone, title_en="Reworded"))
    client = log_in_as_publisher(https_client())
    html = client.get("/admin/").content.decode()
    assert "Waiting for you" in html
    assert f'href="{change_url(milestone)}"' in html


def test_an_editor_prepares_and_schedules_a_draft_a_publisher_publishes_it(editor, client):
    fields = milestone_form(
        closing(),
        date="2030-01-01",
        title_en="Prepared milestone",
        published=False,
        publish_from_0=MOMENT_DAY,
        publish_from_1="18:00",
        change_kind="note",
        note_en="A new milestone in 2030.",
        note_da="En ny milepæl i 2030.",
    )
    with travel(BEFORE):
        response = editor.post("/admin/guidance/milestone/add/", fields)
        assert response.status_code == 302
        prepared = Milestone.objects.get(title_en="Prepared milestone")
        assert not prepared.published
        note = notes_about(prepared).get()
        assert note not in current_content().notes  # the row is not published
    with travel(MOMENT + timedelta(hours=1)):
        assert note not in current_content().notes  # nor after its moment: still a draft
        assert prepared not in current_content().milestones
    log_in_as_publisher(client)
    with travel(BEFORE + timedelta(hours=1)):
        response = client.post(
            change_url(prepared),
            milestone_form(
                prepared,
                published="on",
                publish_from_0=MOMENT_DAY,
                publish_from_1="18:00",
            ),
        )
        assert response.status_code == 302
        assert prepared not in current_content().milestones
    note.refresh_from_db()
    assert note.published_at == MOMENT
    with travel(MOMENT):
        content = current_content()
        assert prepared in content.milestones
        assert note in content.notes


def test_an_editor_may_not_publish_a_prepared_note(editor):
    fields = milestone_form(
        closing(),
        date="2030-01-01",
        title_en="Prepared milestone",
        published=False,
        change_kind="note",
        note_en="A new milestone.",
        note_da="En ny milepæl.",
    )
    assert editor.post("/admin/guidance/milestone/add/", fields).status_code == 302
    prepared = Milestone.objects.get(title_en="Prepared milestone")
    response = editor.post(change_url(prepared), milestone_form(prepared, published="on"))
    assert response.status_code == 302  # kept as a draft: the row stays unpublished
    assert not Milestone.objects.get(pk=prepared.pk).published
    assert Draft.objects.get(object_id=prepared.pk).state == "waiting"


@override_settings(PUBLISHING_NEEDS_PUBLISHER=False)
def test_without_the_limit_an_editor_publishes_a_noted_change(editor):
    milestone = closing()
    response = editor.post(
        change_url(milestone),
        milestone_form(
            milestone, title_en="Big change", change_kind="note", note_en="N", note_da="N"
        ),
    )
    assert response.status_code == 302
    assert closing().title_en == "Big change"


def test_a_publisher_fixes_a_notes_text_an_editor_only_reads_it(publisher_client, editor):
    note = ChangeNote.objects.create(published_at=BEFORE, note_en="Tpyo", note_da="Tastefjl")
    url = f"/admin/guidance/changenote/{note.pk}/change/"
    assert editor.get(url).status_code == 200
    assert editor.post(url, {"note_en": "x", "note_da": "y"}).status_code == 403
    assert editor.get("/admin/guidance/changenote/add/").status_code == 403
    publisher = User.objects.get(username="publisher")
    editor.force_login(publisher)
    response = editor.post(url, {"note_en": "Typo", "note_da": "Tastefejl"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.note_en, note.note_da, note.published_at) == ("Typo", "Tastefejl", BEFORE)


# --- preview -----------------------------------------------------------------------------------


def preview_url(row=None, model: str = "milestone") -> str:
    if row is None:
        return f"/admin/guidance/{model}/preview/"
    return f"/admin/guidance/{row._meta.model_name}/{row.pk}/preview/"


def preview_fields(fields: dict, day: str = "2024-01-01", **controls) -> dict:
    return {
        **fields,
        "_preview_date": day,
        "_preview_audience": controls.get("audience", "citizen"),
        "_preview_language": controls.get("language", "en"),
    }


def test_the_change_and_add_forms_offer_a_preview_in_a_new_tab(editor):
    milestone = closing()
    for url, action in (
        (change_url(milestone), preview_url(milestone)),
        ("/admin/guidance/milestone/add/", preview_url()),
    ):
        html = editor.get(url).content.decode()
        assert f'formaction="{action}"' in html
        assert 'formtarget="_blank"' in html
        assert 'name="_preview_date"' in html
        assert 'name="_preview_audience"' in html
        assert 'name="_preview_language"' in html
        assert "<script>" not in html.split('id="content-main"', 1)[1]


def test_staff_preview_an_unsaved_change_never_saved_nor_kept(editor, client):
    milestone = closing()
    fields = preview_fields(milestone_form(milestone, summary_en="An unsaved summary."))
    response = editor.post(preview_url(milestone), fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: not published" in html
    assert "An unsaved summary." in html
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert closing().summary_en != "An unsaved summary."
    client.logout()
    assert "An unsaved summary." not in page(client).content.decode()


def test_a_preview_leaves_nothing_visitors_see(editor):
    """A preview renders the public page with an unsaved row: a visitor asking for the same page
    afterwards, or for another date, sees only what is live."""
    milestone = closing()
    url = "/en/?date=2024-01-01"
    client = Client(headers={"x-forwarded-proto": "https", "host": "testserver"})  # a visitor
    assert "An unsaved summary." not in page(client, url).content.decode()
    fields = preview_fields(milestone_form(milestone, summary_en="An unsaved summary."))
    html = editor.post(preview_url(milestone), fields).content.decode()
    assert "An unsaved summary." in html
    assert milestone.summary_en not in html
    assert "An unsaved summary." not in page(client, url).content.decode()
    assert milestone.summary_en in page(client, "/en/?date=2024-01-02").content.decode()


def test_a_preview_for_today_is_todays_answer_as_citizens_see_it(editor):
    """The date control starts at today: that preview says "today", not "your date"."""
    fields = milestone_form(closing())
    today = today_in_copenhagen()
    html = editor.post(preview_url(closing()), preview_fields(fields, today.isoformat())).content
    assert "NemID today, " in html.decode()
    assert "(in force today)" in html.decode()
    assert "your date" not in html.decode()
    html = editor.post(preview_url(closing()), preview_fields(fields, "2024-01-01")).content
    assert "NemID on 1 January 2024" in html.decode()
    assert "(in force on your date)" in html.decode()


def test_a_new_row_and_a_scheduled_row_are_previewed_as_if_live(editor):
    fields = milestone_form(closing(), date="2023-12-01", title_en="A new one", published=False)
    html = editor.post(preview_url(), preview_fields(fields)).content.decode()
    assert "A new one" in html
    assert not Milestone.objects.filter(title_en="A new one").exists()
    scheduled = scheduled_milestone()
    with travel(BEFORE):
        fields = milestone_form(scheduled, publish_from_0=MOMENT_DAY, publish_from_1="18:00")
        html = editor.post(preview_url(scheduled), preview_fields(fields)).content.decode()
        assert "Scheduled milestone" in html
        assert "Scheduled milestone" not in page(editor).content.decode()


def test_the_preview_answers_in_the_chosen_language_and_audience(editor):
    milestone = closing()
    fields = milestone_form(milestone, summary_da="Et ugemt resumé.")
    response = editor.post(preview_url(milestone), preview_fields(fields, language="da"))
    html = response.content.decode()
    assert response["Content-Language"] == "da"
    assert '<html lang="da"' in html
    assert "Forhåndsvisning: ikke offentliggjort" in html
    assert "Et ugemt resumé." in html
    business = editor.post(
        preview_url(milestone), preview_fields(fields, audience="business")
    ).content.decode()
    assert "Et ugemt resumé." not in business


def test_a_way_to_get_mitid_is_previewed_with_the_requirements_in_the_form(editor):
    requirement = factories.requirement(name_en="A requirement only the form has")
    option = factories.option(name_en="Previewed way")
    fields = {
        "slug": option.slug,
        "audience": option.audience,
        "requirements": [requirement.pk],
        "url": "",
        "order": option.order,
        "published": "on",
        "name_en": "Previewed way",
        "summary_en": option.summary_en,
        "steps_en": "",
        "name_da": option.name_da,
        "summary_da": option.summary_da,
        "steps_da": "",
    }
    html = editor.post(preview_url(option), preview_fields(fields)).content.decode()
    assert "A requirement only the form has" in html
    assert not EnrollmentOption.objects.get(pk=option.pk).requirements.exists()


def test_a_requirement_is_previewed_in_the_ways_that_need_it(editor):
    requirement = factories.requirement(name_en="Old requirement name")
    factories.option(name_en="Way needing it", requirements=(requirement,))
    fields = {
        "slug": requirement.slug,
        "situation": "",
        "name_en": "New requirement name",
        "name_da": requirement.name_da,
    }
    html = editor.post(preview_url(requirement), preview_fields(fields)).content.decode()
    assert "New requirement name" in html
    assert Requirement.objects.get(pk=requirement.pk).name_en == "Old requirement name"


def test_a_form_that_does_not_validate_gets_a_clear_400(editor):
    milestone = closing()
    fields = preview_fields(milestone_form(milestone, title_en=""))
    response = editor.post(preview_url(milestone), fields)
    assert response.status_code == 400
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    html = response.content.decode()
    assert "The preview could not be made" in html
    assert "Title (English): This field is required." in html
    assert editor.get(preview_url(milestone)).status_code == 400


def test_the_preview_is_never_shown_to_anyone_but_staff(client):
    milestone = closing()
    fields = preview_fields(milestone_form(milestone, summary_en="An unsaved summary."))
    anonymous = client.post(preview_url(milestone), fields)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    citizen = User.objects.create_user("citizen", password="a-long-test-password-3")
    client.force_login(citizen)
    refused = client.post(preview_url(milestone), fields)
    assert refused.status_code == 302
    assert b"An unsaved summary." not in refused.content
    staff = User.objects.create_user("staff", password="a-long-test-password-5", is_staff=True)
    client.force_login(staff)  # staff, but not allowed to see milestones
    assert client.post(preview_url(milestone), fields).status_code == 403
    assert client.post(preview_url(), fields).status_code == 403


def test_a_preview_needs_the_forms_csrf_token(editor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    strict.force_login(User.objects.get(username="editor"))
    milestone = closing()
    fields = preview_fields(milestone_form(milestone))
    assert strict.post(preview_url(milestone), fields).status_code == 403


def list_form(client) -> dict:
    from tools.faults import FormFields

    parser = FormFields("changelist-form")
    parser.feed(client.get("/admin/guidance/selfservice/").content.decode())
    fields: dict = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(value)
    return fields


def test_the_list_of_self_services_does_not_let_an_editor_publish_a_row(editor):
    from urllib.parse import urlencode

    draft = SelfService.objects.create(name_en="a draft service", name_da="kladde", published=False)
    fields = list_form(editor)
    row = next(
        name.removesuffix("-id")
        for name, values in fields.items()
        if name.endswith("-id") and values == [str(draft.pk)]
    )
    fields[f"{row}-published"] = ["on"]
    fields["_save"] = ["Save"]
    body = urlencode(fields, doseq=True)
    form = "application/x-www-form-urlencoded"
    response = editor.post("/admin/guidance/selfservice/", body, content_type=form)
    assert response.status_code == 200
    assert (
        '<ul class="errorlist nonfield"><li>Only a publisher can change “a draft service” here, '
        "as citizens see it, so it was not saved. Open it to prepare the change for a publisher."
        "</li></ul>"
    ) in response.content.decode()
    danish = editor.post(
        "/admin/guidance/selfservice/", body, content_type=form, headers={"accept-language": "da"}
    ).content.decode()
    refusal = danish[danish.index('<ul class="errorlist nonfield">') :]
    assert "kladde" in refusal[: refusal.index("</ul>")]  # the row in the staff's language
    assert not SelfService.objects.get(pk=draft.pk).published
    log_in_as_publisher(editor)
    assert editor.post("/admin/guidance/selfservice/", body, content_type=form).status_code == 302
    assert SelfService.objects.get(pk=draft.pk).published


def test_a_new_way_to_get_mitid_is_previewed_with_its_requirements(editor):
    requirement = factories.requirement(name_en="A requirement of a new way")
    fields = {
        "slug": "a-new-way",
        "audience": "citizen",
        "requirements": [requirement.pk],
        "url": "",
        "order": 0,
        "name_en": "A new way to get MitID",
        "summary_en": "Its summary.",
        "steps_en": "",
        "name_da": "En ny måde",
        "summary_da": "Resumé.",
        "steps_da": "",
    }
    response = editor.post(preview_url(model="enrollmentoption"), preview_fields(fields))
    html = response.content.decode()
    assert "A new way to get MitID" in html
    assert "A requirement of a new way" in html
    assert not EnrollmentOption.objects.filter(slug="a-new-way").exists()


def test_a_preview_of_a_row_that_does_not_exist_is_a_404(editor):
    assert editor.post("/admin/guidance/milestone/999999/preview/", {}).status_code == 404


def test_an_editors_typo_fix_or_move_of_a_scheduled_row_waits_as_a_draft(editor):
    milestone = closing()
    Milestone.objects.filter(pk=milestone.pk).update(publish_from=MOMENT)
    ChangeNote.objects.create(
        published_at=MOMENT,
        note_en="Scheduled",
        note_da="Planlagt",
        content_type=ContentType.objects.get_for_model(Milestone),
        object_id=milestone.pk,
    )
    with travel(BEFORE):
        typo = milestone_form(
            closing(), title_en="Typo fixed", publish_from_0=MOMENT_DAY, publish_from_1="18:00"
        )
        assert editor.post(change_url(milestone), typo).status_code == 302
        assert closing().title_en == "NemID closes"  # a draft, for a publisher
        moved = milestone_form(closing(), publish_from_0=MOMENT_DAY, publish_from_1="20:00")
        assert editor.post(change_url(milestone), moved).status_code == 302
    assert closing().publish_from == MOMENT
    assert notes_about(milestone).get().published_at == MOMENT


def test_the_preview_answers_for_the_chosen_date_or_for_today_without_one(editor):
    milestone = closing()
    fields = milestone_form(milestone)
    html = editor.post(preview_url(milestone), preview_fields(fields)).content.decode()
    assert "NemID on 1 January 2024" in html
    assert "NemID today" not in html
    response = editor.post(preview_url(milestone), {**fields, "_preview_audience": "citizen"})
    assert response.status_code == 200
    assert "NemID today" in response.content.decode()


def test_a_preview_shows_every_other_row_as_citizens_see_it(editor):
    milestone = closing()
    fields = milestone_form(milestone, title_en="An unsaved title")
    html = editor.post(preview_url(milestone), preview_fields(fields)).content.decode()
    assert "An unsaved title" in html
    assert "NemID closes<" not in html  # the stored version is replaced, not shown as well
    assert "NemID is launched" in html
    assert "NemID service is limited" in html
    fields = milestone_form(milestone, date="2023-12-01", title_en="A new one")
    html = editor.post(preview_url(), preview_fields(fields)).content.decode()
    assert "A new one" in html
    assert "NemID is launched" in html


FOR_BUSINESSES = '<span class="answer__audience">for businesses</span>'


def test_the_preview_answers_for_the_chosen_audience_or_else_the_rows_own(editor):
    citizens = closing()
    fields = milestone_form(citizens)
    chosen = editor.post(preview_url(citizens), preview_fields(fields, audience="business"))
    assert FOR_BUSINESSES in chosen.content.decode()
    businesses = Milestone.objects.get(audience="business", date=date(2023, 10, 31))
    fields = {**milestone_form(businesses), "_preview_date": "2024-01-01"}
    assert FOR_BUSINESSES in editor.post(preview_url(businesses), fields).content.decode()
    requirement = Requirement.objects.get(slug="smartphone")  # a row for no one audience
    fields = {"slug": "smartphone", "situation": "smartphone", "name_en": "A mobile phone"}
    fields |= {"name_da": requirement.name_da, "_preview_date": "2024-01-01"}
    response = editor.post(preview_url(requirement), fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A mobile phone" in html
    assert FOR_BUSINESSES not in html


def test_the_preview_is_in_the_admins_language_when_none_offered_is_chosen(editor):
    milestone = closing()
    fields = milestone_form(milestone, summary_da="Et ugemt resumé.")
    danish = {"accept-language": "da"}
    for language in ({}, {"_preview_language": "de"}):
        response = editor.post(
            preview_url(milestone),
            {**fields, "_preview_date": "2024-01-01", **language},
            headers=danish,
        )
        assert response.status_code == 200
        assert response["Content-Language"] == "da"
        assert "Et ugemt resumé." in response.content.decode()


def test_search_engines_are_told_never_to_index_a_preview(editor):
    milestone = closing()
    shown = editor.post(preview_url(milestone), preview_fields(milestone_form(milestone)))
    invalid = editor.post(
        preview_url(milestone), preview_fields(milestone_form(milestone, title_en=""))
    )
    opened = editor.get(preview_url(milestone))
    assert [shown.status_code, invalid.status_code, opened.status_code] == [200, 400, 400]
    for response in (shown, invalid, opened):
        assert response["X-Robots-Tag"] == "noindex"


def test_a_preview_not_opened_from_the_form_says_how_to_open_it(editor):
    response = editor.get(preview_url(closing()))
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>The preview could not be made</h1>" in html
    assert "<li>Open the preview from the form&#x27;s button.</li>" in html
    assert "editor" in html.split('id="user-tools"', 1)[1].split("</div>", 1)[0]  # still logged in
    danish = editor.get(preview_url(closing()), headers={"accept-language": "da"}).content.decode()
    assert "<h1>Forhåndsvisningen kunne ikke laves</h1>" in danish
    assert "<li>Åbn forhåndsvisningen med knappen i formularen.</li>" in danish


def test_a_preview_of_a_row_that_clashes_with_another_says_so_as_a_whole(editor):
    fields = milestone_form(closing(), title_en="A second closing the same day")
    response = editor.post(preview_url(), preview_fields(fields))
    assert response.status_code == 400
    assert "<li>This audience already has a milestone on that day.</li>" in (
        response.content.decode()
    )


@pytest.fixture
def milestone_viewer(client):
    """Staff who may view the milestones and change nothing."""
    viewer = User.objects.create_user("viewer", password="a-long-test-password-6", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_milestone"))
    client.force_login(viewer)
    return client


def test_staff_who_may_only_view_a_row_preview_it_as_it_is_stored(milestone_viewer):
    client = milestone_viewer
    milestone = closing()
    fields = preview_fields(milestone_form(milestone, summary_en="A change they may not make."))
    response = client.post(preview_url(milestone), fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert milestone.summary_en in html
    assert "A change they may not make." not in html


def test_staff_who_may_only_view_a_row_see_its_earlier_versions_but_cannot_revert(
    milestone_viewer,
):
    client = milestone_viewer
    milestone = closing()
    original = milestone.history.order_by("history_date").first()
    milestone.summary_en = "A later summary."
    milestone.save()
    url = f"/admin/guidance/milestone/{milestone.pk}/history/{original.history_id}/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert original.summary_en in html
    assert "A later summary." not in html
    versions = milestone.history.count()
    response = client.post(url, milestone_form(original.instance, summary_en="Not theirs."))
    assert response.status_code == 403
    assert closing().summary_en == "A later summary."
    assert milestone.history.count() == versions


def test_an_editor_previews_a_change_only_a_publisher_may_publish(editor):
    """A preview saves nothing, so what an editor may not publish (a public note, a new row
    made visible) is previewed all the same; the note need not be written yet."""
    milestone = closing()
    noted = milestone_form(milestone, title_en="A big change", change_kind="note")
    response = editor.post(preview_url(milestone), preview_fields(noted))
    assert response.status_code == 200
    assert "A big change" in response.content.decode()
    new = milestone_form(milestone, date="2023-12-01", title_en="A new visible one")
    response = editor.post(preview_url(), preview_fields(new))
    assert response.status_code == 200
    assert "A new visible one" in response.content.decode()


def test_a_requirement_is_previewed_beside_the_other_requirements_of_its_ways(editor):
    passport = Requirement.objects.get(slug="danish-passport")
    fields = {"slug": passport.slug, "situation": passport.situation, "name_da": passport.name_da}
    fields["name_en"] = "A Danish passport, still valid"
    html = editor.post(preview_url(passport), preview_fields(fields)).content.decode()
    assert "A Danish passport, still valid" in html
    assert "A smartphone" in html  # the way's other requirement


def test_a_new_requirement_is_previewed_in_no_way_yet(editor):
    first = Requirement.objects.get(pk=1)  # a new row is not mistaken for the first one stored
    assert EnrollmentOption.objects.filter(requirements=first, published=True).exists()
    fields = {"slug": "a-new-requirement", "situation": "", "name_en": "A new requirement"}
    fields["name_da"] = "Et nyt krav"
    response = editor.post(preview_url(model="requirement"), preview_fields(fields))
    assert response.status_code == 200
    html = response.content.decode()
    assert first.name_en in html
    assert "A new requirement" not in html


def test_a_public_note_is_written_in_both_languages(publisher_client):
    """A change citizens should know of needs its note in English and in Danish: a blank or
    spaces-only note is refused under its own field, and nothing is saved."""
    row = closing()
    response = publisher_client.post(
        change_url(row),
        milestone_form(row, title_en="Noted change", change_kind="note", note_en=" ", note_da=""),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<ul class="errorlist" id="id_note_en_error"><li>'
        "Write the public note in English, or choose a minor change.</li></ul>"
    ) in html
    assert (
        '<ul class="errorlist" id="id_note_da_error"><li>'
        "Write the public note in Danish, or choose a minor change.</li></ul>"
    ) in html
    assert closing().title_en != "Noted change"


def test_the_change_form_offers_a_preview_for_today_for_each_audience_and_language(editor):
    page = editor.get(change_url(closing())).content.decode()
    html = page[page.index('class="module aligned preview-controls"') :]
    html = html[: html.index("</fieldset>")]
    today = today_in_copenhagen().isoformat()
    assert f'<input type="date" name="_preview_date" id="id__preview_date" value="{today}">' in html
    options = re.findall(r'<option value="(\w+)"( selected)?>(\w+)</option>', html)
    assert options == [
        ("citizen", " selected", "Citizen"),  # the row's own audience
        ("business", "", "Business"),
        ("en", " selected", "English"),  # the admin's language
        ("da", "", "Danish"),
    ]


def test_a_note_written_on_a_draft_is_dated_when_a_publisher_publishes_the_draft(editor, client):
    """Citizens first read a draft's note when the draft goes live: the note takes the moment a
    publisher publishes the row, not the day an editor wrote it."""
    fields = milestone_form(
        closing(),
        date="2030-01-01",
        title_en="Drafted milestone",
        published=False,
        change_kind="note",
        note_en="A new milestone in 2030.",
        note_da="En ny milepæl i 2030.",
    )
    written = clock.days_ahead(2, time(9, 0))
    published = written + timedelta(days=7)
    with travel(written):
        assert editor.post("/admin/guidance/milestone/add/", fields).status_code == 302
    draft = Milestone.objects.get(title_en="Drafted milestone")
    note = notes_about(draft).get()
    assert note.published_at == written
    with travel(written + timedelta(days=1)):  # edited again, still a draft: the note waits
        edited = milestone_form(draft, title_en="Drafted milestone, edited", published=False)
        assert editor.post(change_url(draft), edited).status_code == 302
    note.refresh_from_db()
    assert note.published_at == written
    draft.refresh_from_db()
    log_in_as_publisher(client)
    with travel(published):
        response = client.post(change_url(draft), milestone_form(draft, published="on"))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.published_at == published


def test_republishing_a_withdrawn_row_dates_only_the_notes_citizens_have_not_seen(editor, client):
    """A published row with a live note is withdrawn (unticked "Published", with a note), noted
    again as a draft, and published again. The note citizens read before keeps its day; the
    notes written since it was withdrawn take the moment of publishing. Notes about other rows
    are not touched."""
    row = closing()
    log_in_as_publisher(client)
    seen_on = timezone.now().replace(microsecond=0) + timedelta(days=1)  # after the seed's history
    with time_machine.travel(seen_on):  # a clock that runs, as in production
        noted = milestone_form(row, change_kind="note", note_en="Seen.", note_da="Set.")
        assert client.post(change_url(row), noted).status_code == 302
    seen = notes_about(row).get()
    seen_at = seen.published_at
    with travel(seen_on + timedelta(days=1)):  # withdrawn, with a note written as it is
        withdrawn = milestone_form(
            closing(), published=False, change_kind="note", note_en="Later.", note_da="Senere."
        )
        assert editor.post(change_url(row), withdrawn).status_code == 302
    with travel(seen_on + timedelta(days=2)):
        draft = milestone_form(
            closing(), published=False, change_kind="note", note_en="New.", note_da="Ny."
        )
        assert editor.post(change_url(row), draft).status_code == 302
        other_milestone = Milestone.objects.exclude(pk=row.pk).first()
        others = [
            ChangeNote.objects.create(
                published_at=seen_on + timedelta(days=2),
                note_en=f"About another row ({model.__name__}).",
                note_da="Om en anden række.",
                content_type=ContentType.objects.get_for_model(model),
                object_id=pk,
            )
            for model, pk in ((Milestone, other_milestone.pk), (SelfService, row.pk))
        ]
    unseen = list(notes_about(row).exclude(pk=seen.pk))
    assert [note.note_en for note in unseen] == ["New.", "Later."]
    republished_on = seen_on + timedelta(days=9)
    with travel(republished_on):
        again = milestone_form(closing(), published="on")
        assert client.post(change_url(row), again).status_code == 302
    seen.refresh_from_db()
    assert seen.published_at == seen_at
    for note in unseen:
        note.refresh_from_db()
        assert note.published_at == republished_on, note.note_en
    for note in others:
        note.refresh_from_db()
        assert note.published_at == seen_on + timedelta(days=2), note.note_en


def test_a_row_withdrawn_without_history_is_republished_with_its_later_notes(client):
    """A row unpublished outside the admin (a data fix: no history row says when) is published
    again like any other: the notes written since it was last published go live with it."""
    row = closing()
    published_on = timezone.now().replace(microsecond=0) + timedelta(days=1)
    log_in_as_publisher(client)
    with travel(published_on):
        assert client.post(change_url(row), milestone_form(row)).status_code == 302
    Milestone.objects.filter(pk=row.pk).update(published=False)
    with travel(published_on + timedelta(days=1)):
        ChangeNote.objects.create(
            published_at=timezone.now(),
            note_en="New.",
            note_da="Ny.",
            content_type=ContentType.objects.get_for_model(row),
            object_id=row.pk,
        )
    republished_on = published_on + timedelta(days=2)
    with travel(republished_on):
        again = milestone_form(closing(), published="on")
        assert client.post(change_url(row), again).status_code == 302
    assert notes_about(row).get().published_at == republished_on


@pytest.mark.parametrize("model", [Milestone, EnrollmentOption, Requirement, SelfService])
def test_a_scheduled_note_moves_when_its_change_is_rescheduled_in_every_kind_of_row(
    publisher_client, model
):
    """Each kind of row has its own admin (requirements have no "Published" box: they show
    wherever a way uses them), yet their scheduled changes and notes work alike."""
    from tests.publishing.test_admin import change_form

    row = model.objects.order_by("pk").first()
    url = change_url(row)
    with travel(BEFORE):
        fields = change_form(publisher_client, model._meta.model_name, row.pk)
        scheduled = {
            **fields,
            "publish_from_0": MOMENT_DAY,
            "publish_from_1": "18:00",
            "change_kind": "note",
            "note_en": "A row changes.",
            "note_da": "En række ændres.",
        }
        assert publisher_client.post(url, scheduled).status_code == 302
        note = notes_about(row).get()
        assert note.published_at == MOMENT
        fields = change_form(publisher_client, model._meta.model_name, row.pk)
        later = {**fields, "publish_from_0": MOMENT_DAY, "publish_from_1": "20:00"}
        assert publisher_client.post(url, later).status_code == 302
    note.refresh_from_db()
    assert note.published_at == MOMENT + timedelta(hours=2)
