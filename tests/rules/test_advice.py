"""The domain rules (guidance.rules.advice), on small timelines made by factories, not the seed.

Every rule is tested on the day before, the day of and the day after its boundary, for both
audiences. The seed has its own tests against the source (tests/rules/test_seed.py).
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService
from guidance.pages.forms import AdviceForm
from guidance.rules.advice import (
    TimelineState,
    VisitorSituation,
    advice_on,
    answer_on,
    in_force_on,
    timeline_on,
)
from tests import factories

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
LAUNCH = date(2010, 7, 1)
RESTRICTED = date(2022, 10, 30)
LIMITED = date(2023, 6, 30)
CLOSED = date(2023, 10, 31)
STILL_CLOSED = date(2024, 3, 1)  # a second milestone with the same status

# (audience, boundary day, status the day before, status on the day)
BOUNDARIES = [
    ("citizen", LAUNCH, "not_launched", "active"),
    ("citizen", RESTRICTED, "active", "restricted"),
    ("citizen", LIMITED, "restricted", "limited"),
    ("citizen", CLOSED, "limited", "closed"),
    ("citizen", STILL_CLOSED, "closed", "closed"),
    ("business", LAUNCH, "not_launched", "active"),
    ("business", LIMITED, "active", "limited"),
    ("business", CLOSED, "limited", "closed"),
]
CHANGES = [b for b in BOUNDARIES if b[2] != b[3]]


@pytest.fixture(autouse=True)
def timeline():
    """Only the test's own rows: the seed is removed (inside the test's transaction)."""
    for model in (Milestone, EnrollmentOption, Requirement, SelfService):
        model.objects.all().delete()
    for audience, day, _before, on in BOUNDARIES:
        factories.milestone(day, on, audience)


def milestones():
    return list(Milestone.objects.all())


def advice(day, audience="citizen", situation=None):
    return advice_on(
        day,
        audience,
        situation,
        milestones=milestones(),
        options=list(EnrollmentOption.objects.all()),
        self_services=list(SelfService.objects.all()),
    )


def answer(day, today, audience="citizen"):
    return answer_on(
        day,
        today,
        audience,
        milestones=milestones(),
        options=list(EnrollmentOption.objects.all()),
        self_services=list(SelfService.objects.all()),
    )


# A milestone holds from its own day on ("on or before the day", once in the domain).


def test_a_milestone_is_in_force_from_its_own_day_on():
    closing = Milestone.objects.get(audience="citizen", date=CLOSED)
    assert not in_force_on(closing, CLOSED - DAY)
    assert in_force_on(closing, CLOSED)
    assert in_force_on(closing, CLOSED + DAY)


@pytest.mark.parametrize(("audience", "day", "before", "on"), BOUNDARIES)
def test_the_status_changes_on_the_milestone_day_itself(audience, day, before, on):
    assert advice(day - DAY, audience).status == before
    assert advice(day, audience).status == on
    assert advice(day + DAY, audience).status == on


@pytest.mark.parametrize(("audience", "day", "before", "on"), CHANGES)
def test_since_is_the_first_day_of_the_status(audience, day, before, on):
    assert getattr(advice(day - DAY, audience).since, "date", None) != day
    assert advice(day, audience).since.date == day
    assert advice(day + DAY, audience).since.date == day


def test_since_spans_consecutive_milestones_with_the_same_status():
    for day in (STILL_CLOSED - DAY, STILL_CLOSED, STILL_CLOSED + DAY):
        assert advice(day).since.date == CLOSED
    assert advice(STILL_CLOSED + DAY).current.date == STILL_CLOSED


def test_since_is_none_before_launch():
    assert advice(LAUNCH - DAY).since is None
    assert advice(LAUNCH - DAY, "business").since is None


@pytest.mark.parametrize(("audience", "day", "before", "on"), BOUNDARIES)
def test_the_next_milestone_is_the_boundary_until_its_day(audience, day, before, on):
    assert advice(day - DAY, audience).next_milestone.date == day
    after = advice(day, audience).next_milestone
    assert after is None or after.date > day
    assert advice(day, audience).upcoming == advice(day + DAY, audience).upcoming


@pytest.mark.parametrize(("audience", "day", "before", "on"), BOUNDARIES)
def test_milestones_passed_include_the_day_itself(audience, day, before, on):
    assert day not in [m.date for m in advice(day - DAY, audience).passed]
    assert advice(day, audience).passed[-1].date == day
    assert advice(day + DAY, audience).passed[-1].date == day


@pytest.mark.parametrize(
    ("audience", "day", "before", "on"), [b for b in CHANGES if b[1] != LAUNCH]
)
def test_an_announced_change_is_warned_of_once_the_phase_out_has_begun(audience, day, before, on):
    """To get the new eID before a change is advice only from when the source shows the new eID
    in use: for citizens once NemID is no longer simply active (they banked with MitID from
    then); for companies never before NemID closed (the source gives MitID Business no date)."""
    warning = advice(day - DAY, audience).warning
    if before == "active" or audience == "business":
        assert warning is None
    else:
        assert warning.date == day
        assert advice(day, audience).warning != warning


@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_before_launch_and_while_active_there_is_nothing_to_warn_of(audience):
    assert advice(LAUNCH - DAY, audience).warning is None
    assert advice(LAUNCH, audience).warning is None
    assert advice(LAUNCH, audience).to_do == advice(LAUNCH, audience).actions


def test_businesses_are_never_told_to_get_mitid_business_before_a_day():
    """The source gives no day from which MitID Business could be had before NemID closed."""
    before = advice(CLOSED - DAY, "business")
    assert before.status == "limited"
    assert before.warning is None
    assert str(before.texts.new_eid) == "MitID Business"
    assert advice(CLOSED, "business").warning is None


def test_the_warning_is_the_first_thing_to_do():
    during = advice(CLOSED - DAY, "citizen")
    assert during.status != "active"
    assert during.to_do[0] == f"Get MitID before {CLOSED.day} October {CLOSED.year}."
    assert during.to_do[1:] == during.actions


def test_before_launch_the_answer_says_nemid_did_not_exist_and_has_no_actions():
    before = advice(LAUNCH - DAY)
    assert before.current is None
    assert before.actions == []
    assert before.summary == "NemID did not exist yet on this date."
    assert advice(LAUNCH).summary == f"Summary citizen active {LAUNCH.isoformat()}."


@pytest.mark.parametrize(("audience", "day", "before", "on"), CHANGES)
def test_the_actions_are_those_of_the_milestone_in_force(audience, day, before, on):
    assert advice(day, audience).actions == [f"Action {audience} {on} {day.isoformat()}."]
    assert advice(day - DAY, audience).actions != advice(day, audience).actions


# A past date: what was true then, and what to do today, apart.


@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_a_past_date_gets_todays_advice_beside_it(audience):
    today = date(2026, 11, 25)
    past = answer(today - DAY, today, audience)
    assert past.is_past
    assert past.asked.day == today - DAY
    assert past.now.day == today
    assert past.to_act_on is past.now
    for day in (today, today + DAY):
        current = answer(day, today, audience)
        assert not current.is_past
        assert current.now is None
        assert current.to_act_on is current.asked


def test_the_ways_to_get_mitid_for_a_past_date_are_todays():
    today = date(2026, 11, 25)
    factories.option(available_from=date(2025, 1, 1))
    past = answer(date(2009, 12, 31), today)
    assert past.asked.status == "not_launched"
    assert [o.slug for o in past.to_act_on.options] == [o.slug for o in advice(today).options]
    assert past.to_act_on.options != ()


# Audience rules, in the domain.


def test_every_citizen_answer_points_businesses_to_theirs():
    today = date(2026, 11, 25)
    for day in (LAUNCH - DAY, CLOSED - DAY, today):
        assert answer(day, today, "citizen").points_to_business
        assert not answer(day, today, "business").points_to_business


def test_self_services_are_told_to_citizens_only():
    factories.self_service(name_en="change your address")
    assert [s.name_en for s in advice(CLOSED).self_services] == ["change your address"]
    assert advice(CLOSED, "business").self_services == ()


def test_the_urgent_line_is_for_citizens_who_can_get_mitid():
    today = date(2026, 11, 25)
    assert not answer(CLOSED, today).urgent_line  # no way to get MitID open
    factories.option()
    factories.option(audience="business")
    assert answer(CLOSED, today).urgent_line
    assert not answer(CLOSED, today, "business").urgent_line


def test_audiences_name_what_they_move_to():
    assert str(advice(CLOSED).texts.new_eid) == "MitID"
    assert str(advice(CLOSED, "business").texts.new_eid) == "MitID Business"
    assert str(advice(CLOSED).other_texts.new_eid) == "MitID Business"


# Ways to get MitID.


def test_a_way_is_offered_from_the_first_day_of_its_window_to_the_last():
    start, end = date(2022, 11, 1), date(2030, 12, 31)  # inside the phase-out: ways are named
    way = factories.option(available_from=start, available_until=end)
    offered = lambda day: way in advice(day).options  # noqa: E731
    assert not offered(start - DAY)
    assert offered(start)
    assert offered(start + DAY)
    assert offered(end - DAY)
    assert offered(end)
    assert not offered(end + DAY)


@pytest.mark.parametrize(
    ("day", "audience"),
    [
        (date(2009, 12, 31), "citizen"),
        (date(2010, 6, 30), "citizen"),
        (date(2015, 6, 1), "citizen"),
        (date(2022, 10, 29), "citizen"),
        (date(2015, 6, 1), "business"),
        (LIMITED, "business"),
        (date(2023, 10, 30), "business"),
    ],
)
def test_no_way_to_the_new_eid_is_named_before_the_phase_out_begins(day, audience):
    """The source shows MitID in use from 30 October 2022 and gives no day for MitID Business
    before NemID closed: an answer for an earlier day names no way to get them (the API's
    enrollment_options of that day included)."""
    factories.option()
    factories.option(audience="business")
    asked = advice(day, audience)
    assert asked.options == ()
    assert asked.unsuitable_options == ()


def test_a_company_is_told_of_the_limited_service_and_nothing_to_do_before_the_closing():
    """The source: "since 30 June 2023 the service of NemID has been limited", with consequences
    for citizens only, and no date for MitID Business before NemID closed: no warning, no
    action, while citizens are warned from 30 October 2022."""
    company = advice(LIMITED, "business")
    assert company.status == "limited"
    assert company.warning is None
    assert advice(RESTRICTED).warning.date == LIMITED


def test_ways_are_offered_to_their_own_audience_only():
    citizens = factories.option()
    businesses = factories.option(audience="business")
    assert advice(CLOSED).options == (citizens,)
    assert advice(CLOSED, "business").options == (businesses,)


def test_a_way_needing_what_the_visitor_lacks_is_set_aside_with_the_reason():
    passport = factories.requirement("passport")
    phone = factories.requirement("smartphone")
    app = factories.option(requirements=(passport, phone))
    office = factories.option(requirements=(factories.requirement(),))
    result = advice(CLOSED, situation=VisitorSituation(passport=False))
    assert result.options == (office,)
    (unsuitable,) = result.unsuitable_options
    assert unsuitable.option == app
    assert unsuitable.missing == (passport,)
    both = advice(CLOSED, situation=VisitorSituation(passport=False, smartphone=False))
    assert set(both.unsuitable_options[0].missing) == {passport, phone}


def test_a_way_the_visitor_confirmed_they_can_use_comes_first():
    office = factories.option(order=1)
    app = factories.option(order=2, requirements=(factories.requirement("passport"),))
    assert advice(CLOSED).options == (office, app)
    assert advice(CLOSED, situation=VisitorSituation(passport=True)).options == (app, office)


# The timeline.


@pytest.mark.parametrize(("audience", "day", "before", "on"), BOUNDARIES)
def test_the_timeline_marks_the_day_where_it_falls(audience, day, before, on):
    def states(when):
        entries = timeline_on(when, audience, milestones())
        return [(e.state, e.milestone.date if e.milestone else None) for e in entries]

    assert (TimelineState.UPCOMING, day) in states(day - DAY)
    assert (TimelineState.CURRENT, day) in states(day)
    assert (TimelineState.CURRENT, day) in states(day + DAY) or (
        TimelineState.PASSED,
        day,
    ) in states(day + DAY)
    marker = [s for s, _ in states(day)].index(TimelineState.MARKER)
    assert states(day)[marker - 1] == (TimelineState.CURRENT, day)


def test_timeline_states_are_a_fixed_vocabulary():
    assert {s.value for s in TimelineState} == {
        "passed",
        "current",
        "marker",
        "unsure",
        "upcoming",
    }
    entries = timeline_on(LAUNCH - DAY, "citizen", milestones())
    assert entries[0].state == TimelineState.MARKER
    assert all(e.state == TimelineState.UPCOMING for e in entries[1:])


@pytest.mark.parametrize(
    ("asked", "situation"),
    [
        ({}, VisitorSituation()),
        ({"passport": "yes"}, VisitorSituation(passport=True)),
        ({"smartphone": "yes"}, VisitorSituation(smartphone=True)),
        ({"passport": "no", "smartphone": "yes"}, VisitorSituation(False, True)),
        ({"passport": "yes", "smartphone": "no"}, VisitorSituation(True, False)),
    ],
)
def test_the_forms_yes_and_no_reach_the_rules_as_the_visitor_said(asked, situation):
    form = AdviceForm(asked)
    assert form.is_valid(), form.errors
    assert form.situation() == situation


def test_a_visitor_who_says_yes_on_the_page_sees_the_way_they_can_use_first(client):
    factories.option(order=1, name_en="Citizen service centre")
    factories.option(
        order=2, name_en="The MitID app", requirements=(factories.requirement("passport"),)
    )
    page = client.get("/en/", {"date": "2023-10-31", "passport": "yes"}).content.decode()
    assert page.index("The MitID app") < page.index("Citizen service centre")
    page = client.get("/en/", {"date": "2023-10-31"}).content.decode()
    assert page.index("Citizen service centre") < page.index("The MitID app")


# --- a milestone whose source gives only the year ------------------------------------------------

LAUNCH_YEAR = date(2012, 1, 1)
LAUNCH_YEARS_LAST_DAY = date(2012, 12, 31)


def launched_in_a_year(audience: str = "citizen") -> None:
    """The audience's launch as the source gives it: a year, no day."""
    Milestone.objects.filter(audience=audience, date=LAUNCH).update(
        date=LAUNCH_YEAR, date_precision="year"
    )


@pytest.mark.parametrize("audience", ["citizen", "business"])
def test_every_day_of_a_launch_year_says_what_the_source_knows(audience):
    launched_in_a_year(audience)
    before = advice(LAUNCH_YEAR - DAY, audience)
    assert (before.status, before.summary) == (
        "not_launched",
        "NemID did not exist yet on this date.",
    )
    day = LAUNCH_YEAR
    while day < LAUNCH_YEARS_LAST_DAY:
        asked = advice(day, audience)
        assert asked.status == "unknown", day
        assert asked.summary == (
            "NemID was launched in 2012. The source does not give the day, so NemID may not "
            "have existed yet on this date."
        )
        assert asked.since is None
        assert asked.to_do == []
        assert asked.unsure.date == LAUNCH_YEAR
        day += DAY
    for day in (LAUNCH_YEARS_LAST_DAY, LAUNCH_YEARS_LAST_DAY + DAY):
        surely = advice(day, audience)
        assert (surely.status, surely.unsure, surely.since.when) == ("active", None, "2012")


def test_a_launch_year_is_unsure_on_the_timeline_until_its_last_day():
    launched_in_a_year()
    states = [e.state for e in timeline_on(date(2012, 6, 1), "citizen", milestones())]
    assert states[:2] == [TimelineState.MARKER, TimelineState.UNSURE]
    assert all(state == TimelineState.UPCOMING for state in states[2:])
    states = [e.state for e in timeline_on(LAUNCH_YEARS_LAST_DAY, "citizen", milestones())]
    assert states[:2] == [TimelineState.CURRENT, TimelineState.MARKER]


def test_a_month_only_change_is_said_beside_the_status_it_may_end():
    Milestone.objects.filter(date=RESTRICTED).update(date=date(2022, 10, 1), date_precision="month")
    asked = advice(date(2022, 10, 15))
    assert asked.status == "active"
    assert asked.summary.endswith(
        "The source gives only October 2022 for the next change, “Title citizen restricted "
        "2022-10-30”, so it may already apply on this date."
    )
    assert advice(date(2022, 10, 31)).status == "restricted"
    assert advice(date(2022, 9, 30)).unsure is None


@pytest.mark.parametrize(
    ("precision", "day", "error"),
    [
        ("year", date(2012, 2, 1), True),
        ("month", date(2012, 2, 2), True),
        ("year", date(2012, 1, 1), False),
        ("month", date(2012, 2, 1), False),
    ],
)
def test_a_month_or_year_is_entered_as_its_first_day(precision, day, error):
    row = Milestone(date=day, date_precision=precision, status="active", audience="citizen")
    if error:
        with pytest.raises(ValidationError, match="first day of the month or year"):
            row.clean()
    else:
        row.clean()
