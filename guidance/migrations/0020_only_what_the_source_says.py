"""Only what the source says, found by an independent reading of every page after migration 0019:

- from 30 October 2022 the source says only that citizens cannot use NemID for online banking or
  online shopping; the answer said they could still use it "for public self-services", narrower
  than the source ("digital self-services", public and private);
- "Use MitID for online banking and online shopping" is not in the source: the answers for
  30 October 2022 and 30 June 2023 keep what it does say (get MitID; no new NemIDs);
- the closed answer said "can no longer be used" twice: once is what the source says;
- the companies' key cards: "Kortene kan ikke bruges mere" (a bare "De" reads as the polite
  "you").

The facts come only from the official page "NemID is closed from 31 October 2023" (Agency for
Digital Government, last updated 16 April 2024). As in migrations 0010 and 0019, a text is
replaced only while it reads as 0019 left it (staff edits are kept), each changed row gets a
history entry, and reversing restores the earlier wording the same way.
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

# (audience, date) -> {field: (earlier text, new text)}
MILESTONES = {
    ("citizen", date(2022, 10, 30)): {
        "summary_en": (
            "You can still use NemID for public self-services. But you can no longer use it "
            "for online banking or online shopping.",
            "You can still use NemID for digital self-services, but not for online banking or "
            "online shopping.",
        ),
        "summary_da": (
            "Du kan stadig bruge NemID til offentlig selvbetjening. Men du kan ikke længere "
            "bruge det til netbank eller nethandel.",
            "Du kan stadig bruge NemID til digitale selvbetjeningsløsninger, men ikke til "
            "netbank eller nethandel.",
        ),
        "what_to_do_en": (
            "Use MitID for online banking and online shopping.\n"
            "Get MitID if you do not have it yet. NemID is being phased out.",
            "Get MitID if you do not have it yet. NemID is being phased out.",
        ),
        "what_to_do_da": (
            "Brug MitID til netbank og nethandel.\n"
            "Få MitID, hvis du ikke har det endnu. NemID bliver udfaset.",
            "Få MitID, hvis du ikke har det endnu. NemID bliver udfaset.",
        ),
    },
    ("citizen", date(2023, 6, 30)): {
        "summary_en": (
            "You can still use NemID for public self-services, but not for online banking "
            "or shopping. NemID’s service is limited. Citizen Service can no longer issue new "
            "NemIDs or help you by phone.",
            "You can still use NemID for digital self-services, but not for online banking "
            "or shopping. NemID’s service is limited. Citizen Service can no longer issue new "
            "NemIDs or help you by phone.",
        ),
        "summary_da": (
            "Du kan stadig bruge NemID til offentlig selvbetjening, men ikke til netbank og "
            "nethandel. NemID har fået begrænset service. Borgerservice kan ikke længere "
            "udstede nye NemID’er eller hjælpe dig over telefonen.",
            "Du kan stadig bruge NemID til digitale selvbetjeningsløsninger, men ikke til "
            "netbank og nethandel. NemID har fået begrænset service. Borgerservice kan ikke "
            "længere udstede nye NemID’er eller hjælpe dig over telefonen.",
        ),
        "what_to_do_en": (
            "Get MitID now. You cannot get a new NemID.\n"
            "Use MitID for online banking and online shopping.",
            "Get MitID now. You cannot get a new NemID.",
        ),
        "what_to_do_da": (
            "Få MitID nu. Du kan ikke få et nyt NemID.\nBrug MitID til netbank og nethandel.",
            "Få MitID nu. Du kan ikke få et nyt NemID.",
        ),
    },
    ("citizen", date(2023, 10, 31)): {
        "summary_en": (
            "NemID is closed and can no longer be used. You cannot get NemID or use it. "
            "Use MitID instead.",
            "NemID is closed and can no longer be used. Use MitID instead.",
        ),
        "summary_da": (
            "NemID er lukket og kan ikke længere bruges. Du kan hverken få eller bruge NemID. "
            "Brug MitID i stedet.",
            "NemID er lukket og kan ikke længere bruges. Brug MitID i stedet.",
        ),
    },
    ("business", date(2023, 10, 31)): {
        "what_to_do_da": (
            "Skift til MitID Erhverv.\nSmid jeres NemID-nøglekort ud. De kan ikke bruges mere.",
            "Skift til MitID Erhverv.\nSmid jeres NemID-nøglekort ud. Kortene kan ikke bruges mere.",
        ),
    },
}
REASON = "Only what the source says (migration 0020) / Kun det, kilden siger (migration 0020)"


def rewrite(apps, direction: int) -> None:
    """Replace each earlier text (direction 1) or restore it (direction 0), where unedited, and
    record a history entry for each changed row, as an admin save would leave."""
    Milestone = apps.get_model("guidance", "Milestone")
    HistoricalMilestone = apps.get_model("guidance", "HistoricalMilestone")
    fields = [f.attname for f in Milestone._meta.concrete_fields]
    for (audience, day), texts in MILESTONES.items():
        for row in Milestone.objects.filter(audience=audience, date=day):
            changed = False
            for name, versions in texts.items():
                if getattr(row, name) == versions[1 - direction]:
                    setattr(row, name, versions[direction])
                    changed = True
            if changed:
                row.save()
                HistoricalMilestone.objects.create(
                    **{field: getattr(row, field) for field in fields},
                    history_date=timezone.now(),
                    history_type="~",
                    history_change_reason=REASON,
                )


def forwards(apps, schema_editor):
    rewrite(apps, 1)


def backwards(apps, schema_editor):
    rewrite(apps, 0)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0019_editorial_pass_2")]

    operations = [migrations.RunPython(forwards, backwards)]
