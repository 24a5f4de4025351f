"""Seed the facts of the official page "NemID is closed from 31 October 2023".

Source: Agency for Digital Government, published on lifeindenmark.borger.dk, last updated
16 April 2024. Nothing here goes beyond that text; where it does not give a day, the row says so
and staff can complete it in the admin.
"""

from datetime import date

from django.db import migrations

SOURCE = "https://lifeindenmark.borger.dk/apps-and-digital-services/nemid"

MILESTONES = [
    {
        "date": date(2010, 7, 1),
        "audience": "citizen",
        "status": "active",
        "title_en": "NemID is launched",
        "title_da": "NemID bliver lanceret",
        "summary_en": "NemID works as the secure login to public and private digital "
        "self-services, including online banking and online shopping.",
        "summary_da": "NemID virker som sikkert log-på til offentlige og private digitale "
        "selvbetjeninger, også netbank og nethandel.",
        "what_to_do_en": "",
        "what_to_do_da": "",
        "date_note_en": "The official source gives the year, 2010; NemID opened on 1 July 2010.",
        "date_note_da": "Den officielle kilde nævner året, 2010; NemID åbnede 1. juli 2010.",
    },
    {
        "date": date(2022, 10, 30),
        "audience": "citizen",
        "status": "restricted",
        "title_en": "No more online banking or online shopping with NemID",
        "title_da": "NemID kan ikke længere bruges til netbank og nethandel",
        "summary_en": "NemID still works for public self-service, but no longer for online "
        "banking or online shopping.",
        "summary_da": "NemID virker stadig til offentlig selvbetjening, men ikke længere til "
        "netbank eller nethandel.",
        "what_to_do_en": "Use MitID for online banking and online shopping.\n"
        "Get MitID if you do not have it yet: NemID is being phased out.",
        "what_to_do_da": "Brug MitID til netbank og nethandel.\n"
        "Få MitID, hvis du ikke har det endnu: NemID bliver udfaset.",
        "date_note_en": "",
        "date_note_da": "",
    },
    {
        "date": date(2023, 6, 30),
        "audience": "citizen",
        "status": "limited",
        "title_en": "NemID service is limited",
        "title_da": "Servicen for NemID er begrænset",
        "summary_en": "NemID still works for public self-service, but its service is limited: "
        "Citizen Service can no longer issue new NemIDs or support you by phone. NemID no "
        "longer works for online banking or online shopping.",
        "summary_da": "NemID virker stadig til offentlig selvbetjening, men servicen er "
        "begrænset: Borgerservice kan ikke længere udstede nye NemID’er eller hjælpe dig over "
        "telefonen. NemID virker ikke længere til netbank eller nethandel.",
        "what_to_do_en": "Get MitID now: you cannot get a new NemID.\n"
        "Use MitID for online banking and online shopping.",
        "what_to_do_da": "Få MitID nu: du kan ikke få et nyt NemID.\n"
        "Brug MitID til netbank og nethandel.",
        "date_note_en": "",
        "date_note_da": "",
    },
    {
        "date": date(2023, 10, 31),
        "audience": "citizen",
        "status": "closed",
        "title_en": "NemID closes",
        "title_da": "NemID lukker",
        "summary_en": "NemID is closed and can no longer be used. You cannot get or use NemID: "
        "use MitID.",
        "summary_da": "NemID er lukket og kan ikke længere bruges. Du kan hverken få eller bruge "
        "NemID: brug MitID.",
        "what_to_do_en": "Use MitID to log in to digital self-services.\n"
        "Dispose of your NemID key card: it can no longer be used.\n"
        "Delete the NemID key app from your phone or tablet yourself: it does not uninstall "
        "automatically.",
        "what_to_do_da": "Brug MitID til at logge på digitale selvbetjeninger.\n"
        "Smid dit NemID-nøglekort ud: det kan ikke længere bruges.\n"
        "Slet selv NemID nøgleapp fra din telefon eller tablet: den bliver ikke afinstalleret "
        "automatisk.",
        "date_note_en": "",
        "date_note_da": "",
    },
    {
        "date": date(2010, 7, 1),
        "audience": "business",
        "status": "active",
        "title_en": "NemID is launched",
        "title_da": "NemID bliver lanceret",
        "summary_en": "NemID works as companies’ secure login to public and private digital "
        "self-services.",
        "summary_da": "NemID virker som virksomheders sikre log-på til offentlige og private "
        "digitale selvbetjeninger.",
        "what_to_do_en": "",
        "what_to_do_da": "",
        "date_note_en": "The official source gives the year, 2010; NemID opened on 1 July 2010.",
        "date_note_da": "Den officielle kilde nævner året, 2010; NemID åbnede 1. juli 2010.",
    },
    {
        "date": date(2023, 10, 31),
        "audience": "business",
        "status": "closed",
        "title_en": "NemID closes: switch to MitID Business",
        "title_da": "NemID lukker: skift til MitID Erhverv",
        "summary_en": "NemID is closed and can no longer be used, also not NemID for business "
        "(Employee Signature).",
        "summary_da": "NemID er lukket og kan ikke længere bruges, heller ikke NemID til erhverv "
        "(medarbejdersignatur).",
        "what_to_do_en": "Switch to MitID Business: every company, authority and organisation "
        "that used NemID for business (Employee Signature) needs it.\n"
        "Dispose of NemID key cards: they can no longer be used.",
        "what_to_do_da": "Skift til MitID Erhverv: alle virksomheder, myndigheder og "
        "organisationer, der brugte NemID til erhverv (medarbejdersignatur), skal bruge det.\n"
        "Smid NemID-nøglekort ud: de kan ikke længere bruges.",
        "date_note_en": "",
        "date_note_da": "",
    },
]

REQUIREMENTS = [
    {
        "slug": "danish-passport",
        "situation": "passport",
        "name_en": "A Danish passport",
        "name_da": "Et dansk pas",
    },
    {
        "slug": "smartphone",
        "situation": "smartphone",
        "name_en": "A smartphone",
        "name_da": "En smartphone",
    },
    {
        "slug": "valid-id",
        "situation": "",
        "name_en": "Valid identification",
        "name_da": "Gyldig legitimation",
    },
    {
        "slug": "appointment",
        "situation": "",
        "name_en": "An appointment at Citizen Service",
        "name_da": "En tid hos Borgerservice",
    },
]

OPTIONS = [
    {
        "slug": "mitid-app",
        "audience": "citizen",
        "order": 10,
        "name_en": "The MitID app and your Danish passport",
        "name_da": "MitID-appen og dit danske pas",
        "summary_en": "Get MitID in the MitID app by scanning your Danish passport.",
        "summary_da": "Få MitID i MitID-appen ved at scanne dit danske pas.",
        "steps_en": "Install the MitID app on your smartphone.\nScan your Danish passport in "
        "the app.",
        "steps_da": "Installer MitID-appen på din smartphone.\nScan dit danske pas i appen.",
        "url": "https://www.mitid.dk/",
        "requirements": ["danish-passport", "smartphone"],
    },
    {
        "slug": "citizen-service",
        "audience": "citizen",
        "order": 20,
        "name_en": "Citizen Service (Borgerservice) in your municipality",
        "name_da": "Borgerservice i din kommune",
        "summary_en": "Book an appointment at your local municipality’s Citizen Service and "
        "apply for MitID there. This is also the way when it is urgent: if you do not have "
        "MitID and, for instance, have received a summons from your hospital in Digital Post "
        "that you need to read at once, contact Citizen Service and apply for MitID.",
        "summary_da": "Book en tid hos Borgerservice i din kommune, og søg om MitID der. Det er "
        "også vejen, når det haster: hvis du ikke har MitID og for eksempel har fået en "
        "indkaldelse fra hospitalet i Digital Post, som du skal læse med det samme, så kontakt "
        "Borgerservice og søg om MitID.",
        "steps_en": "Book an appointment at your municipality’s Citizen Service.\n"
        "Bring valid identification.\nApply for MitID at the appointment.",
        "steps_da": "Book en tid hos Borgerservice i din kommune.\n"
        "Tag gyldig legitimation med.\nSøg om MitID ved mødet.",
        "url": "https://www.borger.dk/",
        "requirements": ["valid-id", "appointment"],
    },
    {
        "slug": "mitid-business",
        "audience": "business",
        "order": 10,
        "name_en": "MitID Business",
        "name_da": "MitID Erhverv",
        "summary_en": "All companies, authorities and organisations that use NemID for business "
        "(Employee Signature) need to switch to MitID Business.",
        "summary_da": "Alle virksomheder, myndigheder og organisationer, der bruger NemID til "
        "erhverv (medarbejdersignatur), skal skifte til MitID Erhverv.",
        "steps_en": "",
        "steps_da": "",
        "url": "https://www.mitid-erhverv.dk/",
        "requirements": [],
    },
]

SELF_SERVICES = [
    ("change your address", "skifte adresse"),
    ("apply for childcare", "søge om pasning af dit barn"),
    ("see your tax", "se din skat"),
    ("choose a doctor", "vælge læge"),
    ("read your Digital Post", "læse din Digital Post"),
    ("leave Denmark", "flytte fra Danmark"),
]


def seed(apps, schema_editor):
    Milestone = apps.get_model("guidance", "Milestone")
    Requirement = apps.get_model("guidance", "Requirement")
    EnrollmentOption = apps.get_model("guidance", "EnrollmentOption")
    SelfService = apps.get_model("guidance", "SelfService")

    for fields in MILESTONES:
        Milestone.objects.create(source_url=SOURCE, **fields)
    requirements = {r["slug"]: Requirement.objects.create(**r) for r in REQUIREMENTS}
    for fields in OPTIONS:
        fields = dict(fields)
        needs = fields.pop("requirements")
        option = EnrollmentOption.objects.create(**fields)
        option.requirements.set([requirements[slug] for slug in needs])
    for order, (name_en, name_da) in enumerate(SELF_SERVICES, start=1):
        SelfService.objects.create(name_en=name_en, name_da=name_da, order=order * 10)


def unseed(apps, schema_editor):
    for name in ("Milestone", "EnrollmentOption", "Requirement", "SelfService"):
        apps.get_model("guidance", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
