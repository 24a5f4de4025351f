"""Tests that may not be skipped where they can run (a pytest plugin, loaded in pyproject.toml).

Every skip is named in the summary (`-rs`). Some skips are failures:
- under CI (CI=true), a browser test's: CI has root and installs Chromium, so a browser test that
  skips there hides a real fault;
- a PostgreSQL test's (marked `services`: the two-instance tests, the database drill) whenever
  TEST_DATABASE_URL is set (`make test-services`, which CI runs): asking for the database and then
  skipping the test that needs it is a fault. `make test` (SQLite) does not collect the
  two-instance tests at all, and says so in the header instead of reporting a skip.
"""

import os
from pathlib import Path

import pytest

SERVICE_TESTS = frozenset({"test_two_instances.py"})


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def services_asked_for() -> bool:
    return bool(os.environ.get("TEST_DATABASE_URL"))


def is_service_test(path: Path) -> bool:
    return path.name in SERVICE_TESTS


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "services: needs PostgreSQL, TEST_DATABASE_URL (make test-services)"
    )


def pytest_report_header(config):
    if not services_asked_for():
        return (
            "two-instance tests not collected: they need PostgreSQL, TEST_DATABASE_URL "
            "(make test-services)"
        )
    return None


def pytest_ignore_collect(collection_path, config):
    if is_service_test(collection_path) and not services_asked_for():
        return True
    return None


def pytest_collection_modifyitems(config, items):
    if not services_asked_for():
        return  # collected only when named on the command line: a plain, named skip then
    for item in items:
        if is_service_test(item.path):
            item.add_marker(pytest.mark.services)


def why_a_skip_fails(item) -> str | None:
    if item.get_closest_marker("services") and services_asked_for():
        return "TEST_DATABASE_URL is set, so the tests that need PostgreSQL must run"
    if in_ci() and item.get_closest_marker("browser"):
        return "under CI (CI=true) the browser tests must run"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = why_a_skip_fails(item)
    if reason is None:
        return
    skipped = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped, but {reason}. The skip said: {skipped}"
