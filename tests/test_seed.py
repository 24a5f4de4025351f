"""The data migration: a fresh database holds the official facts at once."""

from datetime import date

import pytest
from django.core.management import call_command

from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService

SOURCE = "https://lifeindenmark.borger.dk/apps-and-digital-services/nemid"


def seeded_facts():
    return {
        "milestones": sorted((m.audience, m.date, m.status) for m in Milestone.objects.all()),
        "options": sorted(
            (o.slug, o.audience, tuple(sorted(r.slug for r in o.requirements.all())))
            for o in EnrollmentOption.objects.all()
        ),
        "self_services": list(SelfService.objects.values_list("name_en", flat=True)),
    }


EXPECTED = {
    "milestones": [
        ("business", date(2010, 7, 1), "active"),
        ("business", date(2023, 10, 31), "closed"),
        ("citizen", date(2010, 7, 1), "active"),
        ("citizen", date(2022, 10, 30), "restricted"),
        ("citizen", date(2023, 6, 30), "limited"),
        ("citizen", date(2023, 10, 31), "closed"),
    ],
    "options": [
        ("citizen-service", "citizen", ("appointment", "valid-id")),
        ("mitid-app", "citizen", ("danish-passport", "smartphone")),
        ("mitid-business", "business", ()),
    ],
    "self_services": [
        "change your address",
        "apply for childcare",
        "see your tax",
        "choose a doctor",
        "read your Digital Post",
        "leave Denmark",
    ],
}


@pytest.mark.django_db
def test_a_fresh_database_holds_every_fact_of_the_source():
    assert seeded_facts() == EXPECTED


@pytest.mark.django_db
def test_every_milestone_has_both_languages_and_cites_the_source():
    for milestone in Milestone.objects.all():
        assert milestone.title_en
        assert milestone.title_da
        assert milestone.summary_en
        assert milestone.summary_da
        assert milestone.source_url == SOURCE


@pytest.mark.django_db
def test_the_launch_says_the_source_gives_only_the_year():
    launch = Milestone.objects.get(audience="citizen", date=date(2010, 7, 1))
    assert "2010" in launch.date_note_en
    assert "gives only the year" in launch.date_note_en
    assert "does not give the day" in launch.date_note_en


@pytest.mark.django_db
def test_no_way_to_get_mitid_invents_an_availability_date():
    assert not EnrollmentOption.objects.exclude(available_from=None).exists()
    assert not EnrollmentOption.objects.exclude(available_until=None).exists()


@pytest.mark.django_db
def test_the_situation_questions_map_to_passport_and_smartphone():
    assert dict(Requirement.objects.values_list("slug", "situation")) == {
        "danish-passport": "passport",
        "smartphone": "smartphone",
        "valid-id": "",
        "appointment": "",
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_seed_migration_runs_again_on_an_emptied_database():
    call_command("migrate", "guidance", "0001", verbosity=0)
    assert Milestone.objects.count() == 0
    call_command("migrate", "guidance", verbosity=0)
    assert seeded_facts() == EXPECTED


@pytest.mark.django_db
def test_every_seeded_row_starts_with_a_history_entry():
    for model in (Milestone, EnrollmentOption, Requirement, SelfService):
        for row in model.objects.all():
            assert row.history.count() == 1, row
    option = EnrollmentOption.objects.get(slug="mitid-app")
    first = option.history.get()
    assert sorted(r.requirement.slug for r in first.requirements.all()) == [
        "danish-passport",
        "smartphone",
    ]
