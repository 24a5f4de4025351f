"""The clock drill (`make test-clock`): the fast suite under a faked wall clock, on the days the
calendar is most likely to break something.

Each day runs the fast suite (no browser, no servers) in its own pytest, with the process's wall
clock moved by libfaketime (Debian's `faketime`): Python, SQLite's 'now' and every worker see the
same faked time, ticking from the drill's moment. The monotonic clock moves by the same offset
(libfaketime's sleeps with a real monotonic clock fail with EINVAL), so timeouts still hold. The
drill leaves out the checks of the deployment that never read the calendar (manifests, settings,
headers, docs), and fuzzes briefly (HYPOTHESIS_PROFILE=short): it tries days, not inputs.
A test that cannot hold on one of these days is a bug in the test or in the app.

    python -m tools.clock_drill            # every day, one after the other
    python -m tools.clock_drill 2101-01-01T12:00  # one moment (Copenhagen time), as many as given
    python -m tools.clock_drill -- -n 2 -x        # after --: arguments for pytest
"""

import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
LIBFAKETIME = (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
    "/usr/lib/faketime/libfaketimeMT.so.1",
)
FAST_SUITE = ["-m", "not slow and not browser", "--ignore=tests/browser", "-p", "no:cacheprovider"]
# What the drill leaves out: tests of the deployment and the repository that read no date (the
# service on far days is tests/deploy/test_any_day.py, which stays).
NOT_CALENDAR = [
    *(f"--ignore=tests/deploy/{name}" for name in (
        "test_client_address.py", "test_deploy.py", "test_env_file.py", "test_gunicorn_conf.py",
        "test_observability.py", "test_security.py", "test_settings.py",
    )),
    *(f"--ignore=tests/{name}" for name in (
        "test_docs.py", "test_import_contracts.py", "test_mutation_report.py", "test_must_run.py",
    )),
]  # fmt: skip


def last_sunday(year: int, month: int) -> date:
    """The last Sunday of a month: the night Europe's clocks change (March and October)."""
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def next_leap_day(after: date) -> date:
    year = after.year
    while True:
        try:
            leap = date(year, 2, 29)
        except ValueError:
            year += 1
            continue
        if leap > after:
            return leap
        year += 1


def drill_days(today: date) -> list[tuple[str, datetime]]:
    """The drill's moments, in Copenhagen time, with what each tries. The two change nights start
    a few minutes before the clocks move, so the suite runs across the change. The next 29
    February is most of a year ahead or more: next year's calendar too."""
    year = today.year + 1

    def local(day: date, hour: int, minute: int, fold: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=COPENHAGEN, fold=fold)

    return [
        ("the next 29 February", local(next_leap_day(today), 12, 0)),
        ("the night clocks go forward (02:00 becomes 03:00)", local(last_sunday(year, 3), 1, 57)),
        ("the night clocks go back (03:00 is 02:00 again)", local(last_sunday(year, 10), 2, 57)),
        ("the day after the range's last year ends, 2101-01-01", local(date(2101, 1, 1), 12, 0)),
    ]  # fmt: skip


def find_libfaketime() -> str | None:
    return next((path for path in LIBFAKETIME if Path(path).is_file()), None)


MISSING = "libfaketime is missing: apt-get install faketime (.ci/run installs it)."


def faked(moment: datetime, library: str, env: dict | None = None) -> dict[str, str]:
    """``env`` (this process's by default) for a process whose wall clock starts at `moment`
    and ticks. An offset from the real clock, in seconds, is what libfaketime reads the same way
    whatever the process's time zone (Django sets TZ, and libfaketime would read an absolute
    time in it)."""
    offset = round(moment.timestamp() - time.time())
    return {
        **(os.environ if env is None else env),
        "LD_PRELOAD": library,
        "FAKETIME": f"{offset:+d}",
        "FAKETIME_DONT_RESET": "1",  # xdist's workers keep the offset rather than start again
    }


def run(
    moment: datetime, what: str, library: str, pytest_args: list[str]
) -> tuple[int, str, float]:
    """pytest's exit code, its last line (how many passed) and the run's seconds."""
    print(f"\n== clock drill: {moment.isoformat()} Copenhagen time ({what})", flush=True)
    started = time.monotonic()
    with subprocess.Popen(
        [sys.executable, "-m", "pytest", *FAST_SUITE, *NOT_CALENDAR, *pytest_args],
        cwd=ROOT,
        env={**faked(moment, library), "HYPOTHESIS_PROFILE": "short"},
        stdout=subprocess.PIPE,
        text=True,
    ) as pytest:
        last = ""
        for line in pytest.stdout:
            print(line, end="", flush=True)
            last = line.strip().strip("= ") or last
    return pytest.returncode, last, time.monotonic() - started


def main(argv: list[str]) -> int:
    library = find_libfaketime()
    if library is None:
        print(f"{MISSING} Looked for {', '.join(LIBFAKETIME)}.", file=sys.stderr)
        return 2
    split = argv.index("--") if "--" in argv else len(argv)
    moments, pytest_args = argv[:split], argv[split + 1 :]
    if moments:
        days = [("as asked", datetime.fromisoformat(m).replace(tzinfo=COPENHAGEN)) for m in moments]
    else:
        days = drill_days(datetime.now(COPENHAGEN).date())
    results = [(moment, what, *run(moment, what, library, pytest_args)) for what, moment in days]
    print("\n== clock drill: summary")
    for moment, what, code, last, seconds in results:
        verdict = "" if code == 0 else f"FAILED (pytest exit {code}): "
        print(f"{moment.isoformat()}  {what:<52} {verdict}{last}; {seconds:.0f} s in all")
    print(f"The drill took {sum(r[4] for r in results):.0f} s.")
    return 0 if all(r[2] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
