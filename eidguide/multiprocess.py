"""The folder gunicorn's worker processes share their Prometheus metrics in.

prometheus-client decides when it is first imported whether values live in this process or in
files shared by several (``PROMETHEUS_MULTIPROC_DIR``), so this module imports nothing but the
standard library: ``gunicorn.conf.py`` calls it before the app, and so the library, is loaded.
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


def multiprocess_dir() -> Path | None:
    """The folder the worker processes share their values in, or None in a single process."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def prepare_multiprocess_dir() -> tuple[Path, bool]:
    """Make the shared folder ready before the app loads: ``(folder, made here)``.

    A folder named by ``PROMETHEUS_MULTIPROC_DIR`` is emptied, as the library asks, since files
    left by an earlier run would be counted again. Without the variable a fresh folder is made
    under the temporary folder (``/tmp``) and removed when this process exits, so servers side by
    side never share one (nor does a server started by a process that made one for itself).
    Only the first call in a process does it: gunicorn reads its config again on SIGHUP, while
    workers still write to the folder.
    """
    global _prepared
    if _prepared is None:
        _prepared = _prepare()
    return _prepared


def _prepare() -> tuple[Path, bool]:
    folder = multiprocess_dir()
    if folder is None or OWNER_ENV in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="eidguide-metrics-"))
        os.environ[MULTIPROC_ENV] = str(folder)
        os.environ[OWNER_ENV] = str(os.getpid())
        atexit.register(_remove, folder, os.getpid())
        return folder, True
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
