"""Today's answer (issue 31): for citizens, what the source says a citizen needs to know of MitID
and NemID, each fact once, in plain words, in both languages; and the timeline said against
today when no date was chosen."""

import re

import pytest

pytestmark = pytest.mark.django_db

FACTS = {
    "en": [
        "MitID is the personal key to digital services for everyone who lives in Denmark.",
        "You use it to log in and to sign digitally.",
        "Your contact with public authorities and many private companies starts online.",
        "In many areas, you must use digital self-service.",
        "With MitID you can use public self-services 24 hours a day",
        "NemID is permanently closed.",
    ],
    "da": [
        "MitID er den personlige nøgle til digitale tjenester for alle, der bor i Danmark.",
        "Du bruger MitID til at logge på og til at skrive under digitalt.",
        "Du klarer det meste med det offentlige og mange private virksomheder på nettet.",
        "På mange områder skal du bruge digital selvbetjening.",
        "Med MitID kan du bruge offentlig selvbetjening døgnet rundt",
        "NemID er lukket permanent.",
    ],
}


@pytest.mark.parametrize("language", ["en", "da"])
def test_todays_answer_holds_what_the_source_says_a_citizen_needs_to_know(client, language):
    html = client.get(f"/{language}/").content.decode()
    for fact in FACTS[language]:
        assert html.count(fact) == 1, fact


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_past_dates_answer_tells_them_under_what_applies_today(client, language):
    html = client.get(f"/{language}/", {"date": "2015-06-01"}).content.decode()
    for fact in FACTS[language][:5]:
        assert html.count(fact) == 1, fact


def test_a_business_answer_does_not_tell_a_citizens_facts(client):
    html = client.get("/en/", {"audience": "business"}).content.decode()
    assert FACTS["en"][0] not in html


@pytest.mark.parametrize(
    ("language", "today", "chosen"),
    [
        ("en", "(in force today)", "(in force on your date)"),
        ("da", "(gælder i dag)", "(gælder på den valgte dato)"),
    ],
)
def test_the_timeline_says_today_when_no_date_was_chosen(client, language, today, chosen):
    """ "(in force on your date)" was shown beside today's status when no date was chosen."""
    html = client.get(f"/{language}/").content.decode()
    assert today in html
    assert chosen not in html
    html = client.get(f"/{language}/", {"date": "2023-07-01"}).content.decode()
    assert chosen in html
    assert today not in html


@pytest.mark.parametrize(
    ("language", "today", "chosen"),
    [
        ("en", "NemID’s milestones, with today marked", "with your date marked"),
        ("da", "NemIDs milepæle med dagen i dag markeret", "med den valgte dato markeret"),
    ],
)
def test_the_timelines_name_says_today_when_no_date_was_chosen(client, language, today, chosen):
    """A screen reader heard "with your date marked" on today's answer, where no date was chosen."""
    for path in (f"/{language}/", f"/{language}/timeline/"):
        html = client.get(path).content.decode()
        assert f'aria-label="{today}"' in html
        assert chosen not in html
        html = client.get(path, {"date": "2023-07-01"}).content.decode()
        assert re.search(f'aria-label="NemID[^"]* {chosen}"', html)
        assert today not in html
