"""`make audit-deps`: known vulnerabilities in the pinned runtime requirements (pip-audit).

pip-audit answers "No known vulnerabilities found" even when it could not check a single package
(its vulnerability service unreachable, as on an offline build machine). This wrapper says so
loudly instead: vulnerabilities fail the build; packages that could not be checked are listed as
INCOMPLETE, which fails the build only with AUDIT_STRICT=1 (set it where the service is reachable).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--requirement",
        str(ROOT / "requirements.txt"),
        "--disable-pip",
        "--no-deps",
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print("pip-audit: AUDIT NOT RUN - pip-audit failed:\n" + result.stderr.strip()[-2000:])
        return 1 if os.environ.get("AUDIT_STRICT") else 0
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(
                f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} ({fixed})"
            )
    checked = len(dependencies) - len(skipped)
    print(
        f"pip-audit: {checked} of {len(dependencies)} pinned packages checked, "
        f"{len(vulnerable)} with known vulnerabilities."
    )
    if skipped:
        print(
            f"pip-audit: AUDIT INCOMPLETE - {len(skipped)} packages could not be checked "
            "(is the vulnerability service reachable from this machine?):"
        )
        for dependency in skipped:
            print(f"  {dependency['name']}: {dependency['skip_reason']}")
    if vulnerable:
        return 1
    if skipped and os.environ.get("AUDIT_STRICT"):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
