"""`make mutate`'s summary: the mutation score and every surviving mutant.

Reads mutmut's results (mutants/) and tests/MUTANTS.md, which lists the survivors judged
equivalent or out of mutmut's reach, each with its reason (a line "- `pattern`: reason"; the
pattern is a mutant name, `*` matching any characters). Survivors not listed there are printed
for someone to kill with a test or to list with a reason, and so are entries that match no
survivor any more or that also match a killed mutant.
"""

import fnmatch
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTED = ROOT / "tests" / "MUTANTS.md"
KILLED = {"killed", "timeout", "caught by type check"}
NOT_RUN = {"not checked", "skipped"}
RESULT = re.compile(r"^\s*(\S+): (.+)$")
ENTRY = re.compile(r"^- `([^`]+)`")


def results() -> dict[str, str]:
    """Every mutant's name and status, as `mutmut results --all true` prints them."""
    mutmut = Path(sys.executable).parent / "mutmut"
    output = subprocess.run(
        [str(mutmut), "results", "--all", "true"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {m.group(1): m.group(2).strip() for m in map(RESULT.match, output.splitlines()) if m}


def listed_patterns() -> list[str]:
    if not LISTED.exists():
        return []
    return [m.group(1) for m in map(ENTRY.match, LISTED.read_text().splitlines()) if m]


def function_of(name: str) -> str:
    """guidance.models.xǁMilestoneǁclean__mutmut_3 -> guidance.models.Milestone.clean"""
    base = name.rsplit("__mutmut_", 1)[0]
    module, _, function = base.rpartition(".")
    function = function.removeprefix("x_").removeprefix("xǁ").replace("ǁ", ".")
    return f"{module}.{function}"


def main() -> int:
    statuses = results()
    if not statuses:
        print("mutate: no results; run `make mutate` first.")
        return 1
    tested = {name: s for name, s in statuses.items() if s not in NOT_RUN}
    counts = Counter(tested.values())
    killed = sum(counts[s] for s in KILLED)
    survivors = sorted(name for name, s in tested.items() if s not in KILLED)
    # Every entry's pattern and the mutants it names: the survivors it explains and the kills it
    # claims too (the two lists below come from this one matching).
    named = {p: [n for n in tested if fnmatch.fnmatchcase(n, p)] for p in listed_patterns()}
    explained = {n for names in named.values() for n in names if tested[n] not in KILLED}
    unexplained = [n for n in survivors if n not in explained]
    total = len(tested)
    print(f"mutate: {total} mutants tested ({len(statuses) - total} not run)")
    print("mutate: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    print(f"mutate: score {killed / total:.1%} killed ({killed} of {total})")
    print(
        f"mutate: {len(explained)} survivors listed in tests/MUTANTS.md as equivalent or out "
        f"of mutmut's reach; score counting them out: {killed / (total - len(explained)):.1%}"
    )
    if unexplained:
        print(f"mutate: {len(unexplained)} survivors not listed (see one: mutmut show NAME):")
        for name in unexplained:
            print(f"  {name}: {tested[name]}  [{function_of(name)}]")
    else:
        print("mutate: every survivor is listed in tests/MUTANTS.md")
    # An entry no survivor matches is about a mutant killed since, or one renumbered when its
    # function changed; left, it could one day hide an unrelated survivor under that number.
    stale = [p for p, names in named.items() if not any(tested[n] not in KILLED for n in names)]
    if stale:
        print(
            f"mutate: {len(stale)} entries in tests/MUTANTS.md match no survivor "
            "(killed since, or renumbered): remove or renumber them:"
        )
        for pattern in stale:
            print(f"  {pattern}")
    # One that also matches a killed mutant claims too much: narrow it to the survivors it means.
    broad = {
        p: [n for n in names if tested[n] in KILLED]
        for p, names in named.items()
        if p not in stale and any(tested[n] in KILLED for n in names)
    }
    if broad:
        print(
            f"mutate: {len(broad)} entries in tests/MUTANTS.md also match killed mutants: "
            "narrow them:"
        )
        for pattern, names in broad.items():
            print(f"  {pattern}: {', '.join(n.rsplit('__mutmut_', 1)[1] for n in names)} killed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
