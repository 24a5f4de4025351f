"""Give every row that has no history a first history entry, so that the state before the first
edit can always be seen and restored (the seed migration's rows were created without one)."""

from django.db import migrations
from django.utils import timezone

MODELS = ["Milestone", "Requirement", "EnrollmentOption", "SelfService"]
REASON = "Recorded as it stood when history began (seed: the official source)"


def record_initial_history(apps, schema_editor):
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("guidance", name)
        historical = apps.get_model("guidance", f"Historical{name}")
        fields = [f.attname for f in model._meta.concrete_fields]
        recorded = set(historical.objects.values_list("id", flat=True))
        for row in model.objects.exclude(pk__in=recorded):
            entry = historical.objects.create(
                **{field: getattr(row, field) for field in fields},
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
            )
            if name == "EnrollmentOption":
                historical_links = apps.get_model(
                    "guidance", "HistoricalEnrollmentOption_requirements"
                )
                for link in model.requirements.through.objects.filter(enrollmentoption=row):
                    historical_links.objects.create(
                        id=link.id,
                        history=entry,
                        enrollmentoption_id=link.enrollmentoption_id,
                        requirement_id=link.requirement_id,
                    )


class Migration(migrations.Migration):
    dependencies = [("guidance", "0003_editors_group")]

    operations = [migrations.RunPython(record_initial_history, migrations.RunPython.noop)]
