"""The editorial rules (guidance.publishing.rules): an editor's save never changes what citizens
see; a publisher's does, with a public note where citizens should know; every row shows its
state, and every save says what citizens see and when."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from guidance.models import (
    ChangeNote,
    ContentVersion,
    Draft,
    EnrollmentOption,
    Milestone,
    Requirement,
    SelfService,
)
from guidance.publishing import rules
from guidance.rules.dates import COPENHAGEN
from tests import clock
from tests.publishing.test_admin import change_form
from tests.publishing.test_publishing import change_url, closing, https_client, log_in_as_publisher

pytestmark = pytest.mark.django_db

NOW = clock.NOW


def a_row(model: str):
    return {
        "milestone": closing,
        "enrollmentoption": lambda: EnrollmentOption.objects.get(slug="mitid-app"),
        "selfservice": lambda: SelfService.objects.filter(published=True).first(),
        "requirement": lambda: Requirement.objects.get(slug="smartphone"),
    }[model]()


# Every field of each kind of row that citizens see, with a value it does not have.
CITIZEN_FIELDS = [
    ("milestone", "title_da", ["Ny titel"]),
    ("milestone", "summary_en", ["Something else."]),
    ("milestone", "what_to_do_en", ["Do something else."]),
    ("milestone", "date", ["2023-11-30"]),
    ("milestone", "status", ["limited"]),
    ("milestone", "audience", ["business"]),
    ("milestone", "published", []),
    ("milestone", "publish_from_0", [(clock.TODAY + timedelta(days=40)).isoformat()]),
    ("milestone", "source_url", ["https://example.org/elsewhere"]),
    ("milestone", "date_note_en", ["About then."]),
    ("enrollmentoption", "name_en", ["Another way"]),
    ("enrollmentoption", "steps_da", ["Et andet trin"]),
    ("enrollmentoption", "requirements", []),
    ("enrollmentoption", "available_until", ["2030-01-01"]),
    ("enrollmentoption", "url", ["https://example.org/other"]),
    ("enrollmentoption", "order", ["99"]),
    ("enrollmentoption", "published", []),
    ("selfservice", "name_en", ["Another service"]),
    ("selfservice", "order", ["99"]),
    ("selfservice", "published", []),
    ("requirement", "name_da", ["Noget andet"]),
    ("requirement", "situation", [""]),
]


@pytest.mark.parametrize(("model", "field", "value"), CITIZEN_FIELDS)
def test_an_editors_save_never_changes_what_citizens_see(editor, model, field, value):
    row = a_row(model)
    fields = change_form(editor, model, row.pk)
    if field == "publish_from_0":
        fields["publish_from_1"] = ["09:00"]
    if field == "audience":  # the business timeline has its own milestone on that day
        fields["date"] = ["2031-05-01"]
    fields[field] = value
    before = ContentVersion.objects.get().number
    response = editor.post(change_url(row), fields)
    assert response.status_code == 302, response.content.decode()[-2000:]
    # Nothing citizens see was written: no content table changed (the version would have).
    assert ContentVersion.objects.get().number == before
    draft = Draft.objects.get(object_id=row.pk)
    assert draft.state == Draft.WAITING
    assert draft.data.get(field, []) == value


def test_an_editors_review_date_is_for_staff_and_saved_at_once(editor):
    row = closing()
    fields = change_form(editor, "milestone", row.pk)
    day = (clock.TODAY + timedelta(days=90)).isoformat()
    fields["review_by"] = [day]
    assert editor.post(change_url(row), fields).status_code == 302
    assert closing().review_by.isoformat() == day
    assert not Draft.objects.exists()


def test_an_editor_saves_a_row_citizens_do_not_see_at_once(editor):
    row = SelfService.objects.create(name_en="Hidden", name_da="Skjult", published=False)
    fields = change_form(editor, "selfservice", row.pk)
    fields["name_en"] = ["Still hidden"]
    response = editor.post(change_url(row), fields)
    assert SelfService.objects.get(pk=row.pk).name_en == "Still hidden"
    assert not Draft.objects.exists()
    assert next(str(m) for m in response.wsgi_request._messages).endswith("Citizens do not see it.")


@pytest.mark.parametrize(
    ("changed", "noted"),
    [
        ({"date": ["2023-11-30"]}, True),
        ({"status": ["limited"]}, True),
        ({"published": []}, True),
        ({"title_en": ["A clearer title"]}, False),
    ],
)
def test_a_publisher_publishes_a_new_date_status_or_withdrawal_only_with_a_note(changed, noted):
    publisher = log_in_as_publisher(https_client())
    row = closing()
    fields = {**change_form(publisher, "milestone", row.pk), **changed}
    fields.pop("published", None) if "published" in changed else None
    response = publisher.post(change_url(row), fields)
    assert (response.status_code == 200) is noted
    if noted:
        assert "citizens should know" in response.content.decode()
        note = {"change_kind": ["note"], "note_en": ["Changed."], "note_da": ["Ændret."]}
        assert publisher.post(change_url(row), {**fields, **note}).status_code == 302
    assert ContentVersion.objects.get().number > 0
    assert Milestone.objects.get(pk=row.pk).title_en == fields["title_en"][0]


def test_a_new_row_starts_unpublished_in_the_form(editor):
    html = editor.get("/admin/guidance/milestone/add/").content.decode()
    (box,) = re.findall(r'<input type="checkbox" name="published"[^>]*>', html)
    assert "checked" not in box


@pytest.mark.parametrize("language", ["en", "da"])
def test_every_row_shows_its_state_in_the_list_and_the_filter_finds_it(editor, language):
    row = closing()
    fields = change_form(editor, "milestone", row.pk)
    editor.post(change_url(row), {**fields, "title_en": ["Reworded"]})
    html = editor.get("/admin/guidance/milestone/", headers={"accept-language": language})
    text = html.content.decode()
    waiting = {"en": "Live, a change waiting", "da": "Offentliggjort, en ændring venter"}
    assert waiting[language] in text
    found = editor.get("/admin/guidance/milestone/?state=waiting").context["cl"].result_list
    assert [m.pk for m in found] == [row.pk]
    live = editor.get("/admin/guidance/milestone/?state=live").context["cl"].result_list
    assert row.pk in [m.pk for m in live]
    assert editor.get("/admin/guidance/requirement/?state=draft").status_code == 200


def test_the_states_in_staff_words():
    row = Milestone(published=True, publish_from=None)
    waiting, sent_back = Draft(state=Draft.WAITING), Draft(state=Draft.SENT_BACK)
    with translation.override("en"):
        assert rules.state_of(row, None, NOW, True) == "Live"
        assert rules.state_of(row, waiting, NOW, True) == "Live, a change waiting"
        assert rules.state_of(row, sent_back, NOW, True) == "Live, a change sent back"
        row.publish_from = NOW.replace(minute=0, second=0) + timedelta(days=40)
        local = row.publish_from.astimezone(COPENHAGEN)
        expected = f"Scheduled for {local.day} {local:%B} {local.year} {local:%H}:00"
        assert rules.state_of(row, None, NOW, True) == expected
        row.published = False
        assert rules.state_of(row, None, NOW, False) == "Draft"
        assert rules.state_of(row, None, NOW, True) == "Unpublished"
        assert rules.state_of(row, waiting, NOW, True) == "Waiting for a publisher"
        assert rules.state_of(row, sent_back, NOW, True) == "Sent back"


def test_what_a_save_means_for_citizens():
    row = Milestone(published=True, publish_from=NOW + timedelta(days=1))
    with translation.override("en"):
        assert rules.what_citizens_see(row, False, NOW).startswith("Citizens see it from ")
        row.publish_from = None
        assert rules.what_citizens_see(row, False, NOW) == "Citizens see it now."
        assert "still see the published version" in rules.what_citizens_see(row, True, NOW)
        row.published = False
        assert rules.what_citizens_see(row, False, NOW) == "Citizens do not see it."


def test_who_must_wait():
    editor = User.objects.create_user("e", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    publisher = User.objects.create_user("p", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publishers"))
    live, hidden = Milestone(published=True), Milestone(published=False)
    assert rules.must_wait(editor, live, live, ["title_en"])
    assert rules.must_wait(editor, hidden, live, ["published"])
    assert rules.must_wait(editor, live, hidden, ["published"])
    assert not rules.must_wait(editor, hidden, hidden, ["title_en"])
    assert not rules.must_wait(editor, live, live, ["review_by", "change_reason"])
    assert not rules.must_wait(publisher, live, live, ["title_en"])
    assert rules.must_wait(AnonymousUser(), None, Requirement(), ["name_en"])


def test_an_editors_revert_of_a_live_row_waits_as_a_draft_links_included(editor):
    option = EnrollmentOption.objects.get(slug="mitid-app")
    needs = sorted(option.requirements.values_list("slug", flat=True))
    option.requirements.clear()  # a change outside the admin, with its history row
    earlier = option.history.order_by("history_date").first()
    url = f"/admin/guidance/enrollmentoption/{option.pk}/history/{earlier.history_id}/"
    fields = change_form(editor, "enrollmentoption", option.pk, prefix=url)
    before = ContentVersion.objects.get().number
    response = editor.post(url, fields)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert ContentVersion.objects.get().number == before
    assert list(option.requirements.all()) == []  # the live row keeps its links as they are
    draft = Draft.objects.get(object_id=option.pk)
    assert (
        sorted(
            Requirement.objects.filter(pk__in=draft.data["requirements"]).values_list(
                "slug", flat=True
            )
        )
        == needs
    )


def test_a_draft_that_withdraws_a_row_says_which_public_notes_go_with_it(editor):
    row = closing()
    kind = ContentType.objects.get_for_model(Milestone)
    ChangeNote.objects.create(
        published_at=NOW - timedelta(days=1), note_en="Moved.", note_da="Flyttet.",
        content_type=kind, object_id=row.pk,
    )  # fmt: skip
    fields = change_form(editor, "milestone", row.pk)
    fields.pop("published")
    assert editor.post(change_url(row), fields).status_code == 302
    publisher = log_in_as_publisher(https_client())
    html = publisher.get(change_url(row)).content.decode()
    assert "nor the public note about it on the updates page and in the feed" in html
    assert closing().published  # nothing withdrawn yet


def test_the_form_shows_the_rows_state(editor):
    row = closing()
    assert "State: Live</p>" in editor.get(change_url(row)).content.decode()
    fields = change_form(editor, "milestone", row.pk)
    editor.post(change_url(row), {**fields, "title_en": ["Reworded"]})
    html = editor.get(change_url(row), headers={"accept-language": "da"}).content.decode()
    assert "Tilstand: Offentliggjort, en ændring venter</p>" in html
