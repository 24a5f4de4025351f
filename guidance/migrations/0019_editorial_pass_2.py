"""A second editorial pass over the seed texts: one term for one thing, and Danish as a borger.dk
editor writes it (docs/glossary.md holds the terms and the rules).

- "self-service" in both languages, as the source says it: "digital self-services" in English
  (not "online services"), "digitale selvbetjeningsløsninger" in Danish (not "selvbetjeninger");
- NemID's limited service: "NemID får begrænset service" (not "Der er mindre service på NemID");
- "Bestil tid" (not "Book en tid");
- "du" to a person, "I"/"jeres" to a company: the business texts say "jeres" (they said "din");
- "NemID Employee Signature", without "for business";
- two self-services said as the source means them: "check your tax", "move abroad" (the Danish
  "flytte fra Danmark"; "leave Denmark" read as a trip).

Facts are unchanged and still come only from the official page "NemID is closed from
31 October 2023" (Agency for Digital Government, last updated 16 April 2024).

As in migration 0010: a text is replaced only while it still reads as migrations 0010 and 0018
left it, so a text staff have edited is kept; each changed row gets a history entry, so staff
see the edit and can revert it; reversing restores the earlier wording the same way.
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

LAUNCH = date(2010, 1, 1)  # the launch "in 2010", as migration 0018 stores it

# (audience, date) -> {field: (earlier text, new text)}
MILESTONES = {
    ("citizen", LAUNCH): {
        "summary_en": (
            "You can use NemID to log in securely to public and private online services. "
            "This includes online banking and online shopping.",
            "You can use NemID to log in securely to public and private digital self-services. "
            "This includes online banking and online shopping.",
        ),
        "summary_da": (
            "Du kan bruge NemID som sikkert login til offentlige og private selvbetjeninger "
            "på nettet. Det gælder også netbank og nethandel.",
            "Du kan bruge NemID som sikkert login til offentlige og private digitale "
            "selvbetjeningsløsninger. Det gælder også netbank og nethandel.",
        ),
    },
    ("citizen", date(2022, 10, 30)): {
        "summary_en": (
            "You can still use NemID for public services online. But you can no longer use it "
            "for online banking or online shopping.",
            "You can still use NemID for public self-services. But you can no longer use it "
            "for online banking or online shopping.",
        ),
    },
    ("citizen", date(2023, 6, 30)): {
        "title_da": ("Der er mindre service på NemID", "NemID får begrænset service"),
        "summary_en": (
            "You can still use NemID for public services online, but not for online banking "
            "or shopping. The service is limited. Citizen Service can no longer issue new "
            "NemIDs or help you by phone.",
            "You can still use NemID for public self-services, but not for online banking "
            "or shopping. NemID’s service is limited. Citizen Service can no longer issue new "
            "NemIDs or help you by phone.",
        ),
        "summary_da": (
            "Du kan stadig bruge NemID til offentlig selvbetjening, men ikke til netbank og "
            "nethandel. Der er mindre service. Borgerservice kan ikke længere udstede nye "
            "NemID’er. De kan heller ikke hjælpe dig over telefonen.",
            "Du kan stadig bruge NemID til offentlig selvbetjening, men ikke til netbank og "
            "nethandel. NemID har fået begrænset service. Borgerservice kan ikke længere "
            "udstede nye NemID’er eller hjælpe dig over telefonen.",
        ),
    },
    ("citizen", date(2023, 10, 31)): {
        "what_to_do_en": (
            "Use MitID to log in to online services.\n"
            "Throw away your NemID key card. It can no longer be used.\n"
            "Delete the NemID key app from your phone or tablet. It does not go away by itself.",
            "Use MitID to log in to digital self-services.\n"
            "Throw away your NemID key card. It can no longer be used.\n"
            "Delete the NemID key app from your phone or tablet. It does not go away by itself.",
        ),
        "what_to_do_da": (
            "Brug MitID, når du logger på selvbetjeninger.\n"
            "Smid dit NemID-nøglekort ud. Det kan ikke bruges mere.\n"
            "Slet selv NemID-nøgleappen på din telefon eller tablet. Den forsvinder ikke af sig "
            "selv.",
            "Brug MitID, når du logger på digitale selvbetjeningsløsninger.\n"
            "Smid dit NemID-nøglekort ud. Det kan ikke bruges mere.\n"
            "Slet selv NemID-nøgleappen på din telefon eller tablet. Den forsvinder ikke af sig "
            "selv.",
        ),
    },
    ("business", LAUNCH): {
        "summary_da": (
            "Siden 2010 har NemID været virksomhedernes sikre login til offentlige og private "
            "selvbetjeninger på nettet.",
            "Siden 2010 har NemID været virksomhedernes sikre login til offentlige og private "
            "digitale selvbetjeningsløsninger.",
        ),
    },
    ("business", date(2023, 10, 31)): {
        "summary_en": (
            "NemID is closed and can no longer be used. This includes NemID Employee Signature "
            "for business.",
            "NemID is closed and can no longer be used. This includes NemID Employee Signature.",
        ),
        "summary_da": (
            "NemID er lukket og kan ikke bruges mere. Det gælder også NemID medarbejdersignatur.",
            "NemID er lukket og kan ikke længere bruges. Det gælder også NemID "
            "medarbejdersignatur.",
        ),
        "what_to_do_en": (
            "Switch to MitID Business.\nThrow away your NemID key cards. They no longer work.",
            "Switch to MitID Business.\n"
            "Throw away your NemID key cards. They can no longer be used.",
        ),
        "what_to_do_da": (
            "Skift til MitID Erhverv.\nSmid dine NemID-nøglekort ud. De virker ikke mere.",
            "Skift til MitID Erhverv.\nSmid jeres NemID-nøglekort ud. De kan ikke bruges mere.",
        ),
    },
}

# slug -> {field: (earlier text, new text)}
OPTIONS = {
    "citizen-service": {
        "summary_da": (
            "Book en tid hos Borgerservice i din kommune. Søg om MitID der.",
            "Bestil tid hos Borgerservice i din kommune. Søg om MitID der.",
        ),
        "steps_da": (
            "Book en tid hos Borgerservice i din kommune.\n"
            "Tag gyldig legitimation med. Du skal have den for at få MitID.\n"
            "Søg om MitID, når du er der.",
            "Bestil tid hos Borgerservice i din kommune.\n"
            "Tag gyldig legitimation med. Du skal have den for at få MitID.\n"
            "Søg om MitID, når du er der.",
        ),
    },
    "mitid-business": {
        "summary_da": (
            "Bruger din virksomhed NemID medarbejdersignatur? Så skal den skifte til MitID "
            "Erhverv. Det gælder også myndigheder og organisationer.",
            "Bruger jeres virksomhed NemID medarbejdersignatur? Så skal I skifte til MitID "
            "Erhverv. Det gælder også myndigheder og organisationer.",
        ),
    },
}

# self-service, by its English name then (direction 1) or now (direction 0) -> {field: (...)}
SELF_SERVICES = {
    "see your tax": {"name_en": ("see your tax", "check your tax")},
    "leave Denmark": {"name_en": ("leave Denmark", "move abroad")},
}


REASON = "Editorial pass 2: one term for one thing, Danish as borger.dk writes (migration 0019)"


def record_history(apps, name: str, row) -> None:
    """A history entry for the row as it now stands, as an admin save would leave."""
    model = apps.get_model("guidance", name)
    historical = apps.get_model("guidance", f"Historical{name}")
    fields = [f.attname for f in model._meta.concrete_fields]
    entry = historical.objects.create(
        **{field: getattr(row, field) for field in fields},
        history_date=timezone.now(),
        history_type="~",
        history_change_reason=REASON,
    )
    if name == "EnrollmentOption":
        links = apps.get_model("guidance", "HistoricalEnrollmentOption_requirements")
        for link in model.requirements.through.objects.filter(enrollmentoption=row):
            links.objects.create(
                id=link.id,
                history_id=entry.pk,
                enrollmentoption_id=link.enrollmentoption_id,
                requirement_id=link.requirement_id,
            )


def rewrite(apps, direction: int) -> None:
    """Replace each earlier text (direction 1) or restore it (direction 0), where unedited."""
    Milestone = apps.get_model("guidance", "Milestone")
    EnrollmentOption = apps.get_model("guidance", "EnrollmentOption")
    SelfService = apps.get_model("guidance", "SelfService")
    tables = [
        (Milestone, MILESTONES, lambda key, fields: {"audience": key[0], "date": key[1]}),
        (EnrollmentOption, OPTIONS, lambda key, fields: {"slug": key}),
        # The English name is the natural key, and it changes: look it up as it stands.
        (
            SelfService,
            SELF_SERVICES,
            lambda key, fields: {"name_en": fields["name_en"][1 - direction]},
        ),
    ]
    for model, texts, lookup in tables:
        model_name = model.__name__
        for key, fields in texts.items():
            for row in model.objects.filter(**lookup(key, fields)):
                changed = False
                for name, versions in fields.items():
                    if getattr(row, name) == versions[1 - direction]:
                        setattr(row, name, versions[direction])
                        changed = True
                if changed:
                    row.save()
                    record_history(apps, model_name, row)


def forwards(apps, schema_editor):
    rewrite(apps, 1)


def backwards(apps, schema_editor):
    rewrite(apps, 0)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0018_launch_year_data")]

    operations = [migrations.RunPython(forwards, backwards)]
