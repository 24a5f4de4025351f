"""The folder gunicorn's worker processes share their Prometheus metrics in.

prometheus-client decides when it is first imported whether values live in this process or in
files shared by several (``PROMETHEUS_MULTIPROC_DIR``), so this module imports nothing but the
standard library: ``gunicorn.conf.py`` calls it before the app, and so the library, is loaded.
"""

import os
import shutil
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_prepared: tuple[Path, bool] | None = None


def multiprocess_dir() -> Path | None:
    """The folder the worker processes share their values in, or None in a single process."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def prepare_multiprocess_dir() -> tuple[Path, bool]:
    """Make the shared folder ready before the app loads: ``(folder, created here)``.

    A folder named by ``PROMETHEUS_MULTIPROC_DIR`` is emptied, as the library asks, since files
    left by an earlier run would be counted again. Without the variable a fresh folder is made
    under the temporary folder (``/tmp``), so servers side by side never share one. Only the
    first call in a process does it: gunicorn reads its config again on SIGHUP, while workers
    still write to the folder.
    """
    global _prepared
    if _prepared is None:
        _prepared = _prepare()
    return _prepared


def _prepare() -> tuple[Path, bool]:
    folder = multiprocess_dir()
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="eidguide-metrics-"))
        os.environ[MULTIPROC_ENV] = str(folder)
        return folder, True
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return folder, False
