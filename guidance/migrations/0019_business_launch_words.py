"""The business launch says what the source says of companies (issue 31): NemID has been their
secure login to public and private digital self-services since its launch in 2010. It said
"Companies can use NemID to log in securely...", which every business answer up to NemID's
closing repeated as true on the day asked, though the source says the service of NemID has been
limited since 30 June 2023 and nothing of companies' use on a given day. Rewritten where staff
have not changed it, with a history entry; reversing restores the old words the same way.
"""

from django.db import migrations
from django.utils import timezone

OLD = {
    "summary_en": (
        "Companies can use NemID to log in securely to public and private online services."
    ),
    "summary_da": (
        "Din virksomhed kan bruge NemID som sikkert login til offentlige og private "
        "selvbetjeninger på nettet."
    ),
}
NEW = {
    "summary_en": (
        "Since its launch in 2010, NemID has been the secure login for companies to public and "
        "private digital self-services."
    ),
    "summary_da": (
        "Siden 2010 har NemID været virksomhedernes sikre login til offentlige og private "
        "selvbetjeninger på nettet."
    ),
}
REASON = "The business launch in the source's words (migration 0019)"


def rewrite(apps, old: dict, new: dict) -> None:
    Milestone = apps.get_model("guidance", "Milestone")
    Historical = apps.get_model("guidance", "HistoricalMilestone")
    fields = [f.attname for f in Milestone._meta.concrete_fields]
    for row in Milestone.objects.filter(audience="business", status="active", **old):
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
    rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0018_launch_year_data")]

    operations = [migrations.RunPython(forwards, backwards)]
