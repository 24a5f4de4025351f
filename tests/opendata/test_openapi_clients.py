"""Clients nobody here wrote, against the live app (gunicorn, DEBUG off): a Python client generated
by openapi-python-client from the served document, and the API page's copy-and-run examples."""

import html
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
import venv
from pathlib import Path

import pytest

from tools.node import node_bin
from tools.serve import ROOT, gunicorn, prepare, production_env

pytestmark = pytest.mark.slow

# openapi-python-client has a venv of its own, from its pinned file: it pins another ruff.
GENERATOR_REQUIREMENTS = ROOT / "tools/openapi-python-client/requirements.txt"
GENERATOR_VENV = ROOT / ".venv-openapi-python-client"


def python_client_generator() -> Path:
    """openapi-python-client's command, installed in its own venv from the pinned file."""
    marker = GENERATOR_VENV / ".installed"
    if not marker.exists() or marker.stat().st_mtime < GENERATOR_REQUIREMENTS.stat().st_mtime:
        venv.create(GENERATOR_VENV, with_pip=True, clear=True)
        subprocess.run(
            [
                str(GENERATOR_VENV / "bin/python"),
                *("-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
                *("-r", str(GENERATOR_REQUIREMENTS)),
            ],
            check=True,
            timeout=600,
        )
        marker.touch()
    return GENERATOR_VENV / "bin/openapi-python-client"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app as production serves it, on a fresh SQLite with the seed."""
    database = tmp_path_factory.mktemp("clients-db") / "db.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{database}")
    prepare(env)
    with gunicorn(env, workers=2) as server:
        yield server.url


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def fetch_json(url: str) -> dict:
    """The API's own answer (errors included), to compare a client's reading with."""
    try:
        return json.loads(fetch(url))
    except urllib.error.HTTPError as error:
        return json.load(error)


@pytest.fixture(scope="module")
def served_document(live, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(fetch(f"{live}/api/v1/openapi.json"))
    return path


PYTHON_CLIENT_CALLS = """
import sys
from eid_guide_api_client import Client
from eid_guide_api_client.api.milestones import list_milestones
from eid_guide_api_client.api.status import get_status
from eid_guide_api_client.models import (
    AudienceParameter, Error, LanguageParameter, MilestoneList, NemIDStatus, StatusAnswer,
    StatusNow,
)

client = Client(base_url=sys.argv[1], raise_on_unexpected_status=True)
answer = get_status.sync(client=client, date="2023-07-01", lang=LanguageParameter.DA)
assert isinstance(answer, StatusAnswer), answer
assert answer.nemid.status == NemIDStatus.LIMITED
assert answer.next_milestone.date.isoformat() == "2023-10-31"
print("status", answer.date, answer.nemid.status.value, answer.nemid.since, answer.nemid.label)
# 1 July 2023 is past: what applies today comes apart, in now.
assert answer.is_past is True
assert isinstance(answer.now, StatusNow), answer.now
print("now", answer.today, answer.now.date, answer.now.nemid.status.value, answer.now.actions)
print("now ways", [option.name for option in answer.now.enrollment_options])
print("ways", [option.requirements for option in answer.enrollment_options], len(answer.actions))
today = get_status.sync(client=client, audience=AudienceParameter.BUSINESS)
assert isinstance(today, StatusAnswer), today
print("today", today.date == today.today, today.is_past, today.now)

listed = list_milestones.sync(client=client, audience=AudienceParameter.BUSINESS)
assert isinstance(listed, MilestoneList), listed
print("milestones", [f"{m.date} {m.status.value}: {m.title}" for m in listed.milestones])

wrong = get_status.sync_detailed(client=client, date="31-02-2023")
assert wrong.status_code == 400
assert isinstance(wrong.parsed, Error), wrong.parsed
print("error", wrong.parsed.status, wrong.parsed.field, wrong.parsed.error)
print("accepted", wrong.parsed.accepted.from_, wrong.parsed.accepted.to)
print("errors", sorted(wrong.parsed.errors.additional_properties))
"""


def test_a_generated_python_client_calls_both_endpoints(served_document, live, tmp_path):
    generator = python_client_generator()
    result = subprocess.run(
        [
            str(generator),
            "generate",
            *("--path", str(served_document)),
            *("--output-path", str(tmp_path / "client")),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": f"{generator.parent}:/usr/bin:/bin"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output, output
    package = tmp_path / "eid_guide_api_client"
    (tmp_path / "client").rename(package)
    run = subprocess.run(
        [str(generator.parent / "python"), "-c", PYTHON_CLIENT_CALLS, live],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    answer = fetch_json(f"{live}/api/v1/status?date=2023-07-01&lang=da")
    label, now = answer["nemid"]["label"], answer["now"]
    error = fetch_json(f"{live}/api/v1/status?date=31-02-2023")
    assert f"status 2023-07-01 limited 2023-06-30 {label}" in run.stdout
    today = answer["today"]
    assert f"now {today} {today} {now['nemid']['status']} {now['actions']}" in run.stdout
    assert now["nemid"]["status"] == "closed"
    assert f"now ways {[option['name'] for option in now['enrollment_options']]}" in run.stdout
    ways = [option["requirements"] for option in answer["enrollment_options"]]
    assert f"ways {ways} {len(answer['actions'])}" in run.stdout
    assert "today True False None" in run.stdout
    milestones = fetch_json(f"{live}/api/v1/milestones?audience=business")["milestones"]
    assert [m["date"] for m in milestones] == ["2010-01-01", "2023-06-30", "2023-10-31"]
    listed = [f"{m['date']} {m['status']}: {m['title']}" for m in milestones]
    assert f"milestones {listed}" in run.stdout
    assert f"error 400 date {error['error']}" in run.stdout
    assert "accepted 1900-01-01 2100-12-31" in run.stdout
    assert f"errors {sorted(error['errors'])}" in run.stdout


def examples(page: str) -> dict[str, str]:
    """The examples on the API page, as a reader copies them."""
    found = re.findall(
        r'<pre class="example"[^>]*data-example="(\w+)"><code>(.*?)</code></pre>', page, re.S
    )
    return {language: html.unescape(code) for language, code in found}


def test_the_api_pages_python_example_runs(live, tmp_path):
    code = examples(fetch(f"{live}/en/api/"))["python"]
    assert f'API = "{live}/api/v1"' in code
    script = tmp_path / "example.py"
    script.write_text(code)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    answer = fetch_json(f"{live}/api/v1/status?date=2023-07-01&lang=en")
    milestones = fetch_json(f"{live}/api/v1/milestones?audience=citizen")["milestones"]
    error = fetch_json(f"{live}/api/v1/status?date=31-02-2023")
    now = answer["now"]
    assert result.stdout.splitlines() == [
        f"limited {answer['nemid']['label']} 2023-06-30",
        f"today {now['date']} {now['nemid']['status']}",
        *(f"{m['date']} {m['title']}" for m in milestones),
        f"400 date {error['error']}",
    ]


def test_the_api_pages_javascript_example_runs_in_node(live):
    code = examples(fetch(f"{live}/da/api/"))["javascript"]
    result = subprocess.run(
        [str(node_bin() / "node"), "--input-type=module", "-e", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = fetch_json(f"{live}/api/v1/status?date=2023-07-01&lang=da")
    label, now = answer["nemid"]["label"], answer["now"]
    assert result.stdout.splitlines() == [
        f"limited {label} 2023-06-30",
        f"today {now['date']} {now['nemid']['status']}",
        "304",
    ]


def test_the_documents_examples_need_no_key_or_cookie(live):
    with urllib.request.urlopen(f"{live}/api/v1/status", timeout=10) as response:
        assert response.headers.get("Set-Cookie") is None
        assert json.load(response)["lang"] == "en"
