"""Settings from the environment: secure by default, clear when something is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist():
    call_command("check", deploy=True, fail_level="WARNING")


def test_starting_without_a_secret_key_fails_with_a_clear_message():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def settings_in_a_process(expression: str, **env) -> str:
    """The value of a settings expression in a fresh process, as production would read it (the
    test process cannot tell: pytest-django forces DEBUG off whatever the settings say)."""
    code = f"from django.conf import settings; print(repr({expression}))"
    result = run_manage("shell", "-c", code, **{"SECRET_KEY": "x" * 60, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({}, "False"), ({"DEBUG": "false"}, "False"), ({"DEBUG": "true"}, "True")],
)
def test_debug_is_off_unless_asked(environment, expected):
    assert settings_in_a_process("settings.DEBUG", **environment) == expected


def test_debug_runs_without_a_secret_key():
    assert run_manage("check", DEBUG="true").returncode == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SECURE_SSL_REDIRECT", True),
        ("SECURE_HSTS_SECONDS", 31_536_000),
        ("SESSION_COOKIE_SECURE", True),
        ("CSRF_COOKIE_SECURE", True),
        ("CSRF_TRUSTED_ORIGINS", []),
        ("SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("TIME_ZONE", "Europe/Copenhagen"),
    ],
)
def test_production_defaults(settings, name, expected):
    assert getattr(settings, name) == expected


def test_settings_come_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.DATABASES['default']['ENGINE'])"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="eid.example.dk,www.eid.example.dk",
        CSRF_TRUSTED_ORIGINS="https://eid.example.dk",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="60",
        DATABASE_URL="postgres://user@db.example:5432/eid",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "['eid.example.dk', 'www.eid.example.dk'] ['https://eid.example.dk'] False 60 "
        "django.db.backends.postgresql"
    )


def test_allowed_hosts_default_to_loopback_names():
    code = "from django.conf import settings as s; print(s.ALLOWED_HOSTS)"
    result = run_manage("shell", "-c", code, SECRET_KEY="x" * 60)
    assert result.stdout.split("\n")[-2] == "['localhost', '127.0.0.1']"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://example.dk/security", "SECURITY_CONTACT must be"),
        ("Ring til os på 12345678", "SECURITY_CONTACT must be"),
        ("next friday", "SECURITY_TXT_EXPIRES must be"),
    ],
)
def test_a_security_txt_setting_that_rfc_9116_refuses_stops_the_start(value, message):
    name = message.split()[0]
    result = run_manage("check", SECRET_KEY="x" * 60, **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_security_txt_settings_read_from_the_environment():
    expires = settings_in_a_process(
        "(settings.SECURITY_CONTACT, settings.SECURITY_TXT_EXPIRES.isoformat())",
        SECURITY_CONTACT="mailto:security@example.dk",
        SECURITY_TXT_EXPIRES="2027-06-30",
    )
    assert expires == "('mailto:security@example.dk', '2027-06-30T00:00:00+00:00')"
