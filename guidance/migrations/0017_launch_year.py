"""Dates as precise as their source (issue 31): a milestone says whether its source gives the
day, only the month or only the year (date_precision; the seed's launch moves to the year 2010 in
migration 0018).

SQLite rebuilds the milestone table to add a column, and its triggers go with the old table: they
are put back (PostgreSQL keeps them; they are dropped and made again the same).
"""

from django.db import migrations, models

from guidance.publishing import triggers as content_triggers


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
    ]
