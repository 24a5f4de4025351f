"""Public change notes and review dates on the pages: "Last updated · See all updates"
and "checked on" under every answer, the updates page, and the Atom feeds per language."""

import re
from datetime import UTC, date, datetime

import feedparser
import pytest
import time_machine
from django.test import Client

from guidance.models import ChangeNote, EnrollmentOption, Milestone, Requirement, SelfService
from guidance.pages.updates import Checked, checked_on, facts_shown
from guidance.rules.advice import answer_on, timeline_on
from tests import factories

pytestmark = pytest.mark.django_db

ANSWER_PAGES = ["/{lang}/", "/{lang}/?date=2023-07-01", "/{lang}/timeline/"]
NOON = datetime(2026, 12, 2, 12, tzinfo=UTC)


def text(response) -> str:
    """The page's text with tags dropped and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def dates_line(response) -> str:
    """The text of the page-dates block."""
    html = response.content.decode()
    start = html.index('<div class="page-dates">')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</div>", start)]).split())


def note(published_at: datetime, en: str = "A change.", da: str = "En ændring.") -> ChangeNote:
    return ChangeNote.objects.create(published_at=published_at, note_en=en, note_da=da)


# "Last updated · See all updates"


@pytest.mark.parametrize("page", ANSWER_PAGES)
def test_every_english_answer_page_says_when_the_guide_was_last_updated(client, page):
    response = client.get(page.format(lang="en"))
    # The seed's newest note (migration 0022); the run's clock is later.
    assert "Last updated 8 December 2026 · See all updates" in dates_line(response)
    assert '<a href="/en/updates/">See all updates</a>' in response.content.decode()


@pytest.mark.parametrize("page", ANSWER_PAGES)
def test_every_danish_answer_page_says_when_the_guide_was_last_updated(client, page):
    response = client.get(page.format(lang="da"))
    assert "Sidst opdateret 8. december 2026 · Se alle opdateringer" in dates_line(response)
    assert '<a href="/da/updates/">Se alle opdateringer</a>' in response.content.decode()


def test_the_dot_between_date_and_link_is_not_read_aloud(client):
    assert '<span aria-hidden="true">·</span>' in client.get("/en/").content.decode()


def test_the_last_updated_date_is_the_newest_live_notes_day_in_copenhagen(client):
    # 23:30 UTC on 30 November is 1 December in Copenhagen.
    note(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    with time_machine.travel(NOON, tick=False):
        assert "Last updated 1 December 2026" in dates_line(client.get("/en/"))


def test_a_page_without_any_public_note_gives_no_last_updated_date(client):
    # Minor changes have no note, so no public update day can be stated: the line is left out.
    ChangeNote.objects.all().delete()
    line = dates_line(client.get("/en/"))
    assert "Last updated" not in line
    assert "checked the facts" in line


def test_a_scheduled_note_shows_at_its_minute_and_not_before(
    client,
):
    moment = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    note(moment, en="Scheduled news.", da="Planlagt nyhed.")
    with time_machine.travel(datetime(2026, 12, 3, 6, 59, 59, tzinfo=UTC), tick=False):
        assert "Last updated 24 November 2026" in dates_line(client.get("/en/"))
        assert "Scheduled news." not in client.get("/en/updates/").content.decode()
        assert "Scheduled news." not in client.get("/en/updates.atom").content.decode()
    with time_machine.travel(moment, tick=False):
        assert "Last updated 3 December 2026" in dates_line(client.get("/en/"))
        assert "Scheduled news." in client.get("/en/updates/").content.decode()
        assert "Scheduled news." in client.get("/en/updates.atom").content.decode()


# "Checked on"


def test_an_answer_page_says_when_its_facts_were_checked(client):
    # The seed was checked against the official page on 25 November 2026 (migration 0011).
    assert (
        "We checked the facts on this page against the official source on 25 November 2026."
        in dates_line(client.get("/en/"))
    )
    assert (
        "Vi har tjekket oplysningerne på siden op mod den officielle kilde den 25. november 2026."
        in dates_line(client.get("/da/"))
    )


def test_the_checked_date_is_the_oldest_review_of_the_facts_shown(client):
    shown = Milestone.objects.filter(audience="citizen").first()
    Milestone.objects.filter(pk=shown.pk).update(last_reviewed_on=date(2026, 3, 1))
    assert "official source on 1 March 2026." in dates_line(client.get("/en/"))


def test_a_fact_not_shown_does_not_change_the_checked_date(client):
    Milestone.objects.filter(audience="business").update(last_reviewed_on=date(2026, 3, 1))
    assert "official source on 25 November 2026." in dates_line(client.get("/en/"))


def test_a_page_with_a_fact_never_checked_says_so_instead_of_a_date(client):
    option = EnrollmentOption.objects.filter(audience="citizen", published=True).first()
    EnrollmentOption.objects.filter(pk=option.pk).update(last_reviewed_on=None)
    line = dates_line(client.get("/en/"))
    assert "We have not yet checked all the facts on this page against the official source." in (
        line
    )
    assert "official source on" not in line
    danish = dates_line(client.get("/da/"))
    danish_line = "Vi har endnu ikke tjekket alle oplysninger på siden op mod den officielle kilde."
    assert danish_line in danish


def test_the_timeline_page_counts_only_its_milestones(client):
    # The timeline page shows no ways to get MitID: their review does not count there.
    EnrollmentOption.objects.update(last_reviewed_on=None)
    assert "official source on 25 November 2026." in dates_line(client.get("/en/timeline/"))
    assert "not yet checked" in dates_line(client.get("/en/"))


def test_facts_shown_are_the_timeline_options_their_requirements_and_self_services():
    needed = factories.requirement(situation="passport")
    way = factories.option(requirements=(needed,))
    service = factories.self_service()
    milestones = list(Milestone.objects.all())
    answer = answer_on(
        date(2026, 11, 25),
        date(2026, 11, 25),
        milestones=milestones,
        options=[way],
        self_services=[service],
    )
    rows = facts_shown(answer, timeline_on(date(2026, 11, 25), "citizen", milestones))
    assert way in rows
    assert needed in rows
    assert service in rows
    assert {m.pk for m in rows if isinstance(m, Milestone)} == set(
        Milestone.objects.filter(audience="citizen").values_list("pk", flat=True)
    )


def test_checked_on_is_the_oldest_day_and_incomplete_when_one_was_never_checked():
    rows = [
        Requirement(last_reviewed_on=date(2026, 5, 1)),
        SelfService(last_reviewed_on=date(2026, 4, 1)),
    ]
    assert checked_on(rows).on == date(2026, 4, 1)
    assert checked_on(rows).complete
    assert checked_on([*rows, SelfService(last_reviewed_on=None)]) == Checked(
        on=None, complete=False
    )
    assert checked_on([]) is None


# The updates page


def test_the_updates_page_lists_every_live_note_newest_first_with_its_date(client):
    # Written out of order: a note is dated when its change goes live, not when it is written;
    # of two notes for one moment, the one written last is listed first.
    note(datetime(2026, 11, 30, 10, tzinfo=UTC), en="The third change.", da="Tredje ændring.")
    note(datetime(2026, 11, 28, 10, tzinfo=UTC), en="The second change.", da="Anden ændring.")
    note(datetime(2026, 11, 30, 10, tzinfo=UTC), en="The fourth change.", da="Fjerde ændring.")
    with time_machine.travel(NOON, tick=False):
        page = text(client.get("/en/updates/"))
        danish = text(client.get("/da/updates/"))
    assert re.search(
        r"30 November 2026 The fourth change\. 30 November 2026 The third change\. "
        r"28 November 2026 The second change\. 24 November 2026 First published\.",
        page,
    )
    assert re.search(
        r"30\. november 2026 Fjerde ændring\. 30\. november 2026 Tredje ændring\. "
        r"28\. november 2026 Anden ændring\. 24\. november 2026 Første udgave\.",
        danish,
    )


def test_the_updates_page_has_a_heading_in_each_language(client):
    assert "<h1>Updates to this guide</h1>" in client.get("/en/updates/").content.decode()
    assert "<h1>Opdateringer af guiden</h1>" in client.get("/da/updates/").content.decode()


def test_the_updates_page_links_its_feed_for_readers_and_browsers(client):
    html = client.get("/da/updates/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Opdateringer af eID-guiden" '
        'href="https://testserver/da/updates.atom">' in html
    )
    assert '<a href="https://testserver/da/updates.atom" type="application/atom+xml">' in html


def test_the_updates_page_is_in_the_footer_of_every_page(client):
    assert '<a href="/en/updates/">Updates to this guide</a>' in (
        client.get("/en/about/").content.decode()
    )


def test_the_updates_page_says_so_when_there_is_no_note(client):
    ChangeNote.objects.all().delete()
    assert "No updates have been published yet." in text(client.get("/en/updates/"))


def test_the_updates_page_refuses_a_post_with_405(client):
    assert client.post("/en/updates/").status_code == 405


# The Atom feeds


def feed(client, language: str = "en"):
    response = client.get(f"/{language}/updates.atom")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


def test_the_feed_is_valid_atom_with_a_title_and_absolute_https_links_on_the_host():
    client = Client(headers={"x-forwarded-proto": "https", "host": "localhost"})
    response, parsed = feed(client)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Updates to the eID guide"
    assert parsed.feed.subtitle == (
        "What changed in the eID guide, and when. Typo fixes are not listed."
    )
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {
        "alternate": "https://localhost/en/updates/",
        "self": "https://localhost/en/updates.atom",
    }
    assert parsed.feed.id == "tag:localhost,2026-11-24:updates/en"
    assert parsed.feed.author == "eID guide"


def test_the_danish_feed_is_in_danish(client):
    response, parsed = feed(client, "da")
    assert parsed.feed.title == "Opdateringer af eID-guiden"
    assert parsed.feed.subtitle == (
        "Det har vi ændret i eID-guiden, og hvornår. Rettelser af stavefejl er ikke med."
    )
    assert parsed.feed.language == "da"
    assert response["Content-Language"] == "da"
    assert [entry.title for entry in parsed.entries] == [
        "Svaret for virksomheder siger nu, at NemID fik begrænset service fra 30. juni 2023.",
        "Første udgave.",
    ]
    assert parsed.feed.links[0].href == "https://testserver/da/updates/"


def test_feed_entries_are_the_live_notes_newest_first_updated_when_published(client):
    note(datetime(2026, 11, 30, 10, tzinfo=UTC), en="Dates moved & checked.", da="Datoer flyttet.")
    with time_machine.travel(NOON, tick=False):
        _response, parsed = feed(client)
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Dates moved & checked.", "First published."]
    newest = parsed.entries[0]
    assert newest.updated == "2026-11-30T10:00:00+00:00"
    assert newest.published == "2026-11-30T10:00:00+00:00"
    assert newest.summary == "Dates moved &amp; checked."  # HTML: shows "Dates moved & checked."
    assert newest.link.startswith("https://testserver/en/updates/#update-")


def test_feed_entry_ids_are_tag_uris_that_survive_edits_of_the_note():
    client = Client(headers={"x-forwarded-proto": "https", "host": "localhost"})
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=UTC), tick=False):
        written = note(datetime(2026, 11, 26, 9, tzinfo=UTC), en="Old text.", da="Gammel tekst.")
    with time_machine.travel(NOON, tick=False):
        before = {e.title: e.id for e in feed(client)[1].entries}
        ChangeNote.objects.filter(pk=written.pk).update(
            note_en="New text.", published_at=datetime(2026, 11, 27, 9, tzinfo=UTC)
        )
        after = {e.title: e.id for e in feed(client)[1].entries}
        danish = {e.title: e.id for e in feed(client, "da")[1].entries}
    assert before["Old text."] == f"tag:localhost,2026-11-26:updates/en/{written.pk}"
    assert after["New text."] == before["Old text."]
    assert after["First published."] == before["First published."]
    assert danish["Gammel tekst."] == f"tag:localhost,2026-11-26:updates/da/{written.pk}"


def test_the_feed_is_open_data_readable_from_any_origin(client):
    response = client.get("/en/updates.atom")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Accept-Language" not in response.get("Vary", "")
    assert client.options("/en/updates.atom").status_code == 204
    assert client.post("/en/updates.atom").status_code == 405


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_feed_is_answered_in_its_language_with_an_etag_and_then_not_modified(client, language):
    # Whatever language the reader's browser asks for: the address names the feed's.
    headers = {"accept-language": "da" if language == "en" else "en"}
    first = client.get(f"/{language}/updates.atom", headers=headers)
    assert first["Content-Language"] == language
    again = client.get(
        f"/{language}/updates.atom", headers={**headers, "if-none-match": first["ETag"]}
    )
    assert again.status_code == 304
    assert again["Content-Language"] == language


def test_the_open_data_page_names_the_updates_feeds(client):
    html = client.get("/da/api/").content.decode()
    assert "<code>GET /en/updates.atom</code>, <code>GET /da/updates.atom</code>" in html
    assert '<a href="/da/updates/">Se alle opdateringer</a>' in html
