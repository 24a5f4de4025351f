"""Black-box, in the shape a first deployment takes: one container, gunicorn with four workers,
SQLite and no shared cache. After an admin save, every next request shows the edit, whichever
worker answers it (each reads the content version on every request)."""

import sqlite3

import pytest
import requests

from tests.publishing.test_admin import MILESTONE_FIELDS
from tools.serve import ProxiedClient, add_superuser, gunicorn, prepare, production_env

pytestmark = pytest.mark.slow

HOST = "eid.example.dk"
PASSWORD = "one-read-test-password-3"
FIELDS = [name for name in MILESTONE_FIELDS if name != "published"]
STATUS = "/api/v1/status?date=2024-01-01&lang=en"


def summary(server) -> str:
    """The answer's summary, on a connection of its own (the kernel picks the worker)."""
    response = requests.get(
        server.url + STATUS,
        headers={"Host": HOST, "X-Forwarded-Proto": "https", "Connection": "close"},
        timeout=10,
    )
    assert response.status_code == 200, response.text[:300]
    return response.json()["nemid"]["summary"]


def test_after_an_admin_save_every_one_of_the_next_20_requests_shows_the_edit(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{database}", ALLOWED_HOSTS=HOST)
    prepare(env)
    add_superuser(env, "admin", PASSWORD)
    with sqlite3.connect(database) as db:
        row = db.execute(
            f"SELECT id, {', '.join(FIELDS)} FROM guidance_milestone "  # noqa: S608
            "WHERE audience = 'citizen' AND date = '2023-10-31'"
        ).fetchone()
    pk, fields = row[0], dict(zip(FIELDS, row[1:], strict=True))
    edited = "NemID is closed (saved a moment ago)."
    with gunicorn(env, workers=4) as server:
        staff = ProxiedClient(server.url, host=HOST)
        staff.log_in("admin", PASSWORD)
        change = f"/admin/guidance/milestone/{pk}/change/"
        data = {**fields, "published": "on", "summary_en": edited}
        data["csrfmiddlewaretoken"] = staff.csrf_token(change)
        # Right before the save, every worker reads the content and holds it.
        before = [summary(server) for _ in range(20)]
        assert set(before) == {fields["summary_en"]}
        saved = staff.request("POST", change, data=data)
        assert saved.status_code == 302, saved.text[:500]
        after = [summary(server) for _ in range(20)]
    assert after == [edited] * 20
