"""Parts of answer pages kept between requests ({% memo %}): the same bytes as rendering afresh,
edits and scheduled changes shown on the next request, no content loaded by pages without it."""

import dataclasses
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import DatabaseError
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from guidance import snapshot as content
from guidance.lru import BoundedLRU
from guidance.models import Milestone
from guidance.pages.context import translated
from guidance.pages.middleware import responses
from guidance.rules.advice import Advice, UnsuitableOption
from guidance.templatetags import memo
from tests.factories import milestone

pytestmark = pytest.mark.django_db

SITUATIONS = ["", "&passport=yes&smartphone=no", "&passport=no"]


def sample_dates() -> list[str]:
    """The day before and of every milestone, far past and future, and odd spellings."""
    days = {
        day + timedelta(days=shift)
        for day in Milestone.objects.values_list("date", flat=True)
        for shift in (-1, 0)
    }
    days |= {date(1999, 12, 31), date(2026, 11, 26), date(2099, 12, 31)}
    return ["", "31-10-2023", "30.6.2023", *sorted(day.isoformat() for day in days)]


def pages(client, urls: list[str]) -> dict[str, tuple[int, bytes]]:
    """Each URL rendered afresh (the response cache emptied), in order."""
    result = {}
    for url in urls:
        responses.clear()
        response = client.get(url)
        result[url] = (response.status_code, response.content)
    return result


@pytest.mark.parametrize("today", ["2023-08-15", "2027-03-01"])
@pytest.mark.parametrize("page", ["/en/", "/da/", "/en/timeline/", "/da/timeline/"])
def test_kept_parts_give_the_same_bytes_as_rendering_afresh(client, monkeypatch, page, today):
    urls = [
        f"{page}?date={day}{audience}{situation}"
        for day in sample_dates()
        for audience in ("", "&audience=business")
        for situation in SITUATIONS
    ] + [f"{page}?date=nonsense", f"{page}?date=2023-02-30&audience=business"]
    with time_machine.travel(datetime.fromisoformat(f"{today}T12:00+01:00"), tick=False):
        kept = pages(client, urls)
        assert memo.fragments.entries  # parts were kept and reused
        monkeypatch.setattr(memo, "enabled", False)
        afresh = pages(client, urls)
    for url in urls:
        assert kept[url] == afresh[url], url
    assert {status for status, _body in kept.values()} == {200, 400}


def test_a_second_date_with_the_same_answer_reuses_every_kept_part(client):
    client.get("/en/?date=2030-01-01")
    kept = len(memo.fragments.entries)
    assert kept
    client.get("/en/?date=2031-05-17")
    assert len(memo.fragments.entries) == kept
    client.get("/en/?date=2023-07-01")  # another answer: its own parts
    assert len(memo.fragments.entries) > kept


def test_an_edit_shows_on_the_next_request_for_another_date(
    client, django_capture_on_commit_callbacks
):
    old = b"NemID is closed and can no longer be used."
    assert old in client.get("/en/?date=2024-01-01").content
    closing = Milestone.objects.get(audience="citizen", date="2023-10-31")
    closing.summary_en = "NemID has closed for good."
    with django_capture_on_commit_callbacks(execute=True):
        closing.save()
    page = client.get("/en/?date=2024-01-02").content
    assert page.count(b"NemID has closed for good.") == 2  # the answer, and what to do now
    assert old not in page


def test_a_scheduled_change_shows_at_its_moment_for_another_date(client):
    moment = timezone.now() + timedelta(hours=1)
    milestone(date(2030, 1, 1), "closed", title_en="A change scheduled ahead", publish_from=moment)
    before = client.get("/en/timeline/?date=2029-06-01").content
    assert b"A change scheduled ahead" not in before
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        after = client.get("/en/timeline/?date=2029-06-02").content
        answer = client.get("/en/?date=2029-06-03").content
    assert b"A change scheduled ahead" in after
    assert b"A change scheduled ahead" in answer  # the answer box's "Next change"


def test_pages_that_show_no_content_do_not_load_it(monkeypatch):
    """The error pages and the health check answer with the database gone in a fresh process."""

    def no_database():
        raise DatabaseError("the database does not answer")

    monkeypatch.setattr(content, "load_content", no_database)
    monkeypatch.setattr(content, "database_version", no_database)
    client = Client(
        raise_request_exception=False,
        enforce_csrf_checks=True,
        headers={"x-forwarded-proto": "https"},
    )
    assert client.get("/nowhere/").status_code == 404
    assert client.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 403
    assert client.get("/healthz").status_code == 503
    assert not memo.fragments.entries


def test_a_fresh_block_must_not_use_a_variable_set_inside_its_memo():
    page = Template(
        "{% load memo %}{% memo %}{% for day in days %}{% fresh %}{{ day }}{% endfresh %}"
        "{% endfor %}{% endmemo %}"
    )
    with pytest.raises(TemplateSyntaxError) as refused:
        page.render(Context({"content_key": (1, None), "days": [1, 2]}))
    assert str(refused.value) == (
        "A {% fresh %} block uses a variable set inside its {% memo %} (by a for or a with): it "
        "is rendered with the context at {% memo %}. Move the variable out, or the block."
    )
    assert not memo.fragments.entries


def test_a_fresh_block_whose_place_a_filter_rewrote_is_refused(monkeypatch):
    """{% filter upper %} rewrites the marker of the fresh block's place: the part cannot be
    put together again, so it is refused rather than kept without its fresh block."""
    monkeypatch.setattr(memo, "_HOLE", "\x00place\x00")
    page = Template(
        "{% load memo %}{% memo %}{% filter upper %}kept {% fresh %}{{ day }}{% endfresh %}"
        "{% endfilter %}{% endmemo %}"
    )
    with pytest.raises(TemplateSyntaxError) as refused:
        page.render(Context({"content_key": (1, None), "day": 3}))
    assert str(refused.value) == (
        "{% memo %}: the place of a {% fresh %} block was lost or repeated (is it inside a tag "
        "that rewrites its text, such as {% filter %}?)."
    )
    assert not memo.fragments.entries


class Counted:
    """A value that counts how often a template shows it."""

    def __init__(self):
        self.shown = 0

    def __str__(self):
        self.shown += 1
        return "shown"


def test_a_kept_part_is_rendered_once_and_its_fresh_blocks_every_time():
    page = Template(
        "{% load memo %}{% memo %}{{ costly }} on {% fresh %}{{ day }}{% endfresh %}{% endmemo %}"
    )
    costly = Counted()
    for day in (1, 2, 3):
        context = Context({"content_key": (1, None), "costly": costly, "day": day})
        assert page.render(context) == f"shown on {day}"
    assert costly.shown == 1


def test_a_memo_cannot_hold_a_block():
    with pytest.raises(TemplateSyntaxError, match="block"):
        Template("{% load memo %}{% memo %}{% block title %}{% endblock %}{% endmemo %}")


def test_without_a_content_key_nothing_is_kept():
    page = Template("{% load memo %}{% memo %}kept?{% fresh %}{{ day }}{% endfresh %}{% endmemo %}")
    assert page.render(Context({"day": 3})) == "kept?3"
    assert not memo.fragments.entries
    assert page.render(Context({"day": 4, "content_key": (1, None)})) == "kept?4"
    assert page.render(Context({"day": 5, "content_key": (1, None)})) == "kept?5"
    assert len(memo.fragments.entries) == 1


def test_two_parts_with_the_same_values_each_keep_their_own_html():
    """Two memos naming the same values (in one page or two) are different parts."""
    header = Template("{% load memo %}{% memo audience %}<h1>{{ audience }}</h1>{% endmemo %}")
    footer = Template("{% load memo %}{% memo audience %}<p>footer</p>{% endmemo %}")
    context = {"content_key": (1, None), "audience": "citizen"}
    assert header.render(Context(context)) == "<h1>citizen</h1>"
    assert footer.render(Context(context)) == "<p>footer</p>"
    assert header.render(Context(context)) == "<h1>citizen</h1>"


def test_parts_named_by_two_translated_labels_are_two_parts():
    page = Template("{% load memo %}{% memo label %}<h2>{{ label }}</h2>{% endmemo %}")
    for label in (_("Citizen"), _("Business")):
        context = Context({"content_key": (1, None), "label": label})
        assert page.render(context) == f"<h2>{label}</h2>"


def test_keys_do_not_change_with_the_language(client):
    """A lazy translation's hash follows the active language: kept as text, a key stays findable
    (an LRU evicting under another language would otherwise fail)."""
    client.get("/en/?date=2023-07-01")
    client.get("/da/?date=2023-07-01&passport=no")
    for language in ("en", "da"):
        with translation.override(language):
            assert len(list(memo.fragments.entries.values())) == len(memo.fragments.entries)


def test_kept_parts_are_bounded():
    kept = BoundedLRU(size=2)
    for number in range(3):
        kept.put((number,), ((f"{number}",), ()))
    assert kept.get((0,)) is None
    assert kept.get((1,)) == (("1",), ())
    assert kept.get((2,)) == (("2",), ())


def test_the_undated_advice_changes_with_every_field_but_the_day():
    row, other = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    advice = Advice(
        day=date(2024, 1, 1),
        audience="citizen",
        status="closed",
        current=row,
        since=date(2023, 10, 31),
        passed=(row,),
        upcoming=(row,),
        options=(row,),
        unsuitable_options=(UnsuitableOption(row, (row,)),),
        self_services=(row,),
    )
    others = {
        "audience": "business",
        "status": "limited",
        "current": other,
        "since": date(2023, 6, 30),
        "passed": (row, other),
        "upcoming": (other,),
        "options": (),
        "unsuitable_options": (UnsuitableOption(row, (other,)),),
        "self_services": (other, row),
    }
    assert set(others) == {field.name for field in dataclasses.fields(Advice)} - {"day"}
    for name, value in others.items():
        assert dataclasses.replace(advice, **{name: value}).undated != advice.undated, name
    assert dataclasses.replace(advice, day=date(2024, 1, 2)).undated == advice.undated


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/?date=2023-07-01&audience=business",
        "/da/timeline/?date=2023%2F07%2F01",
        "/en/?a#b",
        "/en/?a#",
        "//evil.example/en/?date=1",
        "/en/nowhere/?x=1",
        "/nowhere",
    ],
)
@pytest.mark.parametrize("code", ["en", "da"])
def test_remembered_translations_of_a_path_are_those_of_translate_url(path, code):
    assert translated(path, code) == translate_url(path, code)


def test_the_date_today_in_copenhagen_is_part_of_a_past_answer(client):
    """A past date's "what to do now" names today: kept per day."""
    with time_machine.travel(datetime(2024, 1, 1, 12, tzinfo=UTC), tick=False):
        first = client.get("/en/?date=2020-01-01").content
    with time_machine.travel(datetime(2024, 1, 2, 12, tzinfo=UTC), tick=False):
        second = client.get("/en/?date=2020-01-02").content
    assert b"This is what applies today, 1 January 2024." in first
    assert b"This is what applies today, 2 January 2024." in second
