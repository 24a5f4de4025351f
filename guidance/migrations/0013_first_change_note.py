"""The first public change note: the guide's first publication, so that every answer page can say
"Last updated" from the start and the updates page and feeds are never empty.

Its moment is the guide's first release (the first commit, 24 November 2026, 21:25 UTC); it says
only that, no invented change."""

from datetime import UTC, datetime

from django.db import migrations

FIRST_PUBLISHED = datetime(2026, 11, 24, 21, 25, tzinfo=UTC)
NOTE_EN = "First published."
NOTE_DA = "Første udgave."


def add_first_note(apps, schema_editor):
    ChangeNote = apps.get_model("guidance", "ChangeNote")
    if ChangeNote.objects.filter(note_en=NOTE_EN).exists():
        return
    note = ChangeNote.objects.create(published_at=FIRST_PUBLISHED, note_en=NOTE_EN, note_da=NOTE_DA)
    # created_at is set on insert (auto_now_add); the note was written for that day.
    ChangeNote.objects.filter(pk=note.pk).update(created_at=FIRST_PUBLISHED)


def remove_first_note(apps, schema_editor):
    apps.get_model("guidance", "ChangeNote").objects.filter(
        note_en=NOTE_EN, published_at=FIRST_PUBLISHED
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("guidance", "0012_publishers_group")]

    operations = [migrations.RunPython(add_first_note, remove_first_note)]
