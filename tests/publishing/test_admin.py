"""Staff keep the facts current in the admin; the rules hold there as everywhere."""

import re
import threading
import time
from datetime import date
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections

from guidance.models import ContentVersion, Draft, Milestone
from guidance.publishing.admin import ContentAdmin
from tests.conftest import answer_status

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


# The milestone's fields on the admin change form, as the admin posts them.
MILESTONE_FIELDS = [
    "date",
    "date_precision",
    "audience",
    "status",
    "published",
    "source_url",
    "title_en",
    "summary_en",
    "what_to_do_en",
    "date_note_en",
    "title_da",
    "summary_da",
    "what_to_do_da",
    "date_note_da",
]


def milestone_form(milestone: Milestone, **changes) -> dict:
    """The admin change form's fields for ``milestone``, with ``changes`` applied."""
    data = {name: getattr(milestone, name) for name in MILESTONE_FIELDS}
    data["date"] = milestone.date.isoformat()
    data.update(changes)
    if not data["published"]:
        data.pop("published")
    return data


@pytest.fixture
def staff_client(client):
    admin = User.objects.create_superuser("admin", "admin@example.org", "a-long-test-password-1")
    client.force_login(admin)
    return client


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_user("editor", password="a-long-test-password-2", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


def closing() -> Milestone:
    return Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))


@pytest.mark.parametrize("model", ["milestone", "enrollmentoption", "requirement", "selfservice"])
def test_staff_open_the_add_and_change_forms_of_every_kind_of_row(staff_client, model):
    pk = apps.get_model("guidance", model).objects.order_by("pk").first().pk
    for url in (f"/admin/guidance/{model}/add/", f"/admin/guidance/{model}/{pk}/change/"):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'name="publish_from_0"' in html, url
        assert 'name="change_reason"' in html, url


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/guidance/milestone/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("going", ["https://evil.example/", "//evil.example/admin/", ""])
def test_a_login_with_no_safe_place_to_go_back_to_lands_in_the_admin(client, going):
    User.objects.create_superuser("staff", "s@example.org", "a-long-test-password-4")
    response = client.post(
        f"/admin/login/?next={going}",
        {"username": "staff", "password": "a-long-test-password-4", "next": going},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_user_who_is_not_staff_cannot_use_the_admin(client):
    user = User.objects.create_user("citizen", password="a-long-test-password-3")
    client.force_login(user)
    response = client.get("/admin/guidance/milestone/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_see_the_milestones_with_filters_and_search(staff_client):
    response = staff_client.get("/admin/guidance/milestone/", {"q": "closes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "NemID closes" in html
    assert "By audience" in html


def test_a_staff_edit_shows_on_the_public_page_at_once(
    staff_client, django_capture_on_commit_callbacks
):
    before = staff_client.get("/en/", {"date": "2023-11-01"}).content.decode()
    assert "NemID is closed and can no longer be used" in before
    milestone = closing()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/guidance/milestone/{milestone.pk}/change/",
            milestone_form(milestone, summary_en="NemID has closed for good."),
        )
    assert response.status_code == 302
    after = staff_client.get("/en/", {"date": "2023-11-01"}).content.decode()
    assert "NemID has closed for good." in after


NOTE = {"change_kind": "note", "note_en": "A note.", "note_da": "En note."}


def test_unpublishing_a_milestone_in_the_admin_changes_the_answer(staff_client):
    milestone = closing()
    url = f"/admin/guidance/milestone/{milestone.pk}/change/"
    # A row that disappears is a change citizens should know of: not without a public note.
    response = staff_client.post(url, milestone_form(milestone, published=False))
    assert response.status_code == 200
    assert "citizens should know" in response.content.decode()
    # The summary leads to the choices (a group of radio buttons has no single label).
    assert '<li><a href="#id_change_kind">Kind of change</a>' in response.content.decode()
    assert answer_status(staff_client.get("/en/", {"date": "2024-01-01"})) == "closed"
    staff_client.post(url, milestone_form(milestone, published=False, **NOTE))
    assert answer_status(staff_client.get("/en/", {"date": "2024-01-01"})) == "limited"


def test_two_milestones_for_one_audience_on_one_day_are_refused(staff_client):
    milestone = closing()
    data = milestone_form(milestone, status="closed", title_en="Duplicate")
    response = staff_client.post("/admin/guidance/milestone/add/", data)
    assert response.status_code == 200
    assert "This audience already has a milestone on that day." in response.content.decode()
    assert Milestone.objects.filter(title_en="Duplicate").count() == 0


def test_a_closed_before_an_active_is_refused(staff_client):
    data = milestone_form(closing(), date="2005-01-01", title_en="Too early")
    response = staff_client.post("/admin/guidance/milestone/add/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "contradicts" in html
    assert "only moves forward" in html
    assert not Milestone.objects.filter(title_en="Too early").exists()


def test_an_active_after_the_closing_is_refused(staff_client):
    data = milestone_form(closing(), date="2025-01-01", status="active", title_en="Reopened")
    response = staff_client.post("/admin/guidance/milestone/add/", data)
    assert "contradicts" in response.content.decode()
    assert not Milestone.objects.filter(title_en="Reopened").exists()


def test_a_consistent_new_milestone_is_accepted(staff_client):
    data = milestone_form(closing(), date="2025-01-01", title_en="Still closed", **NOTE)
    response = staff_client.post("/admin/guidance/milestone/add/", data)
    assert response.status_code == 302
    assert Milestone.objects.filter(title_en="Still closed").exists()


def test_view_on_site_opens_the_advice_for_the_milestones_day(staff_client):
    milestone = closing()
    content_type = ContentType.objects.get_for_model(Milestone)
    response = staff_client.get(f"/admin/r/{content_type.pk}/{milestone.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith("/en/?date=2023-10-31")


def test_view_on_site_for_a_business_milestone_keeps_the_audience():
    milestone = Milestone.objects.get(audience="business", date=date(2023, 10, 31))
    assert milestone.get_absolute_url() == "/en/?date=2023-10-31&audience=business"


def test_an_editors_change_to_a_live_row_waits_for_a_publisher_as_a_draft(editor_client):
    milestone = closing()
    url = f"/admin/guidance/milestone/{milestone.pk}/change/"
    version = ContentVersion.objects.get().number
    response = editor_client.post(url, milestone_form(milestone, title_en="NemID closes for good"))
    assert response.status_code == 302
    assert closing().title_en == "NemID closes"  # citizens still see the published row
    assert ContentVersion.objects.get().number == version
    draft = Draft.objects.get(object_id=milestone.pk)
    assert (draft.state, draft.saved_by.username) == ("waiting", "editor")
    html = editor_client.get(url).content.decode()
    assert 'value="NemID closes for good"' in html  # the form goes on from the draft
    assert "A change is waiting for a publisher" in html
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Your change to “31 October 2023, citizen: NemID closes” was kept as a draft. It is "
        "waiting for a publisher: citizens still see the published version."
    ]


def test_an_editor_cannot_delete_content_so_nothing_is_lost_for_good(editor_client):
    milestone = closing()
    response = editor_client.post(
        f"/admin/guidance/milestone/{milestone.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_an_editor_cannot_manage_users(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403


# Staff data safety: no lost update, a full revert, bulk edits, who and why.


def change_form(client, model: str, pk: int, prefix: str = "") -> dict:
    """The fields the admin's change (or revert) form would send, as a browser sends them."""
    from tools.faults import FormFields

    url = prefix or f"/admin/guidance/{model}/{pk}/change/"
    parser = FormFields(f"{'historical' if prefix else ''}{model}_form")
    parser.feed(client.get(url).content.decode())
    fields: dict = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(value)
    return fields


@pytest.fixture
def two_editors(client):
    from django.test import Client

    ann = User.objects.create_superuser("ann", "ann@example.org", "a-long-test-password-4")
    bob = User.objects.create_superuser("bob", "bob@example.org", "a-long-test-password-5")
    clients = []
    for user in (ann, bob):
        editor = Client(headers={"x-forwarded-proto": "https"})
        editor.force_login(user)
        clients.append(editor)
    return clients


def test_a_save_from_a_stale_form_is_refused_and_says_what_changed(two_editors):
    ann, bob = two_editors
    pk = closing().pk
    url = f"/admin/guidance/milestone/{pk}/change/"
    ann_form, bob_form = change_form(ann, "milestone", pk), change_form(bob, "milestone", pk)
    saved = ann.post(url, {**ann_form, "title_en": "Ann’s title", "change_reason": "Shorter title"})
    assert saved.status_code == 302
    refused = bob.post(url, {**bob_form, "title_en": "Bob’s title"})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved this after you opened it" in html
    assert "ann" in html
    assert "Shorter title" in html
    assert "title (English): “NemID closes” → “Ann’s title”" in html
    assert closing().title_en == "Ann’s title"


def test_saving_again_after_the_refusal_knowingly_replaces_the_other_edit(two_editors):
    ann, bob = two_editors
    pk = closing().pk
    url = f"/admin/guidance/milestone/{pk}/change/"
    bob_form = change_form(bob, "milestone", pk)
    ann.post(url, {**change_form(ann, "milestone", pk), "title_en": "Ann’s title"})
    refused = bob.post(url, {**bob_form, "title_en": "Bob’s title"})
    assert refused.status_code == 200
    again = re.search(r'name="loaded_version" value="([^"]+)"', refused.content.decode()).group(1)
    saved = bob.post(url, {**bob_form, "title_en": "Bob’s title", "loaded_version": again})
    assert saved.status_code == 302
    assert closing().title_en == "Bob’s title"


def someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_editors_saving_one_row_at_the_same_moment_the_second_is_refused(
    two_editors, monkeypatch
):
    """Ann's save is held open between her save and its commit; Bob saves meanwhile from the form
    they both opened. The conflict check must wait for her commit, or Bob's save passes the check
    and silently replaces hers."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL's row locks: `make test-services` (CI) runs it; SQLite lets one "
            "writer in at a time, so two saves never overlap"
        )
    ann, bob = two_editors
    pk = closing().pk
    url = f"/admin/guidance/milestone/{pk}/change/"
    forms = {"ann": change_form(ann, "milestone", pk), "bob": change_form(bob, "milestone", pk)}
    held, release = threading.Event(), threading.Event()
    save_model = ContentAdmin.save_model

    def save_and_hold(self, request, obj, form, change):
        save_model(self, request, obj, form, change)
        if request.user.username == "ann":
            held.set()
            release.wait(30)

    monkeypatch.setattr(ContentAdmin, "save_model", save_and_hold)
    answers = {}

    def save(name, editor):
        try:
            answers[name] = editor.post(url, {**forms[name], "title_en": f"{name.title()}’s title"})
        finally:
            connections.close_all()

    threads = {
        name: threading.Thread(target=save, args=(name, editor))
        for name, editor in (("ann", ann), ("bob", bob))
    }
    threads["ann"].start()
    assert held.wait(30), "Ann's save never reached the database"
    threads["bob"].start()
    deadline = time.monotonic() + 30
    while not someone_waits_for_a_lock():  # Bob's save waits for Ann's row
        assert time.monotonic() < deadline, "Bob's save never reached Ann's row"
        time.sleep(0.05)
    release.set()
    for thread in threads.values():
        thread.join(30)
    assert answers["ann"].status_code == 302
    assert answers["bob"].status_code == 200
    assert "Someone else saved this after you opened it" in answers["bob"].content.decode()
    assert closing().title_en == "Ann’s title"


def test_history_keeps_who_changed_what_and_why(staff_client):
    milestone = closing()
    url = f"/admin/guidance/milestone/{milestone.pk}/change/"
    fields = change_form(staff_client, "milestone", milestone.pk)
    staff_client.post(url, {**fields, "title_en": "Closed", "change_reason": "Agency wording"})
    latest = milestone.history.first()
    assert latest.history_user.username == "admin"
    assert latest.history_change_reason == "Agency wording"
    assert latest.title_en == "Closed"
    history = staff_client.get(f"/admin/guidance/milestone/{milestone.pk}/history/")
    assert "Agency wording" in history.content.decode()


def test_revert_restores_the_requirements_of_a_way_to_get_mitid(staff_client):
    from guidance.models import EnrollmentOption

    option = EnrollmentOption.objects.get(slug="mitid-app")
    stored = set(option.requirements.values_list("slug", flat=True))
    assert stored == {"danish-passport", "smartphone"}
    original = option.history.order_by("history_date").first()
    url = f"/admin/guidance/enrollmentoption/{option.pk}/change/"
    fields = change_form(staff_client, "enrollmentoption", option.pk)
    del fields["requirements"]
    assert staff_client.post(url, fields).status_code == 302
    assert not option.requirements.exists()

    revert = f"/admin/guidance/enrollmentoption/{option.pk}/history/{original.history_id}/"
    form = change_form(staff_client, "enrollmentoption", option.pk, prefix=revert)
    assert len(form["requirements"]) == 2, "the revert form ticks the stored requirements"
    assert staff_client.post(revert, form).status_code == 302
    assert set(option.requirements.values_list("slug", flat=True)) == stored
    assert option.history.first().history_change_reason.startswith("Reverted to the version of")
    without_passport = staff_client.get("/api/v1/status?date=2024-01-01&passport=no").json()
    assert "mitid-app" not in [o["slug"] for o in without_passport["enrollment_options"]]


def test_a_deleted_row_is_restored_from_its_history(
    staff_client, django_capture_on_commit_callbacks
):
    """simple-history keeps a deleted row's versions and offers them for revert: the form is
    loaded at no version (the row is gone), so no conflict is claimed when it is saved."""
    milestone = closing()
    pk, title = milestone.pk, milestone.title_en
    last = milestone.history.order_by("history_date").last()
    with django_capture_on_commit_callbacks(execute=True):
        milestone.delete()
    assert title not in staff_client.get("/en/timeline/").content.decode()
    revert = f"/admin/guidance/milestone/{pk}/history/{last.history_id}/"
    form = change_form(staff_client, "milestone", pk, prefix=revert)
    assert form["loaded_version"] == [""]
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(revert, form).status_code == 302
    assert closing().title_en == title
    assert title in staff_client.get("/en/timeline/").content.decode()


def test_a_bulk_edit_of_300_self_services_is_saved(staff_client):
    from guidance.models import SelfService

    SelfService.objects.bulk_create(
        SelfService(name_en=f"Service {i}", name_da=f"Tjeneste {i}") for i in range(300)
    )
    from tools.faults import FormFields

    parser = FormFields("changelist-form")
    parser.feed(staff_client.get("/admin/guidance/selfservice/").content.decode())
    fields: dict = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(value)
    rows = [name for name in fields if re.fullmatch(r"form-\d+-order", name)]
    assert len(rows) == SelfService.objects.count() >= 300
    fields.update({name: ["7"] for name in rows}, _save="Save")
    # As a browser sends this form (it has no file field): urlencoded, about 930 fields.
    response = staff_client.post(
        "/admin/guidance/selfservice/", urlencode(fields, doseq=True), content_type=FORM
    )
    assert response.status_code == 302
    assert SelfService.objects.exclude(order=7).count() == 0
    latest = SelfService.history.first()
    assert latest.history_user.username == "admin"
    assert latest.history_change_reason == "Changed in the list of self-services"


def test_even_the_admin_refuses_a_form_with_thousands_of_fields(staff_client):
    body = urlencode({f"f{i}": 1 for i in range(6000)})
    response = staff_client.post("/admin/guidance/selfservice/", body, content_type=FORM)
    assert response.status_code == 400


def test_a_save_the_database_cannot_take_is_refused_with_a_message(staff_client, monkeypatch):
    from django.db import OperationalError

    milestone = closing()
    fields = change_form(staff_client, "milestone", milestone.pk)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Milestone, "save", locked)
    staff_client.raise_request_exception = False  # answered as in production (handler500)
    response = staff_client.post(
        f"/admin/guidance/milestone/{milestone.pk}/change/", {**fields, "title_en": "Lost?"}
    )
    assert response.status_code == 503
    assert "Nothing was saved" in response.content.decode()
    assert closing().title_en == "NemID closes"


def test_a_form_saved_unchanged_is_no_change(staff_client):
    """Browsers send a textarea's line ends as CRLF: a milestone saved without touching it keeps
    its text as it was, adds no history and leaves what citizens see (the content version) be."""
    milestone = closing()
    Milestone.objects.filter(pk=milestone.pk).update(what_to_do_en="Use MitID.\nAsk for help.")
    milestone.refresh_from_db()
    url = f"/admin/guidance/milestone/{milestone.pk}/change/"
    html = staff_client.get(url).content.decode()
    loaded = re.search(r'name="loaded_version" value="([^"]*)"', html).group(1)
    fields = milestone_form(milestone, loaded_version=loaded, change_kind="minor")
    fields = {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in fields.items()}
    history, version = milestone.history.count(), ContentVersion.objects.get().number
    response = staff_client.post(url, urlencode(fields), content_type=FORM)
    assert response.status_code == 302, response.content.decode()[:500]
    milestone.refresh_from_db()
    assert milestone.what_to_do_en == "Use MitID.\nAsk for help."
    assert milestone.history.count() == history
    assert ContentVersion.objects.get().number == version
    # A real change is saved, with its line ends as LF.
    fields["what_to_do_en"] = "Use MitID.\r\nAsk Borgerservice."
    assert staff_client.post(url, urlencode(fields), content_type=FORM).status_code == 302
    milestone.refresh_from_db()
    assert milestone.what_to_do_en == "Use MitID.\nAsk Borgerservice."
    assert milestone.history.count() == history + 1


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "{d} {month} {y} {h:02d}:{m:02d}"), ("da", "{d}. {month} {y} kl. {h:02d}.{m:02d}")],
)
def test_the_admin_writes_a_moment_as_its_language_writes_a_date(staff_client, language, written):
    """One date format a language: "7 December 2026 06:52" beside "25 November 2026", never
    Django's "Dec. 7, 2026, 6:52 a.m."."""
    from django.utils import timezone, translation
    from django.utils.dateformat import format as date_format

    milestone = closing()
    changed = timezone.localtime(milestone.updated_at)
    with translation.override(language):
        month = date_format(changed, "F")
    html = staff_client.get(
        "/admin/guidance/milestone/", headers={"accept-language": language}
    ).content.decode()
    expected = written.format(
        d=changed.day, month=month, y=changed.year, h=changed.hour, m=changed.minute
    )
    assert expected in html
    assert " a.m." not in html
    assert " p.m." not in html


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_refused_form_names_and_links_each_field_to_correct_above_the_fields(
    staff_client, language
):
    milestone = closing()
    url = f"/admin/guidance/milestone/{milestone.pk}/change/"
    html = staff_client.get(url).content.decode()
    loaded = re.search(r'name="loaded_version" value="([^"]*)"', html).group(1)
    fields = milestone_form(milestone, loaded_version=loaded, title_da="")
    response = staff_client.post(url, fields, headers={"accept-language": language})
    html = response.content.decode()
    assert response.status_code == 200
    summary = re.search(
        r'<ul class="errorlist error-summary" aria-label="([^"]+)">(.*?)</ul>', html, re.S
    )
    assert summary, "no error summary"
    assert summary[1] == {"en": "Fields to correct", "da": "Felter, der skal rettes"}[language]
    label = {"en": "Title (Danish)", "da": "Titel (dansk)"}[language]
    assert f'<a href="#id_title_da">{label}</a>' in summary[2]
    assert html.index("error-summary") < html.index('id="id_title_da"')


def test_a_text_longer_than_its_help_allows_is_refused_and_the_limit_is_shown(staff_client):
    """ "What it means" is one or two sentences: 10,000 characters are refused, and the form
    says the limit beside the field (the browser stops at it too)."""
    milestone = closing()
    url = f"/admin/guidance/milestone/{milestone.pk}/change/"
    html = staff_client.get(url).content.decode()
    assert re.search(r'<textarea name="summary_en"[^>]*maxlength="300"', html)
    assert "the answer a visitor reads. At most 300 characters." in html
    loaded = re.search(r'name="loaded_version" value="([^"]*)"', html).group(1)
    fields = milestone_form(milestone, loaded_version=loaded, summary_en="x" * 10_000)
    response = staff_client.post(url, fields)
    assert response.status_code == 200
    assert "Ensure this value has at most 300 characters" in response.content.decode()
    milestone.refresh_from_db()
    assert len(milestone.summary_en) < 300


@pytest.mark.parametrize(("language", "revert"), [("en", "Revert milestone"), ("da", "Gendan")])
def test_the_revert_and_review_due_pages_have_the_admins_breadcrumbs(
    staff_client, language, revert
):
    """The admin styles breadcrumbs as a list (<ol class="breadcrumbs">); a <div> shows bare."""
    milestone = closing()
    version = milestone.history.order_by("history_date").first()
    headers = {"accept-language": language}
    for url in (
        f"/admin/guidance/milestone/{milestone.pk}/history/{version.history_id}/",
        "/admin/review-due/",
    ):
        html = staff_client.get(url, headers=headers).content.decode()
        assert '<ol class="breadcrumbs">' in html, url
        assert '<div class="breadcrumbs">' not in html, url
    trail = re.search(
        r'<ol class="breadcrumbs">(.*?)</ol>',
        staff_client.get(
            f"/admin/guidance/milestone/{milestone.pk}/history/{version.history_id}/",
            headers=headers,
        ).content.decode(),
        re.S,
    )[1]
    assert revert in trail
    assert "istori" not in trail.split("</li>")[2]  # "Milestones", not "Historical milestones"


def test_an_error_of_the_whole_form_gets_no_empty_summary(staff_client):
    data = milestone_form(closing(), status="closed", title_en="Duplicate", **NOTE)
    html = staff_client.post("/admin/guidance/milestone/add/", data).content.decode()
    assert "This audience already has a milestone on that day." in html
    assert "error-summary" not in html


def test_a_table_of_changes_quotes_long_texts_whole_and_a_message_cuts_them():
    """Two long versions that differ after 80 characters: cut alike, a publisher reviewing a
    draft could not see the change."""
    from django import forms

    from guidance.publishing.admin import readable, shown

    before = "NemID is closed and can no longer be used. Use MitID instead. It is all gone now."
    after = before.replace("now.", "for good.")
    field = forms.CharField()
    assert readable(field, before) == f"“{before}”"
    assert readable(field, before) != readable(field, after)
    assert shown(before) == f"“{before[:80]}…”"
