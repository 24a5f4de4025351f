"""Two app instances over one PostgreSQL, nothing shared but the database: an admin edit made
through one is served by the other on its very next request. Runs when TEST_DATABASE_URL points
at a PostgreSQL server (`make test-services`, which `.ci/run` runs)."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.publishing.test_admin import MILESTONE_FIELDS
from tools.serve import ROOT, ProxiedClient, gunicorn, manage, prepare, production_env

pytestmark = pytest.mark.slow

DATABASE = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "two-instances-test-password-7"
FIELDS = [name for name in MILESTONE_FIELDS if name != "published"]


@pytest.fixture
def empty_database():
    """A fresh PostgreSQL database of its own, dropped afterwards."""
    if not DATABASE.startswith("postgres"):
        pytest.skip(
            "needs TEST_DATABASE_URL=postgres://… (as make test-services sets it) to run two "
            "instances over one database"
        )
    import psycopg

    # Named after the test database, so runs on other databases of one server do not collide.
    name = f"{urlsplit(DATABASE).path.strip('/') or 'test'}_two_instances"
    server = DATABASE.replace("postgres://", "postgresql://")
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}")
    yield urlunsplit(urlsplit(DATABASE)._replace(path=f"/{name}"))
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def shared_database(empty_database):
    """The fresh database migrated (the seed included), with a superuser."""
    url = empty_database
    env = production_env(DATABASE_URL=url)
    prepare(env)
    env_admin = {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        "--email",
        "a@example.org",
        env=env_admin,
    )
    return env, url


def test_instances_starting_together_take_turns_to_migrate(empty_database):
    env = production_env(DATABASE_URL=empty_database)
    starts = [
        subprocess.Popen(
            [sys.executable, "manage.py", "migrate_locked", "-v0"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for start in starts:
        _out, errors = start.communicate(timeout=120)
        assert start.returncode == 0, errors
    import psycopg

    with psycopg.connect(empty_database.replace("postgres://", "postgresql://")) as db:
        # The seed, once: four milestones for citizens, three for companies.
        assert db.execute("SELECT count(*) FROM guidance_milestone").fetchone() == (7,)


def test_an_admin_edit_through_one_instance_is_served_by_the_other_on_its_next_request(
    shared_database,
):
    import psycopg

    env, url = shared_database
    with gunicorn(env, workers=2) as first, gunicorn(env, workers=2) as second:
        advice = "/en/?date=2024-01-01"
        # The second instance's workers hold the content before the edit (asked two at a time,
        # both workers answer some).
        with ThreadPoolExecutor(2) as visitors:
            warm = list(
                visitors.map(lambda _: requests.get(second.url + advice, timeout=10), range(20))
            )
        before = warm[-1]
        assert all("NemID is closed and can no longer be used" in r.text for r in warm)

        staff = ProxiedClient(first.url)
        staff.log_in("admin", PASSWORD)

        with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
            row = db.execute(
                f"SELECT id, {', '.join(FIELDS)} FROM guidance_milestone "  # noqa: S608
                "WHERE audience = 'citizen' AND date = '2023-10-31'"
            ).fetchone()
        pk, values = row[0], dict(zip(FIELDS, row[1:], strict=True))
        values["date"] = values["date"].isoformat()
        change = f"/admin/guidance/milestone/{pk}/change/"
        data = {
            **values,
            "published": "on",
            "summary_en": "NemID has closed for good (edited on the first instance).",
            "csrfmiddlewaretoken": staff.csrf_token(change),
        }
        saved = staff.request("POST", change, data=data)
        assert saved.status_code == 302, saved.text[:500]

        # No cache to wait for: the very next request, and every one after it, has the edit.
        for _ in range(10):
            after = requests.get(second.url + advice, timeout=10)
            assert "NemID has closed for good (edited on the first instance)." in after.text
            assert after.headers["ETag"] != before.headers["ETag"]
