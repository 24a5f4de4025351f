"""Screenshots of the pages issue 13 asks to see, into artifacts/ (headless Chromium, as the
browser tests use): an English answer for a date before NemID, the business answer the day
before closing, and the About page."""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.serve import ROOT, gunicorn, manage, production_env

CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "answer-en-2009-12-31.png": "/en/?date=2009-12-31",
    "business-en-2023-10-30.png": "/en/?date=2023-10-30&audience=business",
    "about-en.png": "/en/about/",
}


def main() -> int:
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eidguide-shots-") as workdir:
        env = production_env(DATABASE_URL=f"sqlite:///{Path(workdir) / 'db.sqlite3'}")
        manage("migrate", "--noinput", "-v0", env=env)
        manage("collectstatic", "--noinput", "-v0", env=env)
        with gunicorn(env, workers=2) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            for name, path in PAGES.items():
                page.goto(server.url + path)
                page.screenshot(path=str(artifacts / name), full_page=True)
                print(artifacts / name)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
