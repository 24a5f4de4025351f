"""The data migration: a fresh database holds the official facts at once."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService

SOURCE = "https://lifeindenmark.borger.dk/apps-and-digital-services/nemid"


def seeded_facts():
    return {
        "milestones": sorted((m.audience, m.iso_date, m.status) for m in Milestone.objects.all()),
        "options": sorted(
            (o.slug, o.audience, tuple(sorted(r.slug for r in o.requirements.all())))
            for o in EnrollmentOption.objects.all()
        ),
        "self_services": list(SelfService.objects.values_list("name_en", flat=True)),
    }


EXPECTED = {
    "milestones": [
        ("business", "2010", "active"),
        ("business", "2023-06-30", "limited"),
        ("business", "2023-10-31", "closed"),
        ("citizen", "2010", "active"),
        ("citizen", "2022-10-30", "restricted"),
        ("citizen", "2023-06-30", "limited"),
        ("citizen", "2023-10-31", "closed"),
    ],
    "options": [
        ("citizen-service", "citizen", ("appointment", "valid-id")),
        ("mitid-app", "citizen", ("danish-passport", "smartphone")),
        ("mitid-business", "business", ()),
    ],
    "self_services": [
        "change your address",
        "apply for childcare",
        "check your tax",
        "choose a doctor",
        "read your Digital Post",
        "move abroad",
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
def test_the_launch_is_the_year_the_source_gives_and_no_day():
    for launch in Milestone.objects.filter(date=date(2010, 1, 1)):
        assert (launch.date_precision, launch.when) == ("year", "2010")
        assert launch.date_note_en == "The source gives only the year. The day is not known."
        assert launch.date_note_da == "Kilden nævner kun året. Dagen kendes ikke."


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
            first = row.history.earliest("history_date")
            assert first.history_type == "+", row
    option = EnrollmentOption.objects.get(slug="mitid-app")
    for entry in option.history.all():
        assert sorted(r.requirement.slug for r in entry.requirements.all()) == [
            "danish-passport",
            "smartphone",
        ]


@pytest.mark.django_db
def test_the_editorial_pass_is_in_each_changed_rows_history_and_matches_the_row():
    closing = Milestone.objects.get(audience="business", date=date(2023, 10, 31))
    latest = closing.history.latest("history_date")
    assert latest.history_type == "~"
    assert "(migration 0020)" in latest.history_change_reason
    assert latest.title_en == closing.title_en == "NemID closes for businesses"
    assert latest.updated_at == closing.updated_at  # a stale-form check finds its base
    assert Requirement.objects.get(slug="smartphone").history.count() == 1  # unchanged rows


@pytest.mark.django_db
def test_the_seeds_history_holds_its_review_dates_whatever_day_it_was_migrated():
    """A history row is the row as it was: the seed was reviewed on 25 November 2026 (the row
    migration 0022 adds on 8 December 2026) and is due again a year later, in its history too
    (not a year from the day the database was made)."""
    added = Milestone.objects.get(audience="business", date=date(2023, 6, 30))
    for model in (Milestone, EnrollmentOption, Requirement, SelfService):
        for row in model.objects.all():
            reviewed = date(2026, 12, 8) if row == added else date(2026, 11, 25)
            assert (row.last_reviewed_on, row.review_by) == (
                reviewed,
                reviewed.replace(year=reviewed.year + 1),
            )
            for entry in row.history.all():
                assert (entry.last_reviewed_on, entry.review_by) == (
                    row.last_reviewed_on,
                    row.review_by,
                ), entry.history_change_reason


# The seed against the official page's text, kept in tests/sources/.

SOURCES = Path(__file__).resolve().parents[1] / "sources"
SOURCE_TEXT = (SOURCES / "nemid-closed-from-31-october-2023.txt").read_text()


@pytest.mark.django_db
def test_every_milestone_day_after_launch_is_written_in_the_source():
    for milestone in Milestone.objects.filter(date_precision="day"):
        assert f"{milestone.date.day} {milestone.date:%B %Y}" in SOURCE_TEXT, milestone


@pytest.mark.django_db
def test_the_launch_year_is_the_sources_and_no_day_is_given():
    assert "launched in 2010" in SOURCE_TEXT
    assert Milestone.objects.exclude(date_precision="day").count() == 2
    for milestone in Milestone.objects.exclude(date_precision="day"):
        assert f"launched in {milestone.when}" in SOURCE_TEXT


# Self-services said in plain English (migration 0019): the source's item each one words.
REWORDED = {"check your tax": "see your tax", "move abroad": "leave Denmark"}


@pytest.mark.django_db
def test_every_self_service_is_listed_in_the_source():
    for name in SelfService.objects.values_list("name_en", flat=True):
        assert f"• {REWORDED.get(name, name)}" in SOURCE_TEXT.replace("  ", " "), name


@pytest.mark.django_db
def test_the_ways_to_get_mitid_are_the_sources():
    assert "scanning your passport in the MitID app" in SOURCE_TEXT
    assert "Danish passport and access to a smartphone" in SOURCE_TEXT
    assert "booking an appointment at your local municipality’s Citizen Service" in SOURCE_TEXT
    assert "bring valid identification" in SOURCE_TEXT
    assert "need to switch to MitID Business" in SOURCE_TEXT


@pytest.mark.django_db
def test_nothing_in_the_seed_goes_beyond_the_source():
    assert "Digital Post" in SOURCE_TEXT
    assert "summons from your hospital" in SOURCE_TEXT
    for option in EnrollmentOption.objects.all():
        for text in (option.summary_en, option.summary_da, option.steps_en, option.steps_da):
            assert "Digital Post" not in text, option.slug  # the source does not say so
    for milestone in Milestone.objects.all():
        assert "1 July" not in milestone.summary_en


def danish_seed_texts(audience: str) -> list[str]:
    """The seed's Danish texts for one audience: its milestones and its ways to get MitID."""
    return [
        text
        for m in Milestone.objects.filter(audience=audience)
        for text in (m.title_da, m.summary_da, m.what_to_do_da, m.date_note_da)
    ] + [
        text
        for o in EnrollmentOption.objects.filter(audience=audience)
        for text in (o.name_da, o.summary_da, o.steps_da)
    ]


@pytest.mark.django_db
def test_the_danish_seed_reads_as_a_borger_dk_editor_writes():
    """The terms and forms of docs/glossary.md."""
    joined = "\n".join(danish_seed_texts("citizen") + danish_seed_texts("business"))
    for wrong in (
        "log-på",
        "NemID’s",
        "NemID's",
        "til erhverv",
        "selvbetjeninger",
        "Book",
        "mindre service",
        ": du",
        ": brug",
    ):
        assert wrong not in joined, wrong
    for line in joined.splitlines():
        assert ": " not in line, line


@pytest.mark.django_db
def test_the_danish_seed_says_du_to_a_person_and_i_to_a_company():
    """docs/glossary.md: "du" to citizens, "I"/"jeres" to companies, never mixed on one page."""
    words = {
        audience: set(re.findall(r"[\wæøåÆØÅ’]+", "\n".join(danish_seed_texts(audience))))
        for audience in ("citizen", "business")
    }
    assert words["citizen"] & {"I", "jer", "jeres"} == set()
    assert words["business"] & {"du", "Du", "dig", "din", "dit", "dine"} == set()
    assert "jeres" in words["business"]


@pytest.mark.django_db
def test_english_what_to_do_has_no_colon_joined_sentences():
    for milestone in Milestone.objects.all():
        for action in milestone.what_to_do_en.splitlines():
            assert ":" not in action, action


@pytest.mark.django_db
def test_a_text_staff_edited_is_kept_by_the_editorial_migration():
    from importlib import import_module

    editorial = import_module("guidance.migrations.0010_editorial_pass")
    later = import_module("guidance.migrations.0019_editorial_pass_2")
    closing = Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))
    closing.summary_en = "Edited by staff."
    closing.save()
    later.rewrite(django_apps(), 0)  # as 0010 left it
    editorial.rewrite(django_apps(), 0)  # back to the seed's words where unedited
    closing.refresh_from_db()
    assert closing.summary_en == "Edited by staff."
    assert closing.what_to_do_en.startswith("Use MitID to log in to digital self-services.")
    editorial.rewrite(django_apps(), 1)
    closing.refresh_from_db()
    assert closing.what_to_do_en.startswith("Use MitID to log in to online services.")


@pytest.mark.django_db
def test_a_text_staff_edited_is_kept_by_the_second_editorial_migration():
    from importlib import import_module

    editorial = import_module("guidance.migrations.0019_editorial_pass_2")
    closing = Milestone.objects.get(audience="business", date=date(2023, 10, 31))
    closing.what_to_do_da = "Redigeret af en redaktør."
    closing.save()
    tax = SelfService.objects.get(name_en="check your tax")
    editorial.rewrite(django_apps(), 0)  # back to the earlier words where unedited
    closing.refresh_from_db()
    tax.refresh_from_db()
    assert closing.what_to_do_da == "Redigeret af en redaktør."
    assert closing.summary_en.endswith("This includes NemID Employee Signature for business.")
    assert tax.name_en == "see your tax"
    editorial.rewrite(django_apps(), 1)
    closing.refresh_from_db()
    tax.refresh_from_db()
    assert closing.what_to_do_da == "Redigeret af en redaktør."
    assert closing.summary_en.endswith("This includes NemID Employee Signature.")
    assert tax.name_en == "check your tax"
    assert tax.history.latest("history_date").history_change_reason == editorial.REASON


def django_apps():
    from django.apps import apps

    return apps
