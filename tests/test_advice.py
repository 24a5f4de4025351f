"""The domain: NemID's status, the next milestone and the ways to get MitID on any day."""

from datetime import date, timedelta

import pytest

from guidance.advice import VisitorSituation, advice_on, status_on, timeline_on
from guidance.content import current_content

pytestmark = pytest.mark.django_db

CITIZEN_BOUNDARIES = [
    (date(2010, 7, 1), "not_launched", "active"),
    (date(2022, 10, 30), "active", "restricted"),
    (date(2023, 6, 30), "restricted", "limited"),
    (date(2023, 10, 31), "limited", "closed"),
]
BUSINESS_BOUNDARIES = [
    (date(2010, 7, 1), "not_launched", "active"),
    (date(2023, 10, 31), "active", "closed"),
]


def advice(day, audience="citizen", **situation):
    seed = current_content()
    return advice_on(
        day,
        audience,
        VisitorSituation(**situation),
        milestones=seed.milestones,
        options=seed.options,
        self_services=seed.self_services,
    )


@pytest.mark.parametrize(("day", "before", "on"), CITIZEN_BOUNDARIES)
def test_citizen_status_changes_on_the_milestone_day_itself(day, before, on):
    milestones = current_content().milestones
    assert status_on(day - timedelta(days=1), "citizen", milestones) == before
    assert status_on(day, "citizen", milestones) == on


@pytest.mark.parametrize(("day", "before", "on"), BUSINESS_BOUNDARIES)
def test_business_status_changes_on_the_milestone_day_itself(day, before, on):
    milestones = current_content().milestones
    assert status_on(day - timedelta(days=1), "business", milestones) == before
    assert status_on(day, "business", milestones) == on


def test_status_on_30_june_2023_is_limited_since_that_day():
    answer = advice(date(2023, 6, 30))
    assert answer.status == "limited"
    assert answer.since == date(2023, 6, 30)


def test_next_milestone_on_1_july_2023_is_the_closing():
    answer = advice(date(2023, 7, 1))
    assert answer.next_milestone.date == date(2023, 10, 31)
    assert answer.next_milestone.status == "closed"


def test_nothing_lies_ahead_once_nemid_is_closed():
    answer = advice(date(2030, 1, 1))
    assert answer.status == "closed"
    assert answer.next_milestone is None
    assert [m.date for m in answer.passed][-1] == date(2023, 10, 31)


def test_before_launch_nemid_did_not_exist_and_launch_is_next():
    answer = advice(date(1999, 12, 31))
    assert answer.status == "not_launched"
    assert answer.since is None
    assert answer.current is None
    assert answer.actions == []
    assert answer.next_milestone.date == date(2010, 7, 1)


def test_what_to_do_after_closing_says_dispose_of_key_card_and_uninstall_app():
    actions = " ".join(advice(date(2023, 10, 31)).actions)
    assert "key card" in actions
    assert "key app" in actions


def test_citizens_get_the_app_and_citizen_service_in_order():
    assert [o.slug for o in advice(date(2024, 1, 1)).options] == ["mitid-app", "citizen-service"]


def test_businesses_get_mitid_business_only():
    assert [o.slug for o in advice(date(2024, 1, 1), "business").options] == ["mitid-business"]


def test_without_a_passport_the_app_is_set_aside_with_the_reason():
    answer = advice(date(2024, 1, 1), passport=False)
    assert [o.slug for o in answer.options] == ["citizen-service"]
    (unsuitable,) = answer.unsuitable_options
    assert unsuitable.option.slug == "mitid-app"
    assert [r.slug for r in unsuitable.missing] == ["danish-passport"]


def test_without_a_smartphone_the_app_is_set_aside():
    answer = advice(date(2024, 1, 1), smartphone=False)
    assert [o.slug for o in answer.options] == ["citizen-service"]
    assert [r.slug for r in answer.unsuitable_options[0].missing] == ["smartphone"]


def test_without_passport_or_smartphone_both_reasons_are_given():
    answer = advice(date(2024, 1, 1), passport=False, smartphone=False)
    assert sorted(r.slug for r in answer.unsuitable_options[0].missing) == [
        "danish-passport",
        "smartphone",
    ]


def test_an_option_the_visitor_confirmed_they_can_use_comes_first():
    from guidance.models import EnrollmentOption

    EnrollmentOption.objects.filter(slug="mitid-app").update(order=99)
    assert next(o.slug for o in advice(date(2024, 1, 1)).options) == "citizen-service"
    answer = advice(date(2024, 1, 1), passport=True, smartphone=True)
    assert next(o.slug for o in answer.options) == "mitid-app"


def test_an_option_is_offered_only_inside_its_availability_window():
    from guidance.models import EnrollmentOption

    EnrollmentOption.objects.filter(slug="citizen-service").update(
        available_from=date(2021, 10, 1), available_until=date(2030, 12, 31)
    )
    assert "citizen-service" not in [o.slug for o in advice(date(2021, 9, 30)).options]
    assert "citizen-service" in [o.slug for o in advice(date(2021, 10, 1)).options]
    assert "citizen-service" in [o.slug for o in advice(date(2030, 12, 31)).options]
    assert "citizen-service" not in [o.slug for o in advice(date(2031, 1, 1)).options]


def test_unpublished_milestones_do_not_count():
    from guidance.models import Milestone

    Milestone.objects.filter(date=date(2023, 10, 31), audience="citizen").update(published=False)
    assert advice(date(2024, 1, 1)).status == "limited"


def test_the_self_services_that_need_mitid_are_the_six_of_the_source():
    names = [s.name_en for s in advice(date(2024, 1, 1)).self_services]
    assert names == [
        "change your address",
        "apply for childcare",
        "see your tax",
        "choose a doctor",
        "read your Digital Post",
        "leave Denmark",
    ]


def test_timeline_marks_the_day_after_the_milestones_passed():
    entries = timeline_on(date(2023, 7, 1), "citizen", current_content().milestones)
    states = [e.state for e in entries]
    assert states == ["passed", "passed", "current", "marker", "upcoming"]


def test_timeline_marks_a_milestone_day_as_current():
    entries = timeline_on(date(2023, 10, 31), "citizen", current_content().milestones)
    assert [e.state for e in entries] == ["passed", "passed", "passed", "current", "marker"]


def test_timeline_before_launch_puts_the_marker_first():
    entries = timeline_on(date(2000, 1, 1), "citizen", current_content().milestones)
    assert [e.state for e in entries] == ["marker"] + ["upcoming"] * 4
