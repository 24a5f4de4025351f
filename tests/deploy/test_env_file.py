"""The env file: read only from where ENV_FILE says, or the project's `.env` outside the tests.

A developer's `.env` with a DATABASE_URL once made tests fail (and would have created test
databases on that server). These tests put such a `.env` in a copy of the project and show that
pytest there never reads it, while `manage.py` there does.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from eidguide import settings as settings_module

# The tests that copy the project and run pytest and manage.py in it are marked slow.

ROOT = Path(__file__).resolve().parents[2]
BOGUS_ENV = (
    "DATABASE_URL=postgres://nobody@127.0.0.1:9/not_a_database\n"
    "ALLOWED_HOSTS=from-the-env-file.example\n"
)
PROBE = """
import pytest
from django.core.exceptions import ImproperlyConfigured

from eidguide import settings as settings_module

# The tests that copy the project and run pytest and manage.py in it are marked slow.
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_the_env_file_is_not_read():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.ALLOWED_HOSTS != ["from-the-env-file.example"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
"""
# What a developer's shell would have: none of the variables the test run itself sets.
RUN_VARIABLES = {
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "ENV_FILE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "PYTHONPATH",
}


def developer_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in RUN_VARIABLES}
    env.update(overrides)
    return env


def run(args: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=developer_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def project_with_a_bogus_env(tmp_path_factory) -> Path:
    """A copy of the project (code, settings, tests' set-up) with a `.env` pointing elsewhere."""
    copy = tmp_path_factory.mktemp("project") / "eidguide"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            ".venv-*",  # the tools' own venvs (openapi-python-client, checkov): hundreds of MB
            "mutants",
            "node_modules",
            "staticfiles",
            "artifacts",
            ".hypothesis",
            ".pytest_cache",
            ".ruff_cache",
            "__pycache__",
            "db.sqlite3",
            ".env",
        ),
    )
    (copy / ".env").write_text(BOGUS_ENV)
    (copy / "envprobe").mkdir()
    (copy / "envprobe" / "test_probe.py").write_text(PROBE)
    return copy


def printed_setting(project: Path, expression: str, **env) -> subprocess.CompletedProcess:
    code = f"from django.conf import settings; print(repr({expression}))"
    return run(["manage.py", "shell", "-c", code], project, **env)


@pytest.mark.slow
def test_a_developers_env_file_does_not_reach_the_tests(project_with_a_bogus_env):
    result = run(
        ["-m", "pytest", "envprobe/test_probe.py", "-p", "no:cacheprovider"],
        project_with_a_bogus_env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


@pytest.mark.slow
def test_outside_the_tests_the_projects_env_file_is_read(project_with_a_bogus_env):
    # The other half of the proof above: the same copy, run as a developer runs it, reads `.env`.
    result = printed_setting(
        project_with_a_bogus_env,
        "(settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS)",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "('django.db.backends.postgresql', ['from-the-env-file.example'])"
    )


@pytest.mark.slow
def test_an_empty_env_file_setting_reads_no_file(project_with_a_bogus_env):
    result = printed_setting(
        project_with_a_bogus_env,
        "settings.DATABASES['default']['ENGINE']",
        DEBUG="true",
        ENV_FILE="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "'django.db.backends.sqlite3'"


@pytest.mark.slow
def test_env_file_names_the_file_and_the_environment_wins_over_it(tmp_path):
    named = tmp_path / "production.env"
    named.write_text("ALLOWED_HOSTS=eid.example.dk\nLOG_LEVEL=warning\nSECURE_HSTS_SECONDS=60\n")
    result = printed_setting(
        ROOT,
        "(settings.ALLOWED_HOSTS, settings.SECURE_HSTS_SECONDS)",
        DEBUG="true",
        ENV_FILE=str(named),
        SECURE_HSTS_SECONDS="120",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "(['eid.example.dk'], 120)"


@pytest.mark.slow
def test_a_missing_env_file_is_refused_with_a_clear_message(tmp_path):
    missing = tmp_path / "nowhere.env"
    result = printed_setting(ROOT, "settings.DEBUG", DEBUG="true", ENV_FILE=str(missing))
    assert result.returncode != 0
    assert f"ENV_FILE={missing} is not a file." in result.stderr


# The rule itself (eidguide.settings.env_file), in this process.


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with a `.env`, seen by the settings' rule as the project's own."""
    (tmp_path / ".env").write_text("DEBUG=true\n")
    monkeypatch.setattr(settings_module, "BASE_DIR", tmp_path)
    monkeypatch.delenv("ENV_FILE", raising=False)
    return tmp_path


def test_without_env_file_a_developer_gets_the_projects_env(project, monkeypatch):
    monkeypatch.delitem(sys.modules, "pytest")
    assert settings_module.env_file() == project / ".env"


def test_without_env_file_and_without_a_env_there_is_no_file(project, monkeypatch):
    (project / ".env").unlink()
    monkeypatch.delitem(sys.modules, "pytest")
    assert settings_module.env_file() is None


def test_without_env_file_pytest_gets_no_file(project):
    assert settings_module.env_file() is None


def test_an_empty_env_file_means_none_even_with_a_project_env(project, monkeypatch):
    monkeypatch.delitem(sys.modules, "pytest")
    monkeypatch.setenv("ENV_FILE", "")
    assert settings_module.env_file() is None


def test_env_file_names_any_file_even_under_pytest(project, monkeypatch, tmp_path):
    named = tmp_path / "other.env"
    named.write_text("DEBUG=false\n")
    monkeypatch.setenv("ENV_FILE", str(named))
    assert settings_module.env_file() == named


def test_env_file_naming_a_missing_file_is_refused(project, monkeypatch):
    monkeypatch.setenv("ENV_FILE", str(project / "missing.env"))
    with pytest.raises(ImproperlyConfigured, match=r"ENV_FILE=.*missing\.env is not a file\."):
        settings_module.env_file()


def test_env_file_naming_a_folder_is_refused(project, monkeypatch):
    monkeypatch.setenv("ENV_FILE", str(project))
    with pytest.raises(ImproperlyConfigured, match="is not a file"):
        settings_module.env_file()
