"""Skips that are failures (tests/must_run.py), shown on small suites run in their own pytest."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs pytest in a subprocess

ROOT = Path(__file__).resolve().parent.parent
BROWSER_SUITE = """
import pytest

@pytest.mark.browser
def test_in_a_browser():
    pytest.skip("no Chromium here")

def test_elsewhere():
    pytest.skip("not today")
"""
TWO_INSTANCES_SUITE = """
import pytest

def test_two_instances():
    pytest.skip("no PostgreSQL here")
"""
POSTGRESQL_SUITE = """
import pytest

@pytest.mark.services
def test_on_postgresql():
    pytest.skip("no PostgreSQL here")
"""
PYTEST = [sys.executable, "-m", "pytest", "-p", "tests.must_run", "-p", "no:cacheprovider"]
CONFIG = """
[pytest]
markers =
    browser: drives a real Chromium
"""


def run_suite(folder: Path, name: str, text: str, **env) -> subprocess.CompletedProcess:
    """Run the suite's folder (as `make test` runs tests/) with only tests.must_run loaded."""
    (folder / name).write_text(text)
    (folder / "pytest.ini").write_text(CONFIG)
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CI", "TEST_DATABASE_URL", "PYTEST_ADDOPTS"}
    }
    # Only tests.must_run: loading every installed plugin (Django, Hypothesis, schemathesis,
    # Playwright, ...) took 2 s of each run's 2.3.
    environment.update(env, PYTHONPATH=str(ROOT), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    return subprocess.run(
        [*PYTEST, "-rfEs", "."],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_outside_ci_a_browser_skip_is_a_named_skip(tmp_path):
    result = run_suite(tmp_path, "test_suite.py", BROWSER_SUITE)
    assert result.returncode == 0, result.stdout
    assert "2 skipped" in result.stdout
    assert "no Chromium here" in result.stdout
    assert "not today" in result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_under_ci_a_browser_skip_is_a_failure(tmp_path, ci):
    result = run_suite(tmp_path, "test_suite.py", BROWSER_SUITE, CI=ci)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 skipped" in result.stdout
    assert "under CI (CI=true) the browser tests must run" in result.stdout
    assert "no Chromium here" in result.stdout


def test_under_ci_false_a_browser_skip_stays_a_skip(tmp_path):
    result = run_suite(tmp_path, "test_suite.py", BROWSER_SUITE, CI="false")
    assert result.returncode == 0, result.stdout


def test_without_services_the_two_instance_tests_are_not_collected_and_the_header_says_why(
    tmp_path,
):
    result = run_suite(tmp_path, "test_two_instances.py", TWO_INSTANCES_SUITE)
    assert "skipped" not in result.stdout
    assert "two-instance tests not collected" in result.stdout
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, result.stdout


def test_with_services_asked_for_a_two_instance_skip_is_a_failure(tmp_path):
    result = run_suite(
        tmp_path,
        "test_two_instances.py",
        TWO_INSTANCES_SUITE,
        TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    )
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout
    assert "the tests that need PostgreSQL must run" in result.stdout


def test_without_services_a_test_marked_services_skips_plainly(tmp_path):
    result = run_suite(tmp_path, "test_faults.py", POSTGRESQL_SUITE)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "no PostgreSQL here" in result.stdout


def test_with_services_asked_for_a_skip_of_a_test_marked_services_is_a_failure(tmp_path):
    result = run_suite(
        tmp_path,
        "test_faults.py",
        POSTGRESQL_SUITE,
        TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    )
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout
    assert "the tests that need PostgreSQL must run" in result.stdout
