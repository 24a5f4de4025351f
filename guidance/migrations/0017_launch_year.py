"""Dates as precise as their source (issue 31): a milestone says whether its source gives the
day, only the month or only the year. The source says NemID "was launched in 2010"; the seed had
1 July 2010 with a note that the day was a guess. The launch is now the year 2010 for both
audiences (stored as its first day), where staff have not changed it, with a history entry each.

SQLite rebuilds the milestone table to add a column, and its triggers go with the old table: they
are put back (PostgreSQL keeps them; they are dropped and made again the same).
"""

from datetime import date

from django.db import migrations, models
from django.utils import timezone

from guidance.publishing import triggers as content_triggers

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
REASON = "The launch as precise as the source: 2010 (migration 0017)"


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


def reinstall_triggers(apps, schema_editor):
    content_triggers.uninstall(schema_editor, ["guidance_milestone"])
    content_triggers.install(schema_editor, ["guidance_milestone"])


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0016_drafts"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmilestone",
            name="date_precision",
            field=models.CharField(
                choices=[
                    ("day", "the day"),
                    ("month", "the month only"),
                    ("year", "the year only"),
                ],
                default="day",
                help_text="When the source gives only the year or the month, enter its first day (1 January 2010 for “in 2010”): the site then says “in 2010” and never guesses the day.",
                max_length=8,
                verbose_name="the source gives",
            ),
        ),
        migrations.AddField(
            model_name="milestone",
            name="date_precision",
            field=models.CharField(
                choices=[
                    ("day", "the day"),
                    ("month", "the month only"),
                    ("year", "the year only"),
                ],
                default="day",
                help_text="When the source gives only the year or the month, enter its first day (1 January 2010 for “in 2010”): the site then says “in 2010” and never guesses the day.",
                max_length=8,
                verbose_name="the source gives",
            ),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
