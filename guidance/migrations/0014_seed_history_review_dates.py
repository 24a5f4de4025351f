"""The history rows the migrations wrote for the seed (0004, 0010) get the seed's review dates.

Migration 0011 gave the live rows the day the seed was checked against the official pages, but
the history rows the migrations had written for them took the field's default, a year from the
day the migration ran. An editor's refusal note then named a "review by" change no one made, and
a revert to the first version would have moved the review date. Only rows still as 0011 left them
are changed."""

from datetime import date

from django.db import migrations

# As in 0004, 0010 and 0011 (a migration keeps its own copy: the others may change).
REASONS = [
    "Recorded as it stood when history began (seed: the official source)",
    "Editorial pass: plain English and Danish (migration 0010)",
]
SEED_REVIEWED_ON = date(2026, 11, 25)
SEED_REVIEW_BY = date(2027, 11, 25)
MODELS = ["Milestone", "EnrollmentOption", "Requirement", "SelfService"]


def align(apps, schema_editor):
    for name in MODELS:
        apps.get_model("guidance", f"Historical{name}").objects.filter(
            history_change_reason__in=REASONS, last_reviewed_on__isnull=True
        ).update(last_reviewed_on=SEED_REVIEWED_ON, review_by=SEED_REVIEW_BY)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0013_first_change_note")]

    operations = [migrations.RunPython(align, migrations.RunPython.noop)]
