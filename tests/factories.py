"""Small factories for domain tests: rows made for the test, independent of the seed.

Each returns a saved row with plain defaults; pass only what the test is about. Texts say which
row they are, so a failing assertion reads well. A Danish text left as ``""`` stays empty, which
is how the English fallback is tested.
"""

from datetime import date
from itertools import count

from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService

_serial = count(1)


def milestone(day: date, status: str, audience: str = "citizen", **fields) -> Milestone:
    """A published milestone: from ``day`` on, NemID has ``status`` for ``audience``."""
    label = f"{audience} {status} {day.isoformat()}"
    defaults = {
        "title_en": f"Title {label}",
        "title_da": f"Titel {label}",
        "summary_en": f"Summary {label}.",
        "summary_da": f"Resumé {label}.",
        "what_to_do_en": f"Action {label}.",
        "what_to_do_da": f"Handling {label}.",
    }
    return Milestone.objects.create(
        date=day, status=status, audience=audience, **{**defaults, **fields}
    )


def requirement(situation: str = "", **fields) -> Requirement:
    """Something a way to get MitID needs, optionally tied to a situation question."""
    serial = next(_serial)
    defaults = {
        "slug": f"requirement-{serial}",
        "name_en": f"Requirement {serial}",
        "name_da": f"Krav {serial}",
    }
    return Requirement.objects.create(situation=situation, **{**defaults, **fields})


def option(
    audience: str = "citizen", requirements: tuple[Requirement, ...] = (), **fields
) -> EnrollmentOption:
    """A published way to get MitID, open on every date unless a window is given."""
    serial = next(_serial)
    defaults = {
        "slug": f"way-{serial}",
        "name_en": f"Way {serial}",
        "name_da": f"Måde {serial}",
        "summary_en": f"Summary of way {serial}.",
        "summary_da": f"Resumé af måde {serial}.",
        "order": serial,
    }
    created = EnrollmentOption.objects.create(audience=audience, **{**defaults, **fields})
    created.requirements.set(requirements)
    return created


def self_service(**fields) -> SelfService:
    """A public self-service that needs MitID."""
    serial = next(_serial)
    defaults = {"name_en": f"self-service {serial}", "name_da": f"selvbetjening {serial}"}
    return SelfService.objects.create(**{**defaults, **fields})
