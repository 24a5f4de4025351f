"""The public pages, as a visitor meets them (SPEC: URLs, qualities)."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from tests.conftest import answer_status

pytestmark = pytest.mark.django_db

BOUNDARIES = {
    "citizen": [
        (date(2010, 12, 31), "unknown", "active"),
        (date(2022, 10, 30), "active", "restricted"),
        (date(2023, 6, 30), "restricted", "limited"),
        (date(2023, 10, 31), "limited", "closed"),
    ],
    "business": [
        (date(2010, 12, 31), "unknown", "active"),
        (date(2023, 6, 30), "active", "limited"),
        (date(2023, 10, 31), "limited", "closed"),
    ],
}
BOUNDARY_CASES = [
    (language, audience, day, before, on)
    for language in ("en", "da")
    for audience, days in BOUNDARIES.items()
    for day, before, on in days
]


def page(client, path, **params):
    return client.get(path, params)


@pytest.mark.parametrize(("language", "audience", "day", "before", "on"), BOUNDARY_CASES)
def test_the_page_answers_the_day_before_and_the_day_of_every_milestone(
    client, language, audience, day, before, on
):
    previous = page(
        client, f"/{language}/", date=(day - timedelta(days=1)).isoformat(), audience=audience
    )
    same_day = page(client, f"/{language}/", date=day.isoformat(), audience=audience)
    assert previous.status_code == same_day.status_code == 200
    assert answer_status(previous) == before
    assert answer_status(same_day) == on


def test_english_answer_for_1_july_2023_names_the_day_the_status_and_what_comes_next(client):
    html = page(client, "/en/", date="2023-07-01").content.decode()
    assert "NemID on 1 July 2023" in html
    assert "Citizen Service can no longer issue new NemIDs" in html
    assert "since 30 June 2023" in html
    assert "Next change: 31 October 2023, NemID closes." in html


def test_danish_answer_is_in_danish_with_danish_dates(client):
    response = page(client, "/da/", date="2023-07-01")
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "NemID den 1. juli 2023" in html
    assert "Borgerservice kan ikke længere udstede nye NemID’er" in html
    assert "Næste ændring: NemID lukker (31. oktober 2023)." in html
    assert "Sådan får du MitID" in html


def test_a_danish_answer_writes_a_year_without_den(client):
    """A milestone's date may be only its year: "siden 2010", never "siden den 2010"."""
    html = page(client, "/da/", date="2015-06-01").content.decode()
    assert "Sådan har det været siden 2010." in html
    html = page(client, "/da/", date="2009-06-01").content.decode()
    assert "Næste ændring: NemID åbner (2010)." in html
    assert "Svaret ovenfor gælder en tidligere dato." in html
    assert "den 2010" not in html


def test_answer_comes_before_what_to_do_ways_and_what_is_coming(client):
    html = page(client, "/en/", date="2023-07-01").content.decode()
    order = [
        html.index(s)
        for s in ('data-nemid-status="', "What to do", "How to get MitID", 'id="coming-heading"')
    ]
    assert order == sorted(order)


def test_closed_page_says_dispose_of_the_key_card_and_uninstall_the_key_app(client):
    html = page(client, "/en/", date="2023-10-31").content.decode()
    assert "Throw away your NemID key card" in html
    assert "Delete the NemID key app" in html


def test_business_page_points_to_mitid_business(client):
    html = page(client, "/en/", date="2024-01-01", audience="business").content.decode()
    assert "MitID Business" in html
    assert "Employee Signature" in html
    assert "MitID app" not in html


def test_saying_no_passport_moves_the_app_to_ways_that_do_not_fit(client):
    html = page(client, "/en/", date="2024-01-01", passport="no").content.decode()
    fits, does_not_fit = html.split("Ways that do not fit what you told us")
    assert "Citizen Service (Borgerservice)" in fits
    assert "The MitID app and your Danish passport" in does_not_fit
    assert "A Danish passport" in does_not_fit


def test_the_form_keeps_the_visitors_answers(client):
    html = page(client, "/en/", date="31.10.2023", smartphone="no").content.decode()
    assert 'value="31.10.2023"' in html
    assert 'name="smartphone" value="no" checked' in html
    business = page(client, "/en/", date="31.10.2023", audience="business").content.decode()
    assert 'value="business" checked' in business


def test_a_company_is_not_asked_about_a_passport_or_a_smartphone(client):
    html = page(client, "/da/", audience="business").content.decode()
    assert 'name="passport"' not in html
    assert 'name="smartphone"' not in html
    assert "Har du" not in html  # the page speaks to a company: "I", never "du"
    assert 'name="passport"' in page(client, "/da/").content.decode()


@pytest.mark.parametrize("text", ["2023-10-31", "31-10-2023", "31.10.2023", "31/10/2023"])
def test_every_accepted_date_form_gives_the_same_answer(client, text):
    response = page(client, "/en/", date=text)
    assert response.status_code == 200
    assert answer_status(response) == "closed"
    assert "NemID on 31 October 2023" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31-02-2023", "not a real calendar date"),
        ("29.02.2023", "not a real calendar date"),
        ("tomorrow", "is not a date we can read"),
        ("2023/10/31", "is not a date we can read"),
        ("1899-12-31", "from 1 January 1900 to 31 December 2100"),
        ("2101-01-01", "from 1 January 1900 to 31 December 2100"),
        ("<script>alert(1)</script>", "is not a date we can read"),
        ("9" * 500, "too long"),
    ],
)
def test_a_rejected_date_gets_400_the_form_and_a_message_naming_the_problem(client, text, message):
    response = page(client, "/en/", date=text)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "There is a problem" in html
    assert '<form class="question"' in html
    assert "data-nemid-status" not in html
    assert "<script>alert(1)</script>" not in html


def test_a_rejected_date_in_danish_gets_a_danish_message(client):
    response = page(client, "/da/", date="31-02-2023")
    assert response.status_code == 400
    assert "ikke en gyldig dato" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"), [("audience", "martians"), ("passport", "maybe"), ("smartphone", "1")]
)
def test_an_unknown_situation_answer_gets_400_with_a_message(client, field, value):
    response = page(client, "/en/", **{field: value})
    assert response.status_code == 400
    assert (
        "“yes” or “no”" in response.content.decode()
        or "“citizen” or “business”" in response.content.decode()
    )


def test_today_is_the_date_in_copenhagen_after_midnight(client):
    # 23:30 UTC on 30 October 2023 is already 31 October in Copenhagen: NemID is closed.
    with time_machine.travel(datetime(2023, 10, 30, 23, 30, tzinfo=UTC), tick=False):
        response = page(client, "/en/")
    assert answer_status(response) == "closed"
    assert "NemID today, 31 October 2023" in response.content.decode()


def test_today_is_still_the_day_before_just_before_midnight_in_copenhagen(client):
    with time_machine.travel(datetime(2023, 10, 30, 22, 59, tzinfo=UTC), tick=False):
        response = page(client, "/en/")
    assert answer_status(response) == "limited"


@pytest.mark.parametrize(
    ("accept_language", "target"),
    [
        ("da", "/da/"),
        ("da-DK,da;q=0.9,en;q=0.8", "/da/"),
        ("en-GB", "/en/"),
        ("fr-FR", "/en/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_by_accept_language_english_when_unsure(client, accept_language, target):
    response = client.get("/", headers={"accept-language": accept_language})
    assert response.status_code == 302
    assert response["Location"] == target
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(("cookie", "target"), [("da", "/da/"), ("DA", "/da/"), ("En", "/en/")])
def test_root_follows_a_language_cookie_whatever_its_case(client, cookie, target):
    """The redirect and its Content-Language agree (a cookie "DA" once sent /en/ said Danish)."""
    client.cookies["django_language"] = cookie
    response = client.get("/", headers={"accept-language": "fr"})
    assert response["Location"] == target
    assert response["Content-Language"] == target.strip("/")


def test_language_links_keep_the_question_and_alternates_are_declared(client):
    html = page(client, "/en/", date="2023-07-01", audience="business").content.decode()
    assert 'href="/da/?date=2023-07-01&amp;audience=business" hreflang="da"' in html
    assert (
        '<link rel="alternate" hreflang="da" href="https://testserver/da/?date=2023-07-01&amp;audience=business">'
        in html
    )
    assert '<link rel="alternate" hreflang="en"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/da/",
        "/en/?date=2023-07-01",
        "/da/timeline/",
        "/en/accessibility/",
        "/en/nowhere/",
        "/en/?date=nonsense",
    ],
)
def test_citizen_pages_set_no_cookies(client, path):
    response = client.get(path)
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("language", ["en", "da"])
def test_timeline_lists_every_milestone_and_marks_the_chosen_date(client, language):
    response = page(client, f"/{language}/timeline/", date="2023-07-01")
    html = response.content.decode()
    assert response.status_code == 200
    for day in ("2010", "2022-10-30", "2023-06-30", "2023-10-31"):
        assert f'<time datetime="{day}">' in html
    assert "timeline__item--marker" in html
    assert (
        html.index('datetime="2023-06-30"')
        < html.index("timeline__item--marker")
        < html.index('datetime="2023-10-31"')
    )


def test_business_timeline_shows_the_business_milestones(client):
    html = page(client, "/en/timeline/", audience="business").content.decode()
    assert "NemID closes for businesses" in html
    assert 'datetime="2022-10-30"' not in html


def test_timeline_links_each_milestone_to_its_advice(client):
    html = page(client, "/da/timeline/").content.decode()
    assert 'href="/da/?date=2023-10-31"' in html


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Accessibility statement"), ("da", "Tilgængelighedserklæring")]
)
def test_accessibility_statement_exists_in_both_languages(client, language, heading):
    response = client.get(f"/{language}/accessibility/")
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert "WCAG 2.1" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_accessibility_statement_of_a_copy_that_is_not_official_claims_no_law_nor_contact(
    client, language
):
    """Issue 31: it named Danish law and a complaint body beside an About page saying the site is
    not official, and sent readers to a contact section that had no address."""
    html = client.get(f"/{language}/accessibility/").content.decode()
    claims = [
        "Danish law",
        "dansk lov",
        "complain to the Agency",
        "klage til Digitaliseringsstyrelsen",
        "two working days",
        "to arbejdsdage",
        "/about/#contact",
    ]
    for claim in claims:
        assert claim not in html, claim
    assert {"en": "has no contact address", "da": "har ingen kontaktadresse"}[language] in html


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Danish law asks this of public sites.", "Agency for Digital Government",
                "We answer within two working days.", 'href="mailto:eid@example.dk"']),
        ("da", ["Det kræver dansk lov af offentlige websteder.", "Digitaliseringsstyrelsen",
                "Vi svarer inden for to arbejdsdage.", 'href="mailto:eid@example.dk"']),
    ],
)  # fmt: skip
def test_an_official_copys_accessibility_statement_names_the_law_and_how_to_reach_it(
    client, settings, language, texts
):
    settings.SITE_IS_OFFICIAL = True
    settings.SITE_CONTACT = "eid@example.dk"
    html = client.get(f"/{language}/accessibility/").content.decode()
    for text in texts:
        assert text in html, text


def test_danish_and_english_make_the_same_promise_of_accessibility(client):
    """The Danish once promised to "live up fully" where the English "aims to meet"."""
    assert "aims to meet WCAG 2.1" in client.get("/en/accessibility/").content.decode()
    assert "Målet er, at webstedet lever fuldt op til WCAG 2.1" in (
        client.get("/da/accessibility/").content.decode()
    )


@pytest.mark.parametrize(
    ("path", "text"),
    [("/en/no-such-page/", "Page not found"), ("/da/findes-ikke/", "Siden findes ikke")],
)
def test_unknown_pages_get_our_404_in_the_right_language(client, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize("path", ["/en/", "/da/timeline/", "/en/accessibility/", "/"])
def test_posting_to_a_page_is_not_allowed_even_with_csrf_checks(path):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    assert strict.post(path, {"date": "2023-07-01"}).status_code == 405


def test_healthz_answers_200_with_the_database_and_content(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "content": "ok", "failed": []}
    assert response.cookies == {}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def healthz_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "guidance.pages.views"]


def test_healthz_answers_503_when_the_content_cannot_be_loaded(client, monkeypatch, caplog):
    from guidance.pages import views

    def unloadable():
        raise ValueError("a broken row")

    monkeypatch.setattr(views, "current_content", unloadable)
    with caplog.at_level("WARNING", logger="guidance.pages.views"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["content"] == "error"
    assert response.json()["failed"] == ["content"]
    assert healthz_warnings(caplog) == [
        "Health check: the content cannot be read: a broken row",
        "Health check failed: content error",
    ]


def test_healthz_answers_503_when_no_milestone_is_published(client):
    from guidance.models import Milestone

    Milestone.objects.update(published=False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["content"] == "empty"
    assert response.json()["failed"] == ["content"]


def test_healthz_answers_503_without_a_content_version(client, caplog):
    from guidance.models import ContentVersion

    ContentVersion.objects.all().delete()
    with caplog.at_level("WARNING", logger="guidance.pages.views"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: no content version"
    assert healthz_warnings(caplog) == ["Health check failed: database error: no content version"]


def test_healthz_logs_why_the_database_does_not_answer(client, monkeypatch, caplog):
    from django.db import connection

    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    with caplog.at_level("WARNING", logger="guidance.pages.views"):
        client.get("/healthz")
    assert "Health check: the database does not answer: database down" in healthz_warnings(caplog)


def test_healthz_is_not_redirected_to_https_for_a_plain_http_probe():
    from django.test import Client

    assert Client().get("/healthz").status_code == 200


def test_plain_http_pages_redirect_to_https():
    from django.test import Client

    response = Client().get("/en/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_the_form_is_sent_to_the_page_it_is_on(client):
    assert '<form class="question" method="get" action="/da/timeline/"' in (
        page(client, "/da/timeline/", date="nonsense").content.decode()
    )
    assert '<form class="question" method="get" action="/en/"' in (
        page(client, "/en/", date="nonsense").content.decode()
    )


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    "path", sorted(p for p in TEMPLATES.rglob("*.html") if p.name != "500.html"), ids=str
)
def test_templates_only_render(path):
    """No deciding by audience and no source title, date or address in a template (500.html,
    rendered without context when everything else failed, is the one exception)."""
    text = path.read_text()
    for literal in ("audience ==", "audience !=", "NemID is closed from", "16 April 2024",
                    "lifeindenmark", "24 November 2026"):  # fmt: skip
        assert literal not in text, literal


@pytest.mark.parametrize(("language", "title"), [("en", "About this site"), ("da", "Om webstedet")])
def test_the_about_page_exists_in_both_languages(client, language, title):
    response = client.get(f"/{language}/about/")
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.content.decode()
    assert response.cookies == {}


def test_the_timeline_links_to_the_other_audiences_timeline_for_the_same_day(client):
    business = client.get("/en/timeline/?date=2023-07-01&audience=business").content.decode()
    assert 'href="?date=2023-07-01"' in business
    citizen = client.get("/en/timeline/?date=2023-07-01").content.decode()
    assert 'href="?date=2023-07-01&amp;audience=business"' in citizen


def test_the_timeline_marks_only_the_latest_passed_milestone_as_now(client):
    html = client.get("/en/timeline/?date=2024-01-01").content.decode()
    assert html.count('<span class="timeline__state">') == 1


def test_a_past_answer_names_today_in_copenhagen(client):
    """A past date's "what to do now" names today, which changes with the day."""
    with time_machine.travel(datetime(2024, 1, 1, 12, tzinfo=UTC), tick=False):
        first = client.get("/en/?date=2020-01-01").content
    with time_machine.travel(datetime(2024, 1, 2, 12, tzinfo=UTC), tick=False):
        second = client.get("/en/?date=2020-01-02").content
    assert b"This is what applies today, 1 January 2024." in first
    assert b"This is what applies today, 2 January 2024." in second
