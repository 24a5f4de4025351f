"""The seed's launch in the source's words (issue 31), where staff have not changed it, with a
history entry for each row changed; reversing restores the seed's the same way.

- The source says NemID "was launched in 2010"; the seed had 1 July 2010 with a note that the day
  was a guess. The launch is now the year 2010 for both audiences (stored as its first day, with
  date_precision "year", migration 0017).
- The business launch said "Companies can use NemID to log in securely...", which every business
  answer up to NemID's closing repeated as true on the day asked, though the source says nothing
  of companies' use on a given day. It now says what the source says of companies.

Apart from 0017's columns: PostgreSQL refuses to change a table in the transaction that wrote
rows with deferred checks, as unmigrating both in one would.
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

YEAR = {"date": date(2010, 1, 1), "date_precision": "year"}
# (which rows, what the seed says, what the source says)
CHANGES = [
    (
        {},
        {
            "date": date(2010, 7, 1),
            "date_precision": "day",
            "date_note_en": (
                "The official page gives only the year, 2010. We show 1 July 2010, but the page "
                "does not give the day."
            ),
            "date_note_da": (
                "Den officielle side nævner kun året, 2010. Vi viser 1. juli 2010, men siden "
                "nævner ikke dagen."
            ),
        },
        {
            **YEAR,
            "date_note_en": "The source gives only the year. The day is not known.",
            "date_note_da": "Kilden nævner kun året. Dagen kendes ikke.",
        },
    ),
    (
        {"audience": "business", "status": "active"},
        {
            "summary_en": (
                "Companies can use NemID to log in securely to public and private online services."
            ),
            "summary_da": (
                "Din virksomhed kan bruge NemID som sikkert login til offentlige og private "
                "selvbetjeninger på nettet."
            ),
        },
        {
            "summary_en": (
                "Since its launch in 2010, NemID has been the secure login for companies to "
                "public and private digital self-services."
            ),
            "summary_da": (
                "Siden 2010 har NemID været virksomhedernes sikre login til offentlige og private "
                "selvbetjeninger på nettet."
            ),
        },
    ),
]
REASON = "The launch in the source's words: 2010, and what it says of companies (migration 0018)"


def rewrite(apps, changes) -> None:
    """Each change's rows from its first values to its second, where they hold the first."""
    Milestone = apps.get_model("guidance", "Milestone")
    Historical = apps.get_model("guidance", "HistoricalMilestone")
    fields = [f.attname for f in Milestone._meta.concrete_fields]
    for rows, old, new in changes:
        for row in Milestone.objects.filter(**rows, **old):
            for name, value in new.items():
                setattr(row, name, value)
            row.save()
            Historical.objects.create(
                **{field: getattr(row, field) for field in fields},
                history_date=timezone.now(),
                history_type="~",
                history_change_reason=REASON,
            )


def forwards(apps, schema_editor):
    rewrite(apps, CHANGES)


def backwards(apps, schema_editor):
    rewrite(apps, [(rows, new, old) for rows, old, new in reversed(CHANGES)])


class Migration(migrations.Migration):
    dependencies = [("guidance", "0017_launch_year")]

    operations = [migrations.RunPython(forwards, backwards)]
