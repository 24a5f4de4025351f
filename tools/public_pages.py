"""Every public page eID guide serves, for the checks that must pass on all of them (valid HTML,
readability, language): each language, both audiences, before launch, the day before, of and
after every milestone of the seed, today, and the pages beside the answer."""

from datetime import date, timedelta

LANGUAGES = ("en", "da")
AUDIENCES = ("citizen", "business")
BEFORE_LAUNCH = date(1999, 12, 31)
# The seed's milestones: the launch year's first and last day (the source gives only 2010), then
# each day the source names.
SEED_MILESTONE_DAYS = [
    date(2010, 1, 1),
    date(2010, 12, 31),
    date(2022, 10, 30),
    date(2023, 6, 30),
    date(2023, 10, 31),
]


def dates_to_check(milestone_days: list[date]) -> list[date]:
    """Before launch, and the day before, of and after every milestone."""
    days = {BEFORE_LAUNCH}
    for day in milestone_days:
        days.update({day - timedelta(days=1), day, day + timedelta(days=1)})
    return sorted(days)


def advice_paths(language: str, milestone_days: list[date]) -> list[tuple[str, str]]:
    """(path, audience) of the advice page for every date to check, and for today."""
    paths = []
    for audience in AUDIENCES:
        query = "" if audience == "citizen" else "&audience=business"
        paths.append((f"/{language}/" + (f"?{query[1:]}" if query else ""), audience))
        for day in dates_to_check(milestone_days):
            paths.append((f"/{language}/?date={day.isoformat()}{query}", audience))
    return paths


def other_paths(language: str) -> list[str]:
    """The public pages beside the answers, and the answer pages for a visitor's situation and
    for a wrong date (400) and a missing page (404)."""
    return [
        f"/{language}/?date=2024-01-01&passport=no&smartphone=no",
        f"/{language}/timeline/",
        f"/{language}/timeline/?audience=business&date=2023-07-01",
        f"/{language}/accessibility/",
        f"/{language}/about/",
        f"/{language}/api/",
        f"/{language}/updates/",
        f"/{language}/share/",
        f"/{language}/share/?date=2023-10-31&audience=business",
        f"/{language}/embed/",
        f"/{language}/embed/?date=2015-06-01&audience=business",
        f"/{language}/embed/?date=31-02-2023",
        f"/{language}/?date=31-02-2023",
        f"/{language}/no-such-page/",
    ]


def public_paths(milestone_days: list[date]) -> list[str]:
    """Every public page to check, in both languages."""
    return [
        path
        for language in LANGUAGES
        for path in [p for p, _audience in advice_paths(language, milestone_days)]
        + other_paths(language)
    ]
