"""The admin in Danish: every screen staff use, rendered for a Danish member of staff, has no
English words of its own (the rows' English texts are content, and are left out)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation

from guidance.models import ChangeNote, EnrollmentOption, Milestone, Requirement, SelfService
from tests.publishing.test_admin import change_form
from tests.publishing.test_publishing import change_url, closing, https_client

pytestmark = pytest.mark.django_db

# English words of the admin's own that have no place on a Danish screen.
ENGLISH = {
    "the", "and", "with", "of", "change", "changed", "save", "delete", "history", "revert",
    "object", "none", "reason", "published", "draft", "waiting", "home", "review", "filter",
    "search", "close", "comment", "entries", "live", "scheduled", "publisher", "citizens", "yes",
    "add", "view", "state", "overdue", "due", "preview", "date", "audience", "title",
}  # fmt: skip
TEXT_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class VisibleText(HTMLParser):
    """The words a reader sees or hears: text outside scripts and styles, labels in attributes
    and the text of buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
        self.parts += [a[name] for name in TEXT_ATTRIBUTES if a.get(name)]
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def content_texts() -> list[str]:
    """The rows' own English texts, now and in their history, the reasons staff gave for their
    changes, and staff names: longest first."""
    texts = ["prepares", "publishes", "editor", "dansk"]
    models = (Milestone, EnrollmentOption, SelfService, Requirement, ChangeNote)
    versions = [m.history.model for m in models if hasattr(m, "history")]
    for model in (*models, *versions):
        for row in model.objects.all():
            texts.append(getattr(row, "history_change_reason", None) or "")
            texts += [
                str(getattr(row, f.name))
                for f in model._meta.fields
                if f.name.endswith("_en") or f.name in ("slug", "source_url", "url")
            ]
            texts.append(str(row))
    return sorted({t for t in texts if t}, key=len, reverse=True)


def english_words(html: str, content: list[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    for known in content:
        text = text.replace(known, " ")
    # Quoted values are the rows' texts (a change's old and new value, an example of an English
    # note), in either language's quotation marks.
    text = re.sub(r"„[^“]*“|“[^”]*”", " ", text)
    return {w for w in re.findall(r"[A-Za-zÆØÅæøåé’']+", text) if w.lower() in ENGLISH}


@pytest.fixture
def danish_publisher():
    user = User.objects.create_user("publishes", password="a-long-password-9", is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    client = https_client()
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    return client


def screens(client) -> list[str]:
    """Every admin screen staff use, with a draft waiting and a row with a history."""
    milestone = closing()
    editor = User.objects.create_user("editor", password="a-long-password-8", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    as_editor = https_client()
    as_editor.force_login(editor)
    fields = change_form(as_editor, "milestone", milestone.pk)
    as_editor.post(change_url(milestone), {**fields, "title_en": ["NemID closes for good"]})
    version = milestone.history.order_by("history_date").first()
    option = EnrollmentOption.objects.first()
    return [
        "/admin/",
        "/admin/guidance/",
        *(f"/admin/guidance/{m}/" for m in ("milestone", "enrollmentoption", "requirement")),
        "/admin/guidance/selfservice/",
        "/admin/guidance/changenote/",
        "/admin/guidance/milestone/?state=waiting",
        change_url(milestone),
        change_url(option),
        change_url(Requirement.objects.first()),
        change_url(SelfService.objects.first()),
        "/admin/guidance/milestone/add/",
        f"/admin/guidance/milestone/{milestone.pk}/history/",
        f"/admin/guidance/milestone/{milestone.pk}/history/{version.history_id}/",
        "/admin/review-due/",
    ]


def test_every_admin_screen_is_in_danish_for_a_danish_member_of_staff(danish_publisher):
    found = {}
    for url in screens(danish_publisher):
        response = danish_publisher.get(url)
        assert response.status_code == 200, url
        words = english_words(response.content.decode(), content_texts())
        if words:
            found[url] = sorted(words)
    assert found == {}


def test_the_check_finds_english_words():
    assert english_words("<p>The history of a change</p>", []) == {"The", "history", "of", "change"}
    assert english_words('<input type="submit" value="Save">', []) == {"Save"}
    assert english_words("<p>Historik</p><script>var history;</script>", []) == set()
    assert english_words("<p>Gammel: „The old title“</p>", []) == set()


def test_the_danish_admin_reads_as_danish(danish_publisher):
    """Words a Danish editor noticed: no double relative clause, no wrong gender, one word for a
    row's state ("tilstand"; "status" is NemID's)."""
    services = danish_publisher.get("/admin/guidance/selfservice/").content.decode()
    assert "Vælg selvbetjeningsløsning, der skal ændres" in services
    assert "der kræver MitID, der skal ændres" not in services
    option = danish_publisher.get(change_url(EnrollmentOption.objects.first())).content.decode()
    assert 'title="Tilføj krav"' in option
    assert "endnu en krav" not in option
    milestones = danish_publisher.get("/admin/guidance/milestone/").content.decode()
    assert ">Tilstand<" in milestones


def test_the_danish_lists_name_each_row_in_danish(danish_publisher):
    milestones = danish_publisher.get("/admin/guidance/milestone/").content.decode()
    assert "31. oktober 2023, virksomhed: NemID lukker for virksomheder" in milestones
    assert "NemID closes for businesses" not in milestones
    ways = danish_publisher.get("/admin/guidance/enrollmentoption/").content.decode()
    app = EnrollmentOption.objects.get(slug="mitid-app")
    assert app.name_da in ways
    assert f">{app.name_en}<" not in ways


def test_the_change_notes_are_listed_in_danish_with_their_row_and_only_their_kinds_of_row(
    danish_publisher,
):
    """A note says what it is about (the row in its own words), and the filter offers only the
    kinds of row notes are about: not Django's own tables (sessions, log entries...)."""
    html = danish_publisher.get("/admin/guidance/changenote/").content.decode()
    assert "Svaret for virksomheder siger nu, at NemID fik begrænset service fra 30. juni" in html
    assert "30. juni 2023, virksomhed: NemID får begrænset service" in html
    assert "The answer for businesses" not in html
    filters = html[html.index('id="changelist-filter"') :]
    assert "milepæl" in filters
    for internal in ("session", "logpost", "indholdsversion", "Session"):
        assert internal not in filters
    # Its moment in Copenhagen's time, as every other moment staff read.
    note = ChangeNote.objects.get(note_en__startswith="The answer for businesses")
    with translation.override("da"):
        assert str(note) == (
            "8. december 2026 kl. 02.00: Svaret for virksomheder siger nu, at NemID fik "
            "begrænset service…"
        )
