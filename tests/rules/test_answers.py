"""What every answer page says, per date and audience: then and now apart, the
business warning, the pointer to the business answer, the urgent case, an honest footer."""

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine

from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService
from tests.conftest import answer_status
from tools.public_pages import SEED_MILESTONE_DAYS, dates_to_check

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
DATES = [*dates_to_check(SEED_MILESTONE_DAYS), TODAY]
CASES = [(day, audience) for day in DATES for audience in ("citizen", "business")]


@pytest.fixture(autouse=True)
def today_is_25_november_2026():
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=False):
        yield


def page(client, language="en", **params):
    return client.get(f"/{language}/", params).content.decode()


def ask(client, day, audience, language="en"):
    params = {"audience": audience}
    if day != TODAY:
        params["date"] = day.isoformat()
    return page(client, language, **params)


def answer_box(html: str) -> str:
    start = html.index('<section class="answer')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(("day", "audience"), CASES)
def test_a_past_date_says_what_to_do_now_apart_from_what_was_true_then(client, day, audience):
    html = ask(client, day, audience)
    if day < TODAY:
        assert "What to do now" in html
        # Today's status is said apart, unless the date's answer still holds today.
        assert (
            "This is what applies today, 25 November 2026." in html
            or "The answer above still applies today, 25 November 2026." in html
        )
        assert ("still applies today" in html) == (day >= date(2023, 10, 31))
        now = html.index('id="todo-heading"')
        assert html.index('id="ways-heading"') > now
        assert html.index("</section>", html.index('<section class="answer')) < now
    else:
        assert "What to do now" not in html
        assert "The answer above is for a date in the past." not in html


@pytest.mark.parametrize(("day", "audience"), CASES)
def test_no_way_to_get_mitid_is_shown_as_open_on_a_past_date(client, day, audience):
    html = ask(client, day, audience)
    box = answer_box(html)
    heading = "How to get MitID" if audience == "citizen" else "About MitID Business"
    assert '<li class="option">' not in box
    assert heading not in box
    if day < TODAY:
        # The ways are in the part for today, after the heading that says so.
        assert html.index(heading) > html.index("What to do now")
        assert html.index('<li class="option">') > html.index("What to do now")


@pytest.mark.parametrize("day", [d for d in DATES if d < date(2023, 10, 31)])
def test_business_answers_never_tell_to_get_mitid_business_before_the_source_does(client, day):
    """The source gives no day from which MitID Business could be had before NemID closed."""
    assert "Get MitID Business" not in answer_box(ask(client, day, "business"))


@pytest.mark.parametrize("day", [d for d in DATES if d < date(2022, 10, 30)])
def test_no_advice_to_get_mitid_before_the_source_shows_it_in_use(client, day):
    """Citizens banked with MitID from 30 October 2022: before, no "Get MitID before …"."""
    assert "Get MitID" not in answer_box(ask(client, day, "citizen"))


@pytest.mark.parametrize("day", [date(2023, 10, 31), date(2023, 11, 1), TODAY])
def test_no_warning_once_nothing_is_announced(client, day):
    assert "before" not in answer_box(ask(client, day, "business")).split("answer__when")[-1]


def test_citizens_are_warned_before_each_change_too(client):
    # Asked on the day itself: a past date's answer warns of nothing (its to-do is gone).
    with time_machine.travel(datetime(2023, 7, 1, 12, tzinfo=UTC), tick=False):
        box = answer_box(page(client, date="2023-07-01"))
        danish = answer_box(page(client, "da", date="2023-07-01"))
    assert "Get MitID before 31 October 2023." in box
    assert "Få MitID før 31. oktober 2023." in danish
    assert "Get MitID before" not in answer_box(page(client, date="2023-07-01"))


@pytest.mark.parametrize(("day", "audience"), CASES)
def test_every_citizen_answer_points_businesses_to_theirs(client, day, audience):
    html = ask(client, day, audience)
    pointer = (
        '<p class="pointer">Does your company, authority or organisation use NemID Employee '
        "Signature? Then it must switch to MitID Business."
    )
    danish = (
        '<p class="pointer">Bruger jeres virksomhed, myndighed eller organisation NemID '
        "medarbejdersignatur? Så skal I skifte til MitID Erhverv."
    )
    if audience == "citizen":
        assert pointer in html
        assert danish in ask(client, day, audience, "da")
        # Advice for today: for a past date it stands with what to do now, not with that day.
        if day < TODAY:
            assert html.index(pointer) > html.index("What to do now")
        else:
            assert "What to do now" not in html
        query = "audience=business" if day == TODAY else f"date={day.isoformat()}&amp;audience"
        assert f'href="?{query}' in html
    else:
        assert pointer not in html


@pytest.mark.parametrize(("day", "audience"), CASES)
def test_the_urgent_case_has_its_own_line_for_citizens(client, day, audience):
    html = ask(client, day, audience)
    urgent = "For example, do you need to read a summons from your hospital straight away?"
    assert (urgent in html) == (audience == "citizen")
    if audience == "citizen":
        assert '<p class="urgent">' in html
        assert "Then contact Citizen Service in your municipality and apply for MitID" in html


@pytest.mark.parametrize("language", ["en", "da"])
def test_no_fact_beyond_the_source(client, language):
    html = page(client, language, date="2024-01-01")
    services = html.index('<ul class="self-services">')
    outside_the_self_services = html[:services] + html[html.index("</ul>", services) :]
    assert "Digital Post" not in outside_the_self_services  # "read your Digital Post" only
    assert "Official page:" not in html


def test_links_say_where_they_lead(client):
    html = page(client, date="2024-01-01")
    assert '<a href="https://www.mitid.dk/">Read more on mitid.dk</a>' in html
    assert '<a href="https://www.borger.dk/">Read more on borger.dk</a>' in html


def test_since_is_the_first_day_of_the_status_when_a_milestone_repeats_it(client):
    Milestone.objects.create(
        date=date(2024, 3, 1),
        audience="citizen",
        status="closed",
        title_en="Still closed",
        title_da="Stadig lukket",
        summary_en="NemID is still closed.",
        summary_da="NemID er stadig lukket.",
    )
    html = page(client, date="2024-06-01")
    assert "This has been the case since 31 October 2023." in html


def test_the_status_labels_can_be_told_apart(client):
    restricted = page(client, date="2023-01-01")
    limited = page(client, date="2023-07-01")
    assert "Not for banking or shopping" in answer_box(restricted)
    assert "Limited service" in answer_box(limited)
    assert "Ikke til netbank og nethandel" in answer_box(page(client, "da", date="2023-01-01"))
    assert "Begrænset service" in answer_box(page(client, "da", date="2023-07-01"))


# About page, footer and statement: from settings and data.


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "About this site"), ("da", "Om webstedet")]
)
def test_the_about_page_says_who_publishes_and_that_it_is_not_official(client, language, heading):
    response = client.get(f"/{language}/about/")
    html = response.content.decode()
    assert response.status_code == 200
    assert heading in html
    publisher = {"en": "published by eID guide.", "da": "udgives af eID-guiden."}
    assert publisher[language] in html
    official = {"en": "This is not an official government site.", "da": "ikke et officielt"}
    assert official[language] in html


def test_the_publisher_contact_and_official_flag_come_from_settings(client, settings):
    settings.SITE_PUBLISHER = "Example Municipality"
    settings.SITE_CONTACT = "eid@example.dk"
    settings.SITE_IS_OFFICIAL = True
    html = client.get("/en/about/").content.decode()
    assert "The site is published by Example Municipality." in html
    assert '<a href="mailto:eid@example.dk">eid@example.dk</a>' in html
    assert "This is an official site." in html
    assert "not an official" not in html
    footer = page(client, date="2024-01-01").split('<footer class="site-footer">')[1]
    assert "Published by Example Municipality." in footer
    assert "This is an official site." in footer


def test_a_contact_url_is_linked_as_it_is(client, settings):
    settings.SITE_CONTACT = "https://example.dk/kontakt"
    html = client.get("/da/about/").content.decode()
    assert '<a href="https://example.dk/kontakt">https://example.dk/kontakt</a>' in html


def test_without_a_contact_the_about_page_says_so(client, settings):
    settings.SITE_CONTACT = ""
    html = client.get("/en/about/").content.decode()
    assert "This copy of the site has no contact address." in html
    statement = client.get("/en/accessibility/").content.decode()
    assert "two working days" not in statement


@pytest.mark.parametrize("path", ["/en/", "/da/timeline/", "/en/accessibility/", "/da/about/"])
def test_every_page_footer_says_it_is_not_official_and_links_to_about(client, path):
    footer = client.get(path).content.decode().split('<footer class="site-footer">')[1]
    assert 'href="/' + path[1:3] + '/about/"' in footer
    assert ("not an official" in footer) or ("ikke et officielt" in footer)


def test_the_source_is_named_from_data_and_marked_english_on_danish_pages(client):
    footer = page(client, "da").split('<footer class="site-footer">')[1]
    assert "Digitaliseringsstyrelsen" in footer
    assert "16. april 2024" in footer
    assert (
        '<a href="https://lifeindenmark.borger.dk/apps-and-digital-services/nemid" '
        'hreflang="en" lang="en">NemID is closed from 31 October 2023</a>'
    ) in footer


def test_the_accessibility_statement_takes_its_date_from_settings_and_links_to_contact(
    client, settings
):
    settings.ACCESSIBILITY_TESTED_ON = date(2027, 2, 3)
    settings.SITE_CONTACT = "eid@example.dk"
    html = client.get("/en/accessibility/").content.decode()
    assert "The last full test was on 3 February 2027." in html
    assert "We last checked this statement on 3 February 2027." in html
    assert 'href="mailto:eid@example.dk"' in html  # the address itself, not a page about it
    assert "We answer within two working days." in html
    assert "no part of the public site that does not" not in html


# No English inside a Danish page, unless marked lang="en".


class LanguageOfText(HTMLParser):
    """Collects the text of <body> with the language in force where it stands."""

    VOID = {"br", "img", "input", "meta", "link", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        inherited = self.stack[-1][1] if self.stack else None
        self.stack.append((tag, dict(attrs).get("lang", inherited)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        # A data block (the JSON-LD) is for machines: never shown.
        if data.strip() and self.stack and self.stack[-1][0] != "script":
            self.texts.append((self.stack[-1][1], " ".join(data.split())))


def danish_text(html: str) -> str:
    parser = LanguageOfText()
    parser.feed(html)
    return "\n".join(text for language, text in parser.texts if language == "da")


def test_an_empty_danish_field_falls_back_to_english_only_inside_lang_en(client):
    closing = Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))
    Milestone.objects.filter(pk=closing.pk).update(title_da="", summary_da="", what_to_do_da="")
    EnrollmentOption.objects.filter(slug="mitid-app").update(name_da="", summary_da="", steps_da="")
    Requirement.objects.filter(slug="smartphone").update(name_da="")
    SelfService.objects.filter(name_en="check your tax").update(name_da="")
    english = [
        closing.title_en,
        closing.summary_en,
        *closing.what_to_do_en.splitlines(),
        "The MitID app and your Danish passport",
        "Install the MitID app on your smartphone.",
        "A smartphone",
        "check your tax",
    ]
    pages = [
        page(client, "da", date="2023-10-31"),
        page(client, "da", date="2023-07-01", smartphone="no"),
        page(client, "da"),
        client.get("/da/timeline/").content.decode(),
    ]
    shown = "".join(pages)
    for text in english:
        assert text in shown, text  # the fallback is shown...
        for html in pages:
            assert text not in danish_text(html), text  # ...but never as Danish


@pytest.mark.parametrize(
    "path",
    [
        "/da/?audience=business",
        "/da/?audience=business&date=2023-07-01",
        "/da/timeline/?audience=business",
    ],
)
def test_a_danish_page_for_companies_never_says_du(client, path):
    """docs/glossary.md: "I" to a company, the calendar's instructions included."""
    words = set(re.findall(r"[\wæøåÆØÅ]+", danish_text(client.get(path).content.decode())))
    assert words & {"du", "Du", "dig", "Dig", "din", "Din", "dit", "Dit", "dine", "Dine"} == set()


def test_a_company_in_the_summer_of_2023_is_told_of_the_limited_service_only(client):
    """The source: NemID's service limited from 30 June 2023; consequences named for citizens,
    MitID Business given no date before the closing. Page and API say the same."""
    for day in ("2023-06-30", "2023-10-30"):
        box = answer_box(page(client, audience="business", date=day))
        assert "Limited service" in box
        assert "Your company can still use NemID until it closes." in box
        assert "Get MitID Business" not in page(client, audience="business", date=day)
        api = client.get("/api/v1/status", {"audience": "business", "date": day}).json()
        assert (api["nemid"]["status"], api["actions"]) == ("limited", [])
    assert "Begrænset service" in answer_box(page(client, "da", audience="business", date=day))


@pytest.mark.parametrize("path", ["/da/", "/da/?date=2023-07-01", "/da/timeline/", "/da/about/"])
def test_a_danish_page_has_no_english_text_outside_lang_en(client, path):
    text = danish_text(client.get(path).content.decode())
    for english in ("NemID is", "Citizen Service", "MitID app", "What to do", " the "):
        assert english not in text


def test_the_answer_carries_its_status_code(client):
    response = client.get("/en/", {"date": "2009-12-31"})
    assert answer_status(response) == "not_launched"
    assert "NemID did not exist yet on this date." in answer_box(response.content.decode())


def test_today_in_the_past_part_follows_the_clock(client):
    with time_machine.travel(datetime(2030, 1, 2, 12, tzinfo=UTC), tick=False):
        html = page(client, date="2023-07-01")
    assert "This is what applies today, 2 January 2030." in html
    assert timedelta(days=1)  # the clock is frozen per test


@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_once_closed_the_answer_says_nemid_is_closed_for_good(client, audience):
    """The source says NemID was permanently closed, not that no change is announced."""
    box = answer_box(ask(client, TODAY, audience))
    assert "NemID is permanently closed." in box
    assert "No further change" not in box
    assert "NemID er lukket permanent." in answer_box(ask(client, TODAY, audience, "da"))


@pytest.mark.parametrize("day", [date(2023, 7, 1), TODAY])
def test_a_danish_answer_says_du_to_a_person_and_i_to_a_company(client, day):
    """docs/glossary.md: the headings a company reads say "I", those a person reads "du"."""
    citizen, business = (ask(client, day, audience, "da") for audience in ("citizen", "business"))
    heading = "Det skal du gøre nu" if day < TODAY else "Det skal du gøre"
    assert heading in citizen
    assert "Det skal I gøre" not in citizen
    assert heading.replace(" du ", " I ") in business
    assert "Det skal du gøre" not in business
    assert "Sådan får din virksomhed" not in business
    assert "Om MitID Erhverv" in business
