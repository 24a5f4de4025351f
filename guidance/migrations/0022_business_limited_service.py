"""Companies from 30 June 2023, in the source's words (issue 31): "since 30 June 2023 the service
of NemID has been limited". The business answer said "Active" until NemID closed; it now says the
service is limited, and that companies could still use NemID until it closed. The source names
consequences for citizens only and gives no date for MitID Business before the closing, so the
row gives companies nothing more to do (rules.advice.NEW_EID_FROM).

Added with a history entry and a public note, as a publisher's save would leave; reversing removes
the three while the row is as this migration left it."""

from datetime import UTC, date, datetime

from django.db import migrations

SOURCE = "https://lifeindenmark.borger.dk/apps-and-digital-services/nemid"
ROW = {
    "audience": "business",
    "date": date(2023, 6, 30),
    "date_precision": "day",
    "status": "limited",
    "title_en": "NemID service is limited",
    "title_da": "NemID får begrænset service",
    "summary_en": "NemID’s service is limited. Your company can still use NemID until it closes.",
    "summary_da": "NemID har begrænset service. I kan stadig bruge NemID, indtil det lukker.",
    "what_to_do_en": "",
    "what_to_do_da": "",
    "source_url": SOURCE,
}
# Checked against the source when this migration was written; due again a year later.
CHECKED = {"last_reviewed_on": date(2026, 12, 8), "review_by": date(2027, 12, 8)}
# At most 100 characters (history_change_reason).
REASON = (
    "Companies from 30 June 2023 (migration 0022) / Virksomheder fra 30. juni 2023 (migration 0022)"
)
# When the change was released (as migration 0013 dates the first publication).
RELEASED = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
NOTE_EN = "The answer for businesses now says that NemID’s service was limited from 30 June 2023."
NOTE_DA = "Svaret for virksomheder siger nu, at NemID fik begrænset service fra 30. juni 2023."


def add(apps, schema_editor):
    Milestone = apps.get_model("guidance", "Milestone")
    if Milestone.objects.filter(audience="business", date=ROW["date"]).exists():
        return  # staff added the day already
    row = Milestone.objects.create(**ROW, published=True, **CHECKED)
    apps.get_model("guidance", "HistoricalMilestone").objects.create(
        **{f.attname: getattr(row, f.attname) for f in Milestone._meta.concrete_fields},
        history_date=RELEASED,
        history_type="+",
        history_change_reason=REASON,
    )
    ContentType = apps.get_model("contenttypes", "ContentType")
    note = apps.get_model("guidance", "ChangeNote").objects.create(
        published_at=RELEASED,
        note_en=NOTE_EN,
        note_da=NOTE_DA,
        content_type=ContentType.objects.get_or_create(app_label="guidance", model="milestone")[0],
        object_id=row.pk,
    )
    note._meta.model.objects.filter(pk=note.pk).update(created_at=RELEASED)  # auto_now_add


def remove(apps, schema_editor):
    rows = apps.get_model("guidance", "Milestone").objects.filter(**ROW)
    apps.get_model("guidance", "HistoricalMilestone").objects.filter(
        id__in=rows.values("pk"), history_change_reason=REASON
    ).delete()
    apps.get_model("guidance", "ChangeNote").objects.filter(note_en=NOTE_EN).delete()
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0021_limited_service"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add, remove)]
