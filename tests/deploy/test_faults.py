"""Fault drills against gunicorn with the project's config (tools/faults.py): visitors keep getting
answers while the database is down and see edits on the next request once it is back, no edit is
lost or left unpublished, and SQLite takes editors saving at once. Timing margins are generous:
the machine may be busy."""

import os

import pytest

from tools import faults

pytestmark = pytest.mark.slow
# Each drill runs its own servers (SQLite): once, in `make test`. `make test-services`
# (TEST_DATABASE_URL set) runs only the drill that needs its PostgreSQL.
ON_SERVICES = bool(os.environ.get("TEST_DATABASE_URL"))
own_servers = pytest.mark.skipif(ON_SERVICES, reason="runs in make test, with servers of its own")


@pytest.mark.services
def test_visitors_are_answered_from_the_content_held_while_the_database_is_down():
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("needs TEST_DATABASE_URL=postgres://… to put a proxy in front of PostgreSQL")
    figures = faults.database_down(server)
    during = figures["during_6s"]
    assert during["5xx"] == 0, figures
    assert during["answered_2xx"] == during["requests"], figures
    # The edit another instance saved meanwhile cannot be seen: the content held is served.
    assert figures["edit_served_during"] == 0, figures
    assert figures["healthz_during"] == 503, figures
    # Once the database answers (and a worker's second of leaving it alone is over), the next
    # request has the edit, and so does every one after.
    assert figures["first_request_after"] == {"status": 200, "edit_served": True}, figures
    assert figures["next_requests_after"] == {"old": 0, "new": 20, "5xx": 0}, figures
    assert figures["back"]["5xx"] == 0, figures
    assert figures["back"]["answered_2xx"] == figures["back"]["requests"], figures


@own_servers
def test_editors_saving_at_the_same_moment_on_sqlite_all_succeed():
    figures = faults.concurrent_sqlite_saves(editors=4, saves=10)
    assert figures == {"saves": 40, "saved_302": 40, "5xx": 0}


@own_servers
def test_changes_that_bypass_the_admin_are_served_on_the_next_request():
    figures = faults.changes_bypassing_the_admin()
    assert figures == {
        "requirements_only": {"old": 0, "new": 20, "5xx": 0},
        "queryset_update": {"old": 0, "new": 20, "5xx": 0},
        "bulk_create": {"old": 0, "new": 20, "5xx": 0},
    }


@own_servers
def test_an_sqlite_lock_does_not_stop_visitors_and_healthz_sees_missing_content():
    figures = faults.health_and_locks()
    held = figures["sqlite_exclusive_lock_held"]
    assert held["5xx"] == 0, figures
    assert held["answered_2xx"] == held["requests"], figures
    assert figures["healthz_with_the_lock_held"] == 200, figures
    assert figures["no_milestones"]["healthz"] == 503, figures
    assert figures["table_missing"]["healthz"] == 503, figures
