"""The folder gunicorn's worker processes share their Prometheus metrics in. Standard library
only: prometheus-client decides when first imported whether to share values, so gunicorn.conf.py
calls this before the app (and the library) is loaded.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Set next to a folder this module made: the process that made it (and removes it on exit).
OWNER_ENV = "EIDGUIDE_METRICS_DIR_OWNER"
_prepared: tuple[Path, bool] | None = None


def prepare_multiprocess_dir() -> tuple[Path, bool]:
    """Make the shared folder ready before the app loads: ``(folder, made here)``.

    A folder named by ``PROMETHEUS_MULTIPROC_DIR`` is emptied (files of an earlier run would be
    counted again); else a fresh one is made, and removed when this process exits, so servers
    side by side never share one. Only the first call in a process does it: gunicorn reads its
    config again on SIGHUP, while workers still write to the folder.
    """
    global _prepared
    if _prepared is None:
        _prepared = _prepare()
    return _prepared


def _prepare() -> tuple[Path, bool]:
    named = os.environ.get(MULTIPROC_ENV)
    # A folder this module made for a parent process is not this server's to share.
    if not named or OWNER_ENV in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="eidguide-metrics-"))
        os.environ[MULTIPROC_ENV] = str(folder)
        os.environ[OWNER_ENV] = str(os.getpid())
        atexit.register(_remove, folder, os.getpid())
        return folder, True
    folder = Path(named)
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return folder, False


def _remove(folder: Path, owner: int) -> None:
    # Forked workers run exit handlers too: only the process that made the folder removes it.
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
