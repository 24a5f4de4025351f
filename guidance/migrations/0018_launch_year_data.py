"""The launch as precise as its source (issue 31): the source says NemID "was launched in 2010";
the seed had 1 July 2010 with a note that the day was a guess. The launch is now the year 2010
for both audiences (stored as its first day, with date_precision "year", migration 0017), where
staff have not changed it, with a history entry each. Apart from 0017's columns: PostgreSQL
refuses to change a table in the transaction that wrote rows with deferred checks, as unmigrating
both in one would.
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

SEED = {"date": date(2010, 7, 1), "date_precision": "day"}
YEAR = {"date": date(2010, 1, 1), "date_precision": "year"}
NOTES = {
    "date_note_en": (
        "The official page gives only the year, 2010. We show 1 July 2010, but the page does not "
        "give the day."
    ),
    "date_note_da": (
        "Den officielle side nævner kun året, 2010. Vi viser 1. juli 2010, men siden nævner ikke "
        "dagen."
    ),
}
YEAR_NOTES = {
    "date_note_en": "The source gives only the year. The day is not known.",
    "date_note_da": "Kilden nævner kun året. Dagen kendes ikke.",
}
REASON = "The launch as precise as the source: 2010 (migration 0018)"


def move(apps, old: dict, new: dict, notes: dict, new_notes: dict) -> None:
    """Each audience's launch from ``old`` to ``new`` where its date and notes are the seed's."""
    Milestone = apps.get_model("guidance", "Milestone")
    Historical = apps.get_model("guidance", "HistoricalMilestone")
    fields = [f.attname for f in Milestone._meta.concrete_fields]
    for row in Milestone.objects.filter(**old, **notes):
        for name, value in {**new, **new_notes}.items():
            setattr(row, name, value)
        row.save()
        Historical.objects.create(
            **{field: getattr(row, field) for field in fields},
            history_date=timezone.now(),
            history_type="~",
            history_change_reason=REASON,
        )


def forwards(apps, schema_editor):
    move(apps, SEED, YEAR, NOTES, YEAR_NOTES)


def backwards(apps, schema_editor):
    move(apps, YEAR, SEED, YEAR_NOTES, NOTES)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0017_launch_year")]

    operations = [migrations.RunPython(forwards, backwards)]
