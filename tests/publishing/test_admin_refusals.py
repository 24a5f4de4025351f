"""What an editor reads when a save is refused: every word of it.

tests/publishing/test_admin.py shows that a stale save is refused and that saving again replaces
the other edit; here the whole message is read as the editor sees it (who, when, why, what
changed), and the answer when the database cannot take a request.
"""

import html
import logging
import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client

from guidance.models import ChangeNote, Draft, EnrollmentOption, Milestone, Requirement
from tests import clock
from tests.publishing.test_admin import change_form, closing

pytestmark = pytest.mark.django_db

# 14:05 in Copenhagen (summer time) on 3 June of the year after the run's, as the admin shows it;
# after the seed's own history rows, which the database stamps at the run's real time.
SAVED_AT = datetime.combine(clock.june_next_year(), time(12, 5), tzinfo=UTC)
SHOWN_AT = f"3 June {SAVED_AT.year} 14:05"  # one full stop after it, not "p.m.."
REFUSED = "Someone else saved this after you opened it, so your changes were not saved."
AGAIN = "Check the fields below and save again to replace their version with yours."


def editor(name: str) -> Client:
    user = User.objects.create_superuser(name, f"{name}@example.org", f"a-long-password-{name}")
    # Failures are answered as in production (handler500), not raised into the test.
    client = Client(headers={"x-forwarded-proto": "https"}, raise_request_exception=False)
    client.force_login(user)
    return client


def refusal(response) -> str:
    """The text of the form's error note (the refusal), as the editor reads it."""
    assert response.status_code == 200
    notes = re.findall(
        r'<ul class="errorlist nonfield">\s*<li>(.*?)</li>', response.content.decode(), re.S
    )
    assert len(notes) == 1, notes
    return html.unescape(notes[0])


def test_the_refusal_names_who_when_why_and_every_change():
    bob = editor("bob")
    pk = closing().pk
    # A summary longer than the message quotes (80 characters), as both forms load it.
    milestone = closing()
    milestone.summary_en = (
        "NemID is closed and can no longer be used. Use MitID today. It is gone for good now."
    )
    milestone.save()
    url = f"/admin/guidance/milestone/{pk}/change/"
    bob_form = change_form(bob, "milestone", pk)
    long_summary = "A" * 81  # one over what the message quotes
    title = "Ann’s title " + "t" * 68  # exactly what it quotes
    assert len(title) == 80
    with time_machine.travel(SAVED_AT, tick=False):
        ann = editor("ann")  # logged in then: a session from before would have expired
        ann_form = change_form(ann, "milestone", pk)
        saved = ann.post(
            url,
            {
                **ann_form,
                "title_en": title,
                "summary_en": long_summary,
                "date_note_en": "Ann’s note",
                "change_reason": "Shorter title",
            },
        )
    assert saved.status_code == 302
    assert saved["Location"] == "/admin/guidance/milestone/"
    refused = bob.post(url, {**bob_form, "title_en": "Bob’s title"})
    assert ann_form["date_note_en"] == [""]
    summary = ann_form["summary_en"][0]
    assert len(summary) > 80
    assert refusal(refused) == (
        f"{REFUSED} Last saved by ann at {SHOWN_AT}. Reason: Shorter title. They changed: "
        "note on the date (English): (blank) → “Ann’s note”; "
        f"what it means (English): “{summary[:80]}…” → “{'A' * 80}…”; "
        f"title (English): “NemID closes” → “{title}”. {AGAIN}"
    )


def test_a_change_saved_outside_the_admin_is_by_someone_and_gives_no_reason():
    bob = editor("bob")
    pk = closing().pk
    bob_form = change_form(bob, "milestone", pk)
    with time_machine.travel(SAVED_AT, tick=False):
        milestone = closing()
        milestone.title_en = "Changed by a script"
        milestone.save()
    refused = bob.post(f"/admin/guidance/milestone/{pk}/change/", bob_form)
    assert refusal(refused) == (
        f"{REFUSED} Last saved by someone at {SHOWN_AT}. They changed: title (English): "
        f"“{bob_form['title_en'][0]}” → “Changed by a script”. {AGAIN}"
    )


def test_changed_requirements_are_named_in_the_refusal():
    bob = editor("bob")
    option = EnrollmentOption.objects.get(slug="mitid-app")
    url = f"/admin/guidance/enrollmentoption/{option.pk}/change/"
    bob_form = change_form(bob, "enrollmentoption", option.pk)
    with time_machine.travel(SAVED_AT, tick=False):
        ann = editor("ann")
        ann_form = change_form(ann, "enrollmentoption", option.pk)
        del ann_form["requirements"]
        saved = ann.post(url, ann_form)
    assert saved["Location"] == "/admin/guidance/enrollmentoption/"
    refused = bob.post(url, {**bob_form, "change_reason": "Mine"})
    assert refusal(refused) == (
        f"{REFUSED} Last saved by ann at {SHOWN_AT}. They changed: "
        f"requirements: A Danish passport, A smartphone → (none). {AGAIN}"
    )


def test_a_version_the_history_never_kept_still_gets_a_clear_refusal():
    # The form was opened after a bulk update (no history row for that version): the message
    # cannot say what changed since, but says who saved last.
    bob = editor("bob")
    pk = closing().pk
    Milestone.objects.filter(pk=pk).update(updated_at=clock.NOW - timedelta(days=365))
    bob_form = change_form(bob, "milestone", pk)
    with time_machine.travel(SAVED_AT, tick=False):
        ann = editor("ann")
        url = f"/admin/guidance/milestone/{pk}/change/"
        saved = ann.post(url, {**change_form(ann, "milestone", pk), "title_en": "Ann’s"})
    assert saved["Location"] == "/admin/guidance/milestone/"
    refused = bob.post(url, bob_form)
    assert refusal(refused) == f"{REFUSED} Last saved by ann at {SHOWN_AT}. {AGAIN}"


def assert_database_refused(response, caplog):
    """The staff member's page: a 503 that says nothing was saved; the failure in the log."""
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "<h1>The database did not answer</h1>" in page
    if response.request["REQUEST_METHOD"] == "POST":
        assert "Nothing was saved. Go back and save again in a moment." in page
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert "database is locked" in str(record.exc_info[1])


def locked(*args, **kwargs):
    from django.db import OperationalError

    raise OperationalError("database is locked")


def test_a_list_the_database_cannot_read_is_refused_with_a_message(monkeypatch, caplog):
    from guidance.publishing.admin import MilestoneAdmin

    admin = editor("ann")
    monkeypatch.setattr(MilestoneAdmin, "get_queryset", locked)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = admin.get("/admin/guidance/milestone/")
    assert_database_refused(response, caplog)


def test_a_save_the_database_cannot_take_says_so_in_full(monkeypatch, caplog):
    admin = editor("ann")
    pk = closing().pk
    fields = {**change_form(admin, "milestone", pk), "title_en": ["NemID has closed"]}
    monkeypatch.setattr(Milestone, "save", locked)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = admin.post(f"/admin/guidance/milestone/{pk}/change/", fields)
    assert_database_refused(response, caplog)


def test_a_revert_the_database_cannot_take_changes_nothing(monkeypatch, caplog):
    admin = editor("ann")
    option = EnrollmentOption.objects.get(slug="mitid-app")
    original = option.history.order_by("history_date").first()
    url = f"/admin/guidance/enrollmentoption/{option.pk}/change/"
    fields = change_form(admin, "enrollmentoption", option.pk)
    del fields["requirements"]
    assert admin.post(url, fields).status_code == 302
    revert = f"/admin/guidance/enrollmentoption/{option.pk}/history/{original.history_id}/"
    form = change_form(admin, "enrollmentoption", option.pk, prefix=revert)
    monkeypatch.setattr(EnrollmentOption, "save", locked)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = admin.post(revert, form)
    assert_database_refused(response, caplog)
    assert not option.requirements.exists()


# Forms as a browser posts them (urlencoded; the test client's default is multipart).
def urlencoded(fields: dict) -> bytes:
    from urllib.parse import urlencode

    return urlencode(fields, doseq=True).encode()


def test_a_form_posted_in_another_encoding_is_read_not_a_server_error():
    admin = editor("ann")
    pk = closing().pk
    fields = change_form(admin, "milestone", pk)
    fields["title_en"] = ["Ann"]
    body = urlencoded(fields).replace(b"title_en=Ann", b"title_en=Ann\xe9")  # Latin-1 é
    response = admin.post(
        f"/admin/guidance/milestone/{pk}/change/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert closing().title_en == "Anné"  # Django reads bytes that are not UTF-8 as Latin-1


def test_an_admin_form_with_too_many_fields_is_logged_with_the_limit(caplog):
    from django.conf import settings

    admin = editor("ann")
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    body = urlencoded({f"f{i}": 1 for i in range(limit + 1)})
    with caplog.at_level(logging.ERROR, logger="django.security.TooManyFieldsSent"):
        response = admin.post(
            "/admin/guidance/selfservice/", body, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.security.TooManyFieldsSent"]
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in record.getMessage()


def test_a_revert_names_the_version_it_restored_in_the_history():
    admin = editor("ann")
    pk = closing().pk
    url = f"/admin/guidance/milestone/{pk}/change/"
    with time_machine.travel(SAVED_AT, tick=False):
        bob = editor("bob")
        saved = bob.post(url, {**change_form(bob, "milestone", pk), "title_en": "Bob’s"})
    assert saved["Location"] == "/admin/guidance/milestone/"
    kept = closing().history.order_by("-history_date").first()
    admin.post(url, {**change_form(admin, "milestone", pk), "title_en": "Later"})
    revert = f"/admin/guidance/milestone/{pk}/history/{kept.history_id}/"
    assert admin.post(revert, change_form(admin, "milestone", pk, prefix=revert)).status_code == 302
    latest = closing().history.order_by("-history_id").first()  # saved today, before SAVED_AT
    assert latest.history_change_reason == f"Reverted to the version of {SHOWN_AT}"
    assert closing().title_en == "Bob’s"


def test_an_editors_change_to_a_requirement_waits_for_a_publisher(client):
    """A requirement has no "Published" box: it is shown wherever a way needs it, so any change
    to it is for a publisher to publish."""
    user = User.objects.create_user("editor", password="a-long-test-password-2", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    requirement = Requirement.objects.get(situation="passport")
    url = f"/admin/guidance/requirement/{requirement.pk}/change/"
    fields = change_form(client, "requirement", requirement.pk)
    noted = {**fields, "name_en": ["A Danish passport (new)"], "change_kind": ["note"]}
    noted |= {"note_en": ["New wording."], "note_da": ["Ny ordlyd."]}
    assert client.post(url, noted).status_code == 302
    assert Requirement.objects.get(pk=requirement.pk).name_en == requirement.name_en
    assert not ChangeNote.objects.filter(note_en="New wording.").exists()
    minor = {**fields, "name_en": ["A Danish passport (newer)"], "change_kind": ["minor"]}
    assert client.post(url, minor).status_code == 302
    assert Requirement.objects.get(pk=requirement.pk).name_en == requirement.name_en
    assert Draft.objects.get(object_id=requirement.pk).data["name_en"] == [
        "A Danish passport (newer)"
    ]


def test_any_admin_page_the_database_cannot_answer_is_a_503_in_the_staff_members_language(
    monkeypatch, caplog
):
    """The index and every other admin page too, not only the forms: in Danish for a Danish
    browser, nothing half-saved."""
    from django.contrib.admin import AdminSite

    admin = editor("ann")
    monkeypatch.setattr(AdminSite, "get_app_list", locked)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = admin.get("/admin/", headers={"accept-language": "da"})
    assert response.status_code == 503
    page = response.content.decode()
    assert '<html lang="da">' in page
    assert "<h1>Databasen svarede ikke</h1>" in page
    assert "Prøv igen om lidt." in page
