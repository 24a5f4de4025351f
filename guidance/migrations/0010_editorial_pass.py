"""An editorial pass over the seed texts: plain English (GOV.UK style) and Danish as a borger.dk
editor writes it ("du" throughout, no colon joins, NemID medarbejdersignatur, sikkert login).

Facts are unchanged and still come only from the official page "NemID is closed from
31 October 2023" (Agency for Digital Government, last updated 16 April 2024). Two fixes of fact:
the urgent case no longer says "in Digital Post" (the source does not), and the launch note no
longer claims a day the source does not give. The urgent case is now its own line on the page.

A text is replaced only while it still reads as the seed left it: a text staff have edited is
kept. Each changed row gets a history entry, so staff see the edit and can revert it. Reversing
restores the seed's wording the same way.

The statuses "restricted" and "limited" are now named by what they mean ("Not for banking or
shopping", "No new NemIDs"), so a reader can tell them apart; the choices change with them.
"""

from datetime import date

from django.db import migrations, models
from django.utils import timezone

LAUNCH_NOTE_EN = (
    "The official page gives only the year, 2010. We show 1 July 2010, but the page does not "
    "give the day."
)
LAUNCH_NOTE_DA = (
    "Den officielle side nævner kun året, 2010. Vi viser 1. juli 2010, men siden nævner ikke dagen."
)

# (audience, date) -> {field: (seed text, new text)}
MILESTONES = {
    ("citizen", date(2010, 7, 1)): {
        "title_da": ("NemID bliver lanceret", "NemID åbner"),
        "summary_en": (
            "NemID works as the secure login to public and private digital self-services, "
            "including online banking and online shopping.",
            "You can use NemID to log in securely to public and private online services. "
            "This includes online banking and online shopping.",
        ),
        "summary_da": (
            "NemID virker som sikkert log-på til offentlige og private digitale "
            "selvbetjeninger, også netbank og nethandel.",
            "Du kan bruge NemID som sikkert login til offentlige og private selvbetjeninger "
            "på nettet. Det gælder også netbank og nethandel.",
        ),
        "date_note_en": (
            "The official source gives the year, 2010; NemID opened on 1 July 2010.",
            LAUNCH_NOTE_EN,
        ),
        "date_note_da": (
            "Den officielle kilde nævner året, 2010; NemID åbnede 1. juli 2010.",
            LAUNCH_NOTE_DA,
        ),
    },
    ("citizen", date(2022, 10, 30)): {
        "title_en": (
            "No more online banking or online shopping with NemID",
            "NemID no longer works for online banking or shopping",
        ),
        "title_da": (
            "NemID kan ikke længere bruges til netbank og nethandel",
            "NemID virker ikke længere til netbank og nethandel",
        ),
        "summary_en": (
            "NemID still works for public self-service, but no longer for online "
            "banking or online shopping.",
            "You can still use NemID for public services online. But you can no longer use it "
            "for online banking or online shopping.",
        ),
        "summary_da": (
            "NemID virker stadig til offentlig selvbetjening, men ikke længere til "
            "netbank eller nethandel.",
            "Du kan stadig bruge NemID til offentlig selvbetjening. Men du kan ikke længere "
            "bruge det til netbank eller nethandel.",
        ),
        "what_to_do_en": (
            "Use MitID for online banking and online shopping.\n"
            "Get MitID if you do not have it yet: NemID is being phased out.",
            "Use MitID for online banking and online shopping.\n"
            "Get MitID if you do not have it yet. NemID is being phased out.",
        ),
        "what_to_do_da": (
            "Brug MitID til netbank og nethandel.\n"
            "Få MitID, hvis du ikke har det endnu: NemID bliver udfaset.",
            "Brug MitID til netbank og nethandel.\n"
            "Få MitID, hvis du ikke har det endnu. NemID bliver udfaset.",
        ),
    },
    ("citizen", date(2023, 6, 30)): {
        "title_da": ("Servicen for NemID er begrænset", "Der er mindre service på NemID"),
        "summary_en": (
            "NemID still works for public self-service, but its service is limited: "
            "Citizen Service can no longer issue new NemIDs or support you by phone. NemID no "
            "longer works for online banking or online shopping.",
            "You can still use NemID for public services online, but not for online banking "
            "or shopping. The service is limited. Citizen Service can no longer issue new "
            "NemIDs or help you by phone.",
        ),
        "summary_da": (
            "NemID virker stadig til offentlig selvbetjening, men servicen er "
            "begrænset: Borgerservice kan ikke længere udstede nye NemID’er eller hjælpe dig over "
            "telefonen. NemID virker ikke længere til netbank eller nethandel.",
            "Du kan stadig bruge NemID til offentlig selvbetjening, men ikke til netbank og "
            "nethandel. Der er mindre service. Borgerservice kan ikke længere udstede nye "
            "NemID’er. De kan heller ikke hjælpe dig over telefonen.",
        ),
        "what_to_do_en": (
            "Get MitID now: you cannot get a new NemID.\n"
            "Use MitID for online banking and online shopping.",
            "Get MitID now. You cannot get a new NemID.\n"
            "Use MitID for online banking and online shopping.",
        ),
        "what_to_do_da": (
            "Få MitID nu: du kan ikke få et nyt NemID.\nBrug MitID til netbank og nethandel.",
            "Få MitID nu. Du kan ikke få et nyt NemID.\nBrug MitID til netbank og nethandel.",
        ),
    },
    ("citizen", date(2023, 10, 31)): {
        "summary_en": (
            "NemID is closed and can no longer be used. You cannot get or use NemID: use MitID.",
            "NemID is closed and can no longer be used. You cannot get NemID or use it. "
            "Use MitID instead.",
        ),
        "summary_da": (
            "NemID er lukket og kan ikke længere bruges. Du kan hverken få eller bruge "
            "NemID: brug MitID.",
            "NemID er lukket og kan ikke længere bruges. Du kan hverken få eller bruge NemID. "
            "Brug MitID i stedet.",
        ),
        "what_to_do_en": (
            "Use MitID to log in to digital self-services.\n"
            "Dispose of your NemID key card: it can no longer be used.\n"
            "Delete the NemID key app from your phone or tablet yourself: it does not uninstall "
            "automatically.",
            "Use MitID to log in to online services.\n"
            "Throw away your NemID key card. It can no longer be used.\n"
            "Delete the NemID key app from your phone or tablet. It does not go away by itself.",
        ),
        "what_to_do_da": (
            "Brug MitID til at logge på digitale selvbetjeninger.\n"
            "Smid dit NemID-nøglekort ud: det kan ikke længere bruges.\n"
            "Slet selv NemID nøgleapp fra din telefon eller tablet: den bliver ikke afinstalleret "
            "automatisk.",
            "Brug MitID, når du logger på selvbetjeninger.\n"
            "Smid dit NemID-nøglekort ud. Det kan ikke bruges mere.\n"
            "Slet selv NemID-nøgleappen på din telefon eller tablet. Den forsvinder ikke af sig "
            "selv.",
        ),
    },
    ("business", date(2010, 7, 1)): {
        "title_da": ("NemID bliver lanceret", "NemID åbner"),
        "summary_en": (
            "NemID works as companies’ secure login to public and private digital self-services.",
            "Companies can use NemID to log in securely to public and private online services.",
        ),
        "summary_da": (
            "NemID virker som virksomheders sikre log-på til offentlige og private "
            "digitale selvbetjeninger.",
            "Din virksomhed kan bruge NemID som sikkert login til offentlige og private "
            "selvbetjeninger på nettet.",
        ),
        "date_note_en": (
            "The official source gives the year, 2010; NemID opened on 1 July 2010.",
            LAUNCH_NOTE_EN,
        ),
        "date_note_da": (
            "Den officielle kilde nævner året, 2010; NemID åbnede 1. juli 2010.",
            LAUNCH_NOTE_DA,
        ),
    },
    ("business", date(2023, 10, 31)): {
        "title_en": ("NemID closes: switch to MitID Business", "NemID closes for businesses"),
        "title_da": ("NemID lukker: skift til MitID Erhverv", "NemID lukker for virksomheder"),
        "summary_en": (
            "NemID is closed and can no longer be used, also not NemID for business "
            "(Employee Signature).",
            "NemID is closed and can no longer be used. This includes NemID Employee Signature "
            "for business.",
        ),
        "summary_da": (
            "NemID er lukket og kan ikke længere bruges, heller ikke NemID til erhverv "
            "(medarbejdersignatur).",
            "NemID er lukket og kan ikke bruges mere. Det gælder også NemID medarbejdersignatur.",
        ),
        "what_to_do_en": (
            "Switch to MitID Business: every company, authority and organisation "
            "that used NemID for business (Employee Signature) needs it.\n"
            "Dispose of NemID key cards: they can no longer be used.",
            "Switch to MitID Business.\nThrow away your NemID key cards. They no longer work.",
        ),
        "what_to_do_da": (
            "Skift til MitID Erhverv: alle virksomheder, myndigheder og "
            "organisationer, der brugte NemID til erhverv (medarbejdersignatur), skal bruge det.\n"
            "Smid NemID-nøglekort ud: de kan ikke længere bruges.",
            "Skift til MitID Erhverv.\nSmid dine NemID-nøglekort ud. De virker ikke mere.",
        ),
    },
}

# slug -> {field: (seed text, new text)}
OPTIONS = {
    "mitid-app": {
        "steps_da": (
            "Installer MitID-appen på din smartphone.\nScan dit danske pas i appen.",
            "Hent MitID-appen på din smartphone.\nScan dit danske pas i appen.",
        ),
    },
    "citizen-service": {
        "summary_en": (
            "Book an appointment at your local municipality’s Citizen Service and "
            "apply for MitID there. This is also the way when it is urgent: if you do not have "
            "MitID and, for instance, have received a summons from your hospital in Digital Post "
            "that you need to read at once, contact Citizen Service and apply for MitID.",
            "Book an appointment at Citizen Service in your municipality. Apply for MitID there.",
        ),
        "summary_da": (
            "Book en tid hos Borgerservice i din kommune, og søg om MitID der. Det er "
            "også vejen, når det haster: hvis du ikke har MitID og for eksempel har fået en "
            "indkaldelse fra hospitalet i Digital Post, som du skal læse med det samme, så kontakt "
            "Borgerservice og søg om MitID.",
            "Book en tid hos Borgerservice i din kommune. Søg om MitID der.",
        ),
        "steps_en": (
            "Book an appointment at your municipality’s Citizen Service.\n"
            "Bring valid identification.\nApply for MitID at the appointment.",
            "Book an appointment at Citizen Service in your municipality.\n"
            "Bring valid identification. You need it to get MitID.\n"
            "Apply for MitID at the appointment.",
        ),
        "steps_da": (
            "Book en tid hos Borgerservice i din kommune.\n"
            "Tag gyldig legitimation med.\nSøg om MitID ved mødet.",
            "Book en tid hos Borgerservice i din kommune.\n"
            "Tag gyldig legitimation med. Du skal have den for at få MitID.\n"
            "Søg om MitID, når du er der.",
        ),
    },
    "mitid-business": {
        "summary_en": (
            "All companies, authorities and organisations that use NemID for business "
            "(Employee Signature) need to switch to MitID Business.",
            "Does your company use NemID Employee Signature? Then it must switch to MitID "
            "Business. This also applies to authorities and organisations.",
        ),
        "summary_da": (
            "Alle virksomheder, myndigheder og organisationer, der bruger NemID til "
            "erhverv (medarbejdersignatur), skal skifte til MitID Erhverv.",
            "Bruger din virksomhed NemID medarbejdersignatur? Så skal den skifte til MitID "
            "Erhverv. Det gælder også myndigheder og organisationer.",
        ),
    },
}

# self-service by its English name -> {field: (seed text, new text)}
SELF_SERVICES = {
    "apply for childcare": {
        "name_da": ("søge om pasning af dit barn", "søge om pasning til dit barn"),
    },
}


REASON = "Editorial pass: plain English and Danish (migration 0010)"


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
    """Replace each seed text (direction 1) or restore it (direction 0), where unedited."""
    Milestone = apps.get_model("guidance", "Milestone")
    EnrollmentOption = apps.get_model("guidance", "EnrollmentOption")
    SelfService = apps.get_model("guidance", "SelfService")
    tables = [
        (Milestone, MILESTONES, lambda key: {"audience": key[0], "date": key[1]}),
        (EnrollmentOption, OPTIONS, lambda key: {"slug": key}),
        (SelfService, SELF_SERVICES, lambda key: {"name_en": key}),
    ]
    for model, texts, lookup in tables:
        model_name = model.__name__
        for key, fields in texts.items():
            for row in model.objects.filter(**lookup(key)):
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
    dependencies = [("guidance", "0005_content_version")]

    operations = [
        migrations.AlterField(
            model_name=model,
            name="status",
            field=models.CharField(
                choices=[
                    ("active", "Active"),
                    ("restricted", "Not for banking or shopping"),
                    ("limited", "No new NemIDs"),
                    ("closed", "Closed"),
                ],
                max_length=16,
                verbose_name="NemID status from this date",
            ),
        )
        for model in ("historicalmilestone", "milestone")
    ] + [migrations.RunPython(forwards, backwards)]
