"""Right on any day: the changes of the clock in Copenhagen, and the pages on days far ahead.

The clock drill (`make test-clock`, tools/clock_drill.py) runs the fast suite under a faked
wall clock; the tests here are about the days themselves: a scheduled change on the nights the
clocks go back and forward, and what a visitor sees on the day the answer's range has ended.
"""

import re
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from guidance.models import Milestone
from tests import clock
from tests.publishing.test_admin import milestone_form
from tests.publishing.test_publishing import closing, log_in_as_publisher
from tools.clock_drill import MISSING, faked, find_libfaketime, last_sunday
from tools.serve import (
    ROOT,
    ProxiedClient,
    add_superuser,
    free_port,
    gunicorn,
    prepare,
    production_env,
)

pytestmark = pytest.mark.django_db

# The next nights the clocks change in Copenhagen, after the run's day.
YEAR = clock.TODAY.year + 1
GO_FORWARD = last_sunday(YEAR, 3)  # 02:00 becomes 03:00: 02:30 never happens
GO_BACK = last_sunday(YEAR, 10)  # 03:00 becomes 02:00: 02:30 happens twice


def scheduled(client, day, at: str, language: str = "en"):
    """A new milestone a publisher schedules for ``at`` on ``day`` (Copenhagen time), saved now."""
    fields = milestone_form(
        closing(),
        date="2030-01-01",
        title_en="Milestone scheduled at night",
        publish_from_0=day.isoformat(),
        publish_from_1=at,
        # A new milestone citizens will see is published with a public note.
        change_kind="note",
        note_en="A new milestone.",
        note_da="En ny milepæl.",
    )
    headers = {"accept-language": language}
    return client.post("/admin/guidance/milestone/add/", fields, headers=headers)


def form_error(response) -> str:
    """The one error the refused form shows beside its field (the summary above repeats it)."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    pattern = r'<ul class="errorlist(?! error-summary)[^"]*"[^>]*>\s*<li>(.*?)</li>'
    (error,) = re.findall(pattern, html, re.S)
    return error


def shown_at(client, moment: datetime) -> bool:
    with time_machine.travel(moment, tick=False):
        html = client.get("/en/timeline/").content.decode()
    return "Milestone scheduled at night" in html


@pytest.fixture
def publisher(client):
    return log_in_as_publisher(client)


def test_a_time_the_clocks_skip_is_refused_and_the_time_that_exists_named(publisher):
    response = scheduled(publisher, GO_FORWARD, "02:30")
    day = f"{GO_FORWARD.day} March {GO_FORWARD.year}"
    assert form_error(response) == (
        f"On {day} the clocks in Denmark go forward an hour during the night, so 02:30 does "
        "not exist that day. Choose another time, for example 03:30."
    )
    danish = scheduled(publisher, GO_FORWARD, "02:30", "da")
    assert form_error(danish) == (
        f"Natten til den {GO_FORWARD.day}. marts {GO_FORWARD.year} stilles uret i Danmark en time "
        "frem, så kl. 02:30 findes ikke den dag. Vælg et andet tidspunkt, for eksempel kl. 03:30."
    )
    assert not Milestone.objects.filter(title_en="Milestone scheduled at night").exists()
    assert scheduled(publisher, GO_FORWARD, "03:30").status_code == 302


def test_the_admin_says_what_a_time_that_happens_twice_means(publisher):
    html = publisher.get("/admin/guidance/milestone/add/").content.decode()
    assert (
        "On the night the clocks go back, a time from 02:00 to 02:59 means the first one "
        "(summer time)."
    ) in html


def test_a_change_scheduled_in_the_hour_that_happens_twice_goes_live_once(client, publisher):
    assert scheduled(publisher, GO_BACK, "02:30").status_code == 302
    row = Milestone.objects.get(title_en="Milestone scheduled at night")
    first = datetime.combine(GO_BACK, time(0, 30), tzinfo=UTC)  # 02:30 summer time
    assert row.publish_from == first
    client.logout()
    second = first + timedelta(hours=1)  # 02:30 again, winter time: still live, not again
    assert not shown_at(client, first - timedelta(minutes=1))
    assert shown_at(client, first)
    assert shown_at(client, second - timedelta(minutes=1))
    assert shown_at(client, second)
    assert shown_at(client, second + timedelta(hours=1))


# --- the service on days far ahead, black-box: gunicorn under a faked clock ----------------------

SITE = "eid.example.dk"
STAFF_PASSWORD = "any-day-staff-password-24"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A database migrated and seeded today, as a deployment is, with one member of staff."""
    folder = tmp_path_factory.mktemp("any-day")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        ALLOWED_HOSTS=SITE,
        # The official links lead nowhere: a proxy on a closed loopback port refuses at once.
        http_proxy=f"http://127.0.0.1:{free_port()}",
        https_proxy=f"http://127.0.0.1:{free_port()}",
        no_proxy="",
    )
    prepare(env)
    add_superuser(env, "staff", STAFF_PASSWORD)
    return env


def faked_env(env: dict, moment: datetime) -> dict:
    library = find_libfaketime()
    if library is None:
        pytest.fail(MISSING)
    return faked(moment, library, env)


def staff_on(url: str) -> ProxiedClient:
    staff = ProxiedClient(url, host=SITE)
    staff.log_in("staff", STAFF_PASSWORD)
    return staff


# Noon in Copenhagen, and the day as each language writes it. 2101-01-01 is the day after the
# answer's range ends: "today" is past every date the form accepts.
FAR_DAYS = {
    "2101-01-01": (datetime(2101, 1, 1, 12), "1 January 2101", "1. januar 2101"),
    "2099-12-31": (datetime(2099, 12, 31, 12), "31 December 2099", "31. december 2099"),
}


@pytest.mark.slow
@pytest.mark.parametrize("day", FAR_DAYS)
def test_the_service_answers_for_today_years_ahead(seeded, day):
    noon, english, danish = FAR_DAYS[day]
    moment = noon.replace(tzinfo=clock.COPENHAGEN)
    with gunicorn(faked_env(seeded, moment)) as server:
        public = ProxiedClient(server.url, host=SITE)
        answer = public.request("GET", "/en/")
        assert answer.status_code == 200
        assert f"NemID today, {english}" in answer.text
        assert 'data-nemid-status="closed"' in answer.text
        assert "Then it must switch to MitID Business." in answer.text
        dansk = public.request("GET", "/da/")
        assert dansk.status_code == 200
        assert f"NemID i dag, den {danish}" in dansk.text
        status = public.request("GET", "/api/v1/status")
        assert status.status_code == 200
        body = status.json()
        assert (body["date"], body["is_today"], body["nemid"]["status"]) == (day, True, "closed")
        assert public.request("GET", "/en/timeline/").status_code == 200
        calendar = public.request("GET", "/milestones.ics")
        assert calendar.status_code == 200
        assert (
            calendar.text.count("BEGIN:VEVENT") == 3
        )  # the citizens' milestones with a day (not the launch, "in 2010")
        # A date past the range, asked for by name, is refused with the range, not a 500.
        past = public.request("GET", "/en/", params={"date": "2101-01-02"})
        assert past.status_code == 400
        assert "Choose a date from 1 January 1900 to 31 December 2100." in past.text
        # The seed's "review by" day (a year after it was written) has long passed.
        staff = staff_on(server.url)
        due = staff.request("GET", "/admin/review-due/")
        assert due.status_code == 200
        assert "Overdue by" in due.text
        assert "No row is overdue" not in due.text
    output = subprocess.run(
        [sys.executable, "manage.py", "check_content", "--timeout", "2"],
        cwd=ROOT,
        env=faked_env(seeded, moment),
        capture_output=True,
        text=True,
        check=False,
    )
    assert output.returncode == 1, output.stderr
    assert "OVERDUE" in output.stdout


# --- no year written into what citizens read, but the source's own --------------------------------

YEAR = re.compile(r"\b(?:19|20|21)\d\d\b")
SOURCE = ROOT / "tests/sources/nemid-closed-from-31-october-2023.txt"


def citizen_texts() -> list[tuple[str, str]]:
    """(where, text) of everything written for citizens by hand: the public templates, every
    translatable message (code and templates, from the Danish catalogue's msgids) and the seed's
    text in both languages in the migrations."""
    import ast

    texts = [
        (str(path.relative_to(ROOT)), path.read_text())
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if "admin" not in path.relative_to(ROOT / "templates").parts
    ]
    catalogue = (ROOT / "locale/da/LC_MESSAGES/django.po").read_text()
    for msgid in re.findall(r'^msgid ((?:".*"\n)+)', catalogue, re.M):
        texts.append(("the messages", "".join(re.findall(r'"(.*)"', msgid))))
    for path in sorted((ROOT / "guidance/migrations").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            pairs = []
            if isinstance(node, ast.Dict):
                pairs = zip(node.keys, node.values, strict=True)
            elif isinstance(node, ast.Call):
                pairs = ((ast.Constant(k.arg), k.value) for k in node.keywords if k.arg)
            for key, value in pairs:
                name = key.value if isinstance(key, ast.Constant) else None
                if isinstance(name, str) and name.endswith(("_en", "_da")):
                    for part in ast.walk(value):
                        if isinstance(part, ast.Constant) and isinstance(part.value, str):
                            texts.append((path.name, part.value))
    return texts


def test_no_year_is_written_into_citizen_text_but_the_sources_own():
    """A year written by hand (a copyright line, "tested in 2026", an example date in a hint)
    reads wrong once the calendar passes it. The source's own dates (NemID's milestones) stay
    true: those may be written; a day that changes (today, the last review, the last test of
    accessibility) comes from the clock, the database or a setting."""
    allowed = set(YEAR.findall(SOURCE.read_text()))
    assert allowed == {"2010", "2022", "2023", "2024"}
    texts = citizen_texts()
    assert len(texts) > 300
    written = {(where, year) for where, text in texts for year in YEAR.findall(text)}
    assert {year for _where, year in written} - allowed == set(), sorted(written)
