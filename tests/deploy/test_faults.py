"""Fault drills against gunicorn with the project's config (tools/faults.py): visitors keep getting
answers while Redis or the database is down, no edit is lost or left unpublished, and SQLite takes
editors saving at once. Timing margins are generous: the machine may be busy."""

import os
import shutil

import pytest

from tools import faults

pytestmark = pytest.mark.slow
# Each drill runs its own servers (SQLite, a Redis of its own): once, in `make test`. `make
# test-services` (TEST_DATABASE_URL set) runs only the drill that needs its PostgreSQL.
ON_SERVICES = bool(os.environ.get("TEST_DATABASE_URL"))
own_servers = pytest.mark.skipif(ON_SERVICES, reason="runs in make test, with servers of its own")
needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="needs the redis-server program (apt-get install redis-server) for a Redis of its own",
)


@own_servers
@needs_redis
def test_visitors_are_answered_while_redis_hangs_or_is_cut():
    figures = faults.redis_down()
    for phase in ("hanging_3s", "cut", "back"):
        assert figures[phase]["5xx"] == 0, figures
        assert figures[phase]["answered_2xx"] == figures[phase]["requests"], figures
    # A Redis that does not answer costs one short timeout (0.25 s) now and then, not 5 s each.
    assert figures["hanging_3s"]["max_ms"] < 2500, figures


@own_servers
@needs_redis
def test_an_edit_saved_during_a_redis_blip_is_kept_and_served_to_everyone():
    figures = faults.redis_blip_during_edit()
    assert figures["save_status"] == 302, figures
    assert figures["edit_stored"], figures
    for phase in ("during_outage", "right_after", "after_3s"):
        assert figures[phase]["5xx"] == 0, figures
    assert figures["after_3s"] == {"old": 0, "new": 40, "5xx": 0}, figures


def test_visitors_are_answered_while_the_database_is_down():
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("needs TEST_DATABASE_URL=postgres://… to put a proxy in front of PostgreSQL")
    figures = faults.database_down(server)
    assert figures["during_6s"]["5xx"] == 0, figures
    assert figures["during_6s"]["answered_2xx"] == figures["during_6s"]["requests"], figures
    assert figures["healthz_during"] == 503, figures
    assert figures["back"]["5xx"] == 0, figures


@own_servers
def test_editors_saving_at_the_same_moment_on_sqlite_all_succeed():
    figures = faults.concurrent_sqlite_saves(editors=4, saves=10)
    assert figures == {"saves": 40, "saved_302": 40, "5xx": 0}


@own_servers
@needs_redis
def test_changes_that_bypass_the_admin_are_served_within_seconds():
    figures = faults.changes_bypassing_the_admin()
    # The process that changed the links announced them in the shared cache: at once.
    assert figures["requirements_only"]["next_requests"]["old"] == 0, figures
    for change in ("requirements_only", "queryset_update", "bulk_create"):
        assert figures[change]["after_3s"]["old"] == 0, figures
        assert figures[change]["after_3s"]["new"] == 20, figures


@own_servers
def test_an_sqlite_lock_does_not_stop_visitors_and_healthz_sees_missing_content():
    figures = faults.health_and_locks()
    held = figures["sqlite_exclusive_lock_held"]
    assert held["5xx"] == 0, figures
    assert held["answered_2xx"] == held["requests"], figures
    assert figures["healthz_with_the_lock_held"] == 200, figures
    assert figures["no_milestones"]["healthz"] == 503, figures
    assert figures["table_missing"]["healthz"] == 503, figures
