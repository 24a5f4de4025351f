"""Rules that once could break without a test noticing (found by `make mutate`).

Each is tested by what a visitor, an editor or an API client sees: the day before, the day of and
the day after a boundary, in both languages and for both audiences where the rule depends on them.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guidance.models import (
    Audience,
    EnrollmentOption,
    Milestone,
    NemIDStatus,
    Requirement,
)
from guidance.rules.dates import FIRST_DATE, LAST_DATE, MAX_DATE_LENGTH, DateError, parse_date

ONE_DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    """Messages and links read in English unless a test says otherwise (a request elsewhere in
    the suite may leave another language active in this thread)."""
    with translation.override("en"):
        yield


def day_around(day: date) -> list[tuple[date, bool]]:
    """The day before, of and after ``day``, each with whether ``day`` has come by then."""
    return [(day - ONE_DAY, False), (day, True), (day + ONE_DAY, True)]


# The API's list of milestones says which have passed on the asked day: a milestone's own day
# counts as passed (it is the first day of its status).


@pytest.mark.django_db
@pytest.mark.parametrize("audience", [Audience.CITIZEN, Audience.BUSINESS])
@pytest.mark.parametrize("language", ["en", "da"])
def test_the_api_counts_a_milestone_as_passed_from_its_own_day(client, audience, language):
    for milestone in Milestone.objects.filter(audience=audience):
        # From the last day of its year or month when the source gives no day; before it, not
        # known (null) from the first.
        cases = [(milestone.date - ONE_DAY, False), *day_around(milestone.last_day)[1:]]
        if milestone.date_precision != "day":
            cases += [(milestone.date, None), (milestone.last_day - ONE_DAY, None)]
        for day, passed in cases:
            body = client.get(
                "/api/v1/status",
                {"date": day.isoformat(), "audience": audience, "lang": language},
            ).json()
            listed = {m["date"]: m["passed"] for m in body["milestones"]}
            assert listed[milestone.date.isoformat()] is passed, (audience, day)
            assert all(m["audience"] == audience for m in body["milestones"])
            assert all(
                m["passed"] == (m["date"] <= day.isoformat())
                for m in body["milestones"]
                if m["date_precision"] == "day"
            )


@pytest.mark.django_db
def test_the_milestones_list_has_no_passed_flag_since_it_asks_for_no_day(client):
    body = client.get("/api/v1/milestones").json()
    assert body["milestones"]
    assert all("passed" not in m for m in body["milestones"])


# What is missing for a way to get MitID, as the API names it.


@pytest.mark.django_db
def test_the_api_names_what_a_visitor_lacks_for_each_way_they_cannot_use(client):
    body = client.get(
        "/api/v1/status",
        {"date": "2023-07-01", "passport": "no", "smartphone": "no", "lang": "en"},
    ).json()
    assert body["unsuitable_options"] == [
        {
            "slug": "mitid-app",
            "name": "The MitID app and your Danish passport",
            "missing": ["A Danish passport", "A smartphone"],
            "missing_codes": ["danish-passport", "smartphone"],
        }
    ]
    assert [o["slug"] for o in body["enrollment_options"]] == ["citizen-service"]


@pytest.mark.django_db
def test_the_api_names_what_is_missing_in_danish(client):
    body = client.get(
        "/api/v1/status",
        {"date": "2023-07-01", "passport": "yes", "smartphone": "no", "lang": "da"},
    ).json()
    assert body["unsuitable_options"] == [
        {
            "slug": "mitid-app",
            "name": "MitID-appen og dit danske pas",
            "missing": ["En smartphone"],
            "missing_codes": ["smartphone"],
        }
    ]


# Text fields in two languages: the visitor's language, or English when the Danish is blank.


@pytest.fixture
def milestone(db):
    return Milestone(
        date=date(2030, 1, 1),
        audience=Audience.CITIZEN,
        status=NemIDStatus.CLOSED,
        title_en="Closed for good",
        title_da="Lukket for altid",
        summary_en="Gone.",
        summary_da="",
        what_to_do_en="Use MitID.\n\n  Ask Citizen Service.  \n",
        what_to_do_da="Brug MitID.",
    )


@pytest.mark.parametrize(
    ("language", "title", "summary"),
    [
        ("en", "Closed for good", "Gone."),
        ("da", "Lukket for altid", "Gone."),
        ("da-dk", "Lukket for altid", "Gone."),
        ("de", "Closed for good", "Gone."),
    ],
)
def test_text_is_read_in_the_active_language_and_falls_back_to_english(
    milestone, language, title, summary
):
    with translation.override(language):
        assert milestone.title == title
        assert milestone.summary == summary


def test_actions_are_one_a_line_without_blank_lines_or_edge_spaces(milestone):
    with translation.override("en"):
        assert milestone.actions == ["Use MitID.", "Ask Citizen Service."]
    with translation.override("da"):
        assert milestone.actions == ["Brug MitID."]


@pytest.mark.django_db
def test_the_api_falls_back_to_english_where_the_danish_is_blank(client):
    Milestone.objects.filter(date="2023-10-31", audience="citizen").update(summary_da="")
    body = client.get("/api/v1/milestones", {"lang": "da", "audience": "citizen"}).json()
    closing = next(m for m in body["milestones"] if m["date"] == "2023-10-31")
    english = Milestone.objects.get(date="2023-10-31", audience="citizen").summary_en
    assert closing["summary"] == english
    assert closing["title"] == "NemID lukker"  # the Danish title is still there
    assert body["lang"] == "da"


def test_a_milestone_links_to_the_advice_page_of_its_day_and_audience(milestone):
    assert milestone.get_absolute_url() == "/en/?date=2030-01-01"
    milestone.audience = Audience.BUSINESS
    assert milestone.get_absolute_url() == "/en/?date=2030-01-01&audience=business"


def test_a_milestone_reads_as_its_day_audience_and_title(milestone):
    assert str(milestone) == "1 January 2030, citizen: Closed for good"


def test_the_statuses_come_in_the_order_of_the_phase_out():
    ranks = [status.rank for status in NemIDStatus]
    assert ranks == [0, 1, 2, 3, 4, 5]
    assert NemIDStatus.UNKNOWN not in Milestone._meta.get_field("status").flatchoices
    assert NemIDStatus.NOT_LAUNCHED.rank < NemIDStatus.ACTIVE.rank < NemIDStatus.CLOSED.rank


# An editor's milestone: inside the date range, and never against the order of the phase-out.


def new_milestone(day: date, status: str, audience: str = Audience.CITIZEN) -> Milestone:
    return Milestone(
        date=day,
        audience=audience,
        status=status,
        title_en="t",
        title_da="t",
        summary_en="s",
        summary_da="s",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (FIRST_DATE - ONE_DAY, False),
        (FIRST_DATE, True),
        (LAST_DATE, True),
        (LAST_DATE + ONE_DAY, False),
    ],
)
def test_a_milestone_date_must_be_from_1900_to_2100(day, accepted):
    # NOT_LAUNCHED ranks first, so no neighbour contradicts it on either edge... except that it
    # is not a choice; "active" before 2010 and "closed" after 2023 fit the citizens' timeline.
    status = NemIDStatus.ACTIVE if day.year < 2000 else NemIDStatus.CLOSED
    milestone = new_milestone(day, status)
    if accepted:
        milestone.clean()
        return
    with pytest.raises(ValidationError) as refused:
        milestone.clean()
    assert refused.value.message_dict == {
        "date": ["Choose a date from 1 January 1900 to 31 December 2100."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "status", "other_day", "other_status"),
    [
        # The citizens' seed: active in 2010, restricted 2022-10-30, limited 2023-06-30,
        # closed 2023-10-31.
        (date(2023, 6, 29), NemIDStatus.CLOSED, "2023-06-30", NemIDStatus.LIMITED),
        (date(2023, 11, 1), NemIDStatus.LIMITED, "2023-10-31", NemIDStatus.CLOSED),
        (date(2022, 10, 31), NemIDStatus.ACTIVE, "2022-10-30", NemIDStatus.RESTRICTED),
        (date(2009, 12, 31), NemIDStatus.RESTRICTED, "2010", NemIDStatus.ACTIVE),
    ],
)
def test_a_milestone_that_contradicts_its_neighbour_is_refused_naming_both(
    day, status, other_day, other_status
):
    with pytest.raises(ValidationError) as refused:
        new_milestone(day, status).clean()
    (message,) = refused.value.message_dict["status"]
    other = NemIDStatus(other_status).label
    assert f"on {day.isoformat()} contradicts “{other}” on {other_day}" in message
    assert message.startswith(f"“{NemIDStatus(status).label}”")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "status"),
    [
        (date(2023, 6, 29), NemIDStatus.RESTRICTED),  # same status as the milestone before
        (date(2023, 6, 29), NemIDStatus.LIMITED),  # same status as the milestone after
        (date(2023, 11, 1), NemIDStatus.CLOSED),
        (date(2009, 1, 1), NemIDStatus.ACTIVE),
    ],
)
def test_a_milestone_in_step_with_its_neighbours_is_accepted(day, status):
    new_milestone(day, status).clean()


@pytest.mark.django_db
def test_the_other_audiences_timeline_does_not_constrain_a_milestone():
    # Businesses: active from 2010, closed 2023-10-31. A citizens' "closed" in between is
    # still refused by the citizens' own later milestone, a business one is not.
    new_milestone(date(2023, 1, 1), NemIDStatus.RESTRICTED, Audience.BUSINESS).clean()
    with pytest.raises(ValidationError):
        new_milestone(date(2023, 1, 1), NemIDStatus.ACTIVE, Audience.CITIZEN).clean()


@pytest.mark.django_db
def test_a_milestone_is_not_compared_with_itself_when_edited():
    closing = Milestone.objects.get(date="2023-10-31", audience="citizen")
    closing.clean()
    limited = Milestone.objects.get(date="2023-06-30", audience="citizen")
    limited.status = NemIDStatus.RESTRICTED
    limited.clean()


@pytest.mark.django_db
def test_a_milestone_missing_its_status_is_left_to_the_field_checks():
    milestone = new_milestone(date(2023, 6, 29), "")
    milestone.clean()  # no neighbour check without a status; full_clean reports the blank


# A way to get MitID: its window of days, first and last day included.


def way(available_from=None, available_until=None) -> EnrollmentOption:
    return EnrollmentOption(
        slug="a-way",
        audience=Audience.CITIZEN,
        name_en="A way",
        name_da="En vej",
        summary_en="s",
        summary_da="s",
        available_from=available_from,
        available_until=available_until,
    )


START, END = date(2024, 3, 1), date(2024, 3, 31)


@pytest.mark.parametrize(
    ("day", "open_"),
    [(START - ONE_DAY, False), (START, True), (END, True), (END + ONE_DAY, False)],
)
def test_a_way_is_open_from_its_first_to_its_last_day(day, open_):
    assert way(START, END).available_on(day) is open_


@pytest.mark.parametrize("day", [FIRST_DATE, START - ONE_DAY, END + ONE_DAY, LAST_DATE])
def test_a_way_without_dates_is_open_on_every_day(day):
    assert way().available_on(day) is True


def test_a_blank_side_of_the_window_leaves_that_side_open():
    assert way(available_from=START).available_on(LAST_DATE) is True
    assert way(available_from=START).available_on(START - ONE_DAY) is False
    assert way(available_until=END).available_on(FIRST_DATE) is True
    assert way(available_until=END).available_on(END + ONE_DAY) is False


@pytest.mark.parametrize(
    ("available_from", "available_until"),
    [(START, END), (START, START), (START, None), (None, END), (None, None)],
)
def test_a_window_that_does_not_end_before_it_starts_is_accepted(available_from, available_until):
    way(available_from, available_until).clean()


@pytest.mark.parametrize("until", [START - ONE_DAY, START - timedelta(days=365)])
def test_a_window_that_ends_before_it_starts_is_refused_on_the_last_day_field(until):
    with pytest.raises(ValidationError) as refused:
        way(START, until).clean()
    assert refused.value.message_dict == {
        "available_until": ["The last day cannot be before the first day."]
    }


@pytest.mark.django_db
def test_an_editor_cannot_save_a_window_that_ends_before_it_starts(admin_client):
    option = EnrollmentOption.objects.get(slug="citizen-service")
    response = admin_client.post(
        f"/admin/guidance/enrollmentoption/{option.pk}/change/",
        {
            "slug": option.slug,
            "audience": option.audience,
            "name_en": option.name_en,
            "name_da": option.name_da,
            "summary_en": option.summary_en,
            "summary_da": option.summary_da,
            "steps_en": option.steps_en,
            "steps_da": option.steps_da,
            "requirements": [r.pk for r in Requirement.objects.filter(options=option)],
            "available_from": "2024-03-01",
            "available_until": "2024-02-29",
            "url": option.url,
            "order": option.order,
            "published": "on",
        },
        headers={"x-forwarded-proto": "https"},
    )
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    option.refresh_from_db()
    assert option.available_until is None


# Dates as visitors type them.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1900-01-01", FIRST_DATE),
        ("01.01.1900", FIRST_DATE),
        ("2100-12-31", LAST_DATE),
        ("31/12/2100", LAST_DATE),
        ("\t 2023-06-30 \n", date(2023, 6, 30)),
        ("30-6-2023", date(2023, 6, 30)),
    ],
)
def test_dates_at_the_edges_and_with_spaces_around_are_read(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["1899-12-31", "31.12.1899", "2101-01-01", "01/01/2101"])
def test_dates_just_outside_the_range_are_refused_with_the_range(text):
    with pytest.raises(DateError) as refused:
        parse_date(text)
    assert str(refused.value) == "Choose a date from 1 January 1900 to 31 December 2100."


def test_a_date_is_read_up_to_the_length_limit_and_refused_beyond_it():
    padded = "2023-06-30".center(MAX_DATE_LENGTH)
    assert len(padded) == MAX_DATE_LENGTH
    assert parse_date(padded) == date(2023, 6, 30)
    with pytest.raises(DateError) as refused:
        parse_date(padded + " ")
    assert str(refused.value) == (
        "That date is too long to be a date. Write the date as year-month-day (2023-10-31) or "
        "day-month-year (31-10-2023, 31.10.2023 or 31/10/2023)."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "“soon” is not a date we can read."),
        (" 2023-02-30 ", "2023-02-30 is not a real calendar date."),
        ("30.02.2023", "30.02.2023 is not a real calendar date."),
    ],
)
def test_a_date_that_cannot_be_used_says_why_and_what_works(text, message):
    with translation.override("en"), pytest.raises(DateError) as refused:
        parse_date(text)
    assert str(refused.value) == (
        f"{message} Write the date as year-month-day (2023-10-31) or day-month-year "
        "(31-10-2023, 31.10.2023 or 31/10/2023)."
    )


def test_a_date_error_is_said_in_danish_to_a_danish_visitor():
    with translation.override("da"), pytest.raises(DateError) as refused:
        parse_date("2101-01-01")
    assert "1900" in str(refused.value)
    assert "Choose a date" not in str(refused.value)


@pytest.mark.parametrize("text", ["2023-06-30x", "x30.06.2023", "30.06-2023", "2023.06.30"])
def test_a_date_with_anything_more_or_mixed_separators_is_not_read(text):
    with pytest.raises(DateError, match="is not a date we can read"):
        parse_date(text)


# Edits by staff reach visitors, and calendars recognise an edited event as the same event.


def calendar_uids(client, audience: str = "citizen") -> list[str]:
    feed = client.get("/milestones.ics", {"audience": audience}).content.decode()
    return [line.removeprefix("UID:") for line in feed.splitlines() if line.startswith("UID:")]


@pytest.mark.django_db
@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_a_calendar_event_keeps_its_uid_when_staff_move_its_day(client, audience):
    before = calendar_uids(client, audience)
    events = Milestone.objects.filter(audience=audience, date_precision="day")
    assert len(before) == len(set(before)) == events.count()
    for milestone in events:
        milestone.date += ONE_DAY
        milestone.save()
    assert calendar_uids(client, audience) == before


@pytest.mark.django_db
def test_the_two_audiences_calendars_share_no_uid(client):
    assert not set(calendar_uids(client, "citizen")) & set(calendar_uids(client, "business"))


@pytest.mark.django_db
def test_a_change_to_what_a_way_needs_is_served_at_once(client):
    def needs() -> list[str]:
        body = client.get("/api/v1/status", {"date": "2024-01-01", "lang": "en"}).json()
        app = next(o for o in body["enrollment_options"] if o["slug"] == "mitid-app")
        return app["requirement_codes"]

    assert needs() == ["danish-passport", "smartphone"]
    option = EnrollmentOption.objects.get(slug="mitid-app")
    option.requirements.remove(Requirement.objects.get(slug="danish-passport"))
    assert needs() == ["smartphone"]
    option.requirements.add(Requirement.objects.get(slug="valid-id"))
    assert needs() == ["smartphone", "valid-id"]


def summary_on(client, day: str = "2024-01-01") -> str:
    return client.get("/api/v1/status", {"date": day, "lang": "en"}).json()["nemid"]["summary"]


@pytest.mark.django_db
def test_several_edits_in_a_row_are_each_served_at_once(client):
    closing = Milestone.objects.get(date="2023-10-31", audience="citizen")
    for text in ("First edit.", "Second edit.", "Third edit."):
        closing.summary_en = text
        closing.save()
        assert summary_on(client) == text


@pytest.mark.django_db
def test_after_an_edit_the_next_answer_reads_only_the_version(client, django_assert_num_queries):
    closing = Milestone.objects.get(date="2023-10-31", audience="citizen")
    closing.summary_en = "Edited."
    closing.save()
    assert summary_on(client) == "Edited."
    with django_assert_num_queries(1):
        assert summary_on(client, "2024-01-02") == "Edited."


@pytest.mark.django_db
def test_an_edit_elsewhere_shows_on_the_next_request(client):
    assert summary_on(client).startswith("NemID")
    # Another process edits the row: only the database changes.
    Milestone.objects.filter(date="2023-10-31", audience="citizen").update(
        summary_en="Edited elsewhere."
    )
    assert summary_on(client, "2024-01-02") == "Edited elsewhere."


# Every field of the API's answer, so that none can go missing unnoticed.


@pytest.mark.django_db
def test_a_way_to_get_mitid_is_described_in_full(client):
    EnrollmentOption.objects.filter(slug="citizen-service").update(
        available_from=date(2021, 10, 19), available_until=date(2031, 12, 31)
    )
    body = client.get("/api/v1/status", {"date": "2024-01-01", "lang": "da"}).json()
    options = {o["slug"]: o for o in body["enrollment_options"]}
    assert options["citizen-service"] == {
        "slug": "citizen-service",
        "name": "Borgerservice i din kommune",
        "summary": EnrollmentOption.objects.get(slug="citizen-service").summary_da,
        "steps": EnrollmentOption.objects.get(slug="citizen-service").steps_da.splitlines(),
        "requirements": ["En tid hos Borgerservice", "Gyldig legitimation"],
        "requirement_codes": ["appointment", "valid-id"],
        "available_from": "2021-10-19",
        "available_until": "2031-12-31",
        "url": "https://www.borger.dk/",
    }
    assert options["mitid-app"]["available_from"] is None
    assert options["mitid-app"]["available_until"] is None


@pytest.mark.django_db
def test_a_way_outside_its_window_is_not_offered(client):
    EnrollmentOption.objects.filter(slug="citizen-service").update(
        available_from=date(2024, 1, 2), available_until=date(2024, 1, 3)
    )
    for day, offered in [("2024-01-01", False), ("2024-01-02", True), ("2024-01-03", True)]:
        body = client.get("/api/v1/status", {"date": day}).json()
        slugs = [o["slug"] for o in body["enrollment_options"]]
        assert ("citizen-service" in slugs) is offered, day
    body = client.get("/api/v1/status", {"date": "2024-01-04"}).json()
    assert "citizen-service" not in [o["slug"] for o in body["enrollment_options"]]


@pytest.mark.django_db
def test_a_date_error_says_in_full_what_is_accepted(client):
    body = client.get("/api/v1/status", {"date": "soon", "lang": "en"}).json()
    hint = (
        "Write the date as year-month-day (2023-10-31) or day-month-year "
        "(31-10-2023, 31.10.2023 or 31/10/2023)."
    )
    assert body["field"] == "date"
    assert body["accepted"] == {
        "forms": ["YYYY-MM-DD", "DD-MM-YYYY", "DD.MM.YYYY", "DD/MM/YYYY"],
        "from": "1900-01-01",
        "to": "2100-12-31",
        "hint": hint,
    }
    assert body["errors"] == {"date": [body["error"]]}
    assert body["error"].endswith(hint)


@pytest.mark.django_db
def test_an_error_on_another_field_names_it_without_the_date_help(client):
    body = client.get("/api/v1/milestones", {"audience": "everyone", "lang": "en"}).json()
    assert body["field"] == "audience"
    assert body["errors"] == {"audience": [body["error"]]}
    assert "accepted" not in body


# A calendar event carries everything a calendar shows.


@pytest.mark.django_db
def test_a_calendar_event_carries_the_milestone_in_full(client, settings):
    from icalendar import Calendar

    closing = Milestone.objects.get(date="2023-10-31", audience="citizen")
    feed = Calendar.from_ical(client.get("/milestones.ics", {"lang": "en"}).content)
    (event,) = [e for e in feed.walk("VEVENT") if e.decoded("dtstart") == date(2023, 10, 31)]
    url = "https://testserver/en/?date=2023-10-31"
    assert str(event["uid"]) == f"milestone-citizen-closed@{settings.SITE_DOMAIN}"
    assert event.decoded("dtend") == date(2023, 11, 1)
    assert str(event["summary"]) == closing.title_en
    assert str(event["description"]) == "\n".join(
        [closing.summary_en, *(f"• {a}" for a in closing.what_to_do_en.splitlines()), "", url]
    )
    assert str(event["url"]) == url
    assert str(event["transp"]) == "TRANSPARENT"
    assert event["categories"].cats == ["Closed"]
    changed = closing.updated_at.replace(microsecond=0)  # iCalendar keeps whole seconds
    assert event.decoded("last-modified") == changed
    assert event.decoded("dtstamp") == changed


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "da"])
def test_self_services_are_listed_for_citizens_and_not_for_businesses(client, language):
    from guidance.models import SelfService

    names = [
        s.name_en if language == "en" else s.name_da
        for s in SelfService.objects.filter(published=True)
    ]
    assert names
    citizen = client.get("/api/v1/status", {"date": "2024-01-01", "lang": language}).json()
    business = client.get(
        "/api/v1/status", {"date": "2024-01-01", "lang": language, "audience": "business"}
    ).json()
    assert citizen["self_services"] == names
    assert business["self_services"] == []


def test_the_csrf_page_is_a_whole_page_of_the_site_in_the_visitors_language():
    from django.test import Client

    client = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'hreflang="da"' in html


@pytest.mark.django_db
def test_a_milestone_is_described_in_full(client):
    Milestone.objects.filter(date="2023-10-31", audience="business").update(
        date_note_da="Dagen er den officielle.", source_url=""
    )
    body = client.get("/api/v1/milestones", {"audience": "business", "lang": "da"}).json()
    closing = Milestone.objects.get(date="2023-10-31", audience="business")
    described = next(m for m in body["milestones"] if m["date"] == "2023-10-31")
    assert described == {
        "date": "2023-10-31",
        "date_precision": "day",
        "audience": "business",
        "status": "closed",
        "status_label": "Lukket",
        "title": closing.title_da,
        "summary": closing.summary_da,
        "what_to_do": [line for line in closing.what_to_do_da.splitlines() if line.strip()],
        "date_note": "Dagen er den officielle.",
        "source_url": None,
        "url": "https://testserver/da/?date=2023-10-31&audience=business",
    }
    launch = next(m for m in body["milestones"] if m["date"] == "2010-01-01")
    assert (
        launch["source_url"]
        == Milestone.objects.get(date="2010-01-01", audience="business").source_url
    )
    assert launch["source_url"].startswith("https://")


@pytest.mark.django_db
def test_a_contradiction_is_explained_in_full():
    with pytest.raises(ValidationError) as refused:
        new_milestone(date(2023, 11, 1), NemIDStatus.LIMITED).clean()
    assert refused.value.message_dict["status"] == [
        f"“{NemIDStatus.LIMITED.label}” on 2023-11-01 contradicts “Closed” on 2023-10-31: "
        "NemID’s status only moves forward (active, restricted, limited, closed)."
    ]


@pytest.mark.django_db
def test_an_edited_milestone_is_checked_against_the_others_not_its_old_self():
    # Moving the closing day later as "limited": its old row (closed, earlier) is no neighbour.
    closing = Milestone.objects.get(date="2023-10-31", audience="citizen")
    closing.date = date(2023, 11, 5)
    closing.status = NemIDStatus.LIMITED
    closing.clean()


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["eid.example.dk", "EID.EXAMPLE.X", "localhost:8080"])
def test_the_openapi_document_names_the_server_it_was_asked_on(settings, host):
    from django.test import Client

    settings.ALLOWED_HOSTS = [host.split(":")[0].lower()]
    client = Client(headers={"x-forwarded-proto": "https", "host": host})
    document = client.get("/api/v1/openapi.json").json()
    assert [server["url"] for server in document["servers"]] == [f"https://{host}"]


# Caches must know which answers depend on the visitor's languages.


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/status", "/api/v1/milestones"])
def test_an_api_answer_says_its_language_and_varies_by_accept_language(client, path):
    chosen = client.get(path, headers={"accept-language": "da"})
    assert chosen["Content-Language"] == "da"
    assert chosen.json()["lang"] == "da"
    assert "Accept-Language" in chosen["Vary"]
    asked = client.get(path, {"lang": "en"}, headers={"accept-language": "da"})
    assert asked["Content-Language"] == "en"
    assert asked.json()["lang"] == "en"
    refused = client.get(path, {"lang": "de"}, headers={"accept-language": "da"})
    assert refused.status_code == 400
    assert refused["Content-Language"] == "da"


@pytest.mark.django_db
def test_the_api_writes_danish_letters_as_they_are(client):
    response = client.get("/api/v1/status", {"date": "2023-07-01", "lang": "da"})
    assert response["Content-Type"] == "application/json"
    # "læse din Digital Post" is one of the self-services, in Danish.
    assert "læse".encode() in response.content
    assert b"\\u00e6" not in response.content
