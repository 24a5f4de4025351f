"""`make mutate`'s verdicts kept in the repo (tests/mutation-results.json), so a full run can be
finished in parts and a later run only tests what changed.

A full run of the fast suite against every mutant takes longer on a two-core machine than one
working session: mutmut 3 already keeps each mutant's verdict in mutants/*.meta with a hash of the
function it mutates, and regenerating mutants keeps the verdict of every function whose hash is
unchanged. This module carries those files across a fresh clone:

- ``save`` writes every mutant's verdict and every function's hash from mutants/ to the JSON file;
- ``restore`` (before ``mutmut run``, only where mutants/ has no meta file yet) writes them back,
  keeping only the *kills*: a survivor, a mutant with no tests and a mutant not yet run are all
  tested again, against the tests as they are now. A function that changed gets new mutants and
  mutmut tests them all (its hash no longer matches).
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "tests" / "mutation-results.json"
MUTANTS = ROOT / "mutants"
# mutmut's exit codes that mean the tests noticed the mutant (mutmut/stats.py).
KILLED = {1, 3, 36, 37, -24, 24, 152}


def save() -> int:
    files = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        files[str(meta.relative_to(MUTANTS).with_suffix(""))] = {
            "hash_by_function_name": dict(sorted(data["hash_by_function_name"].items())),
            "exit_code_by_key": dict(sorted(data["exit_code_by_key"].items())),
        }
    if not files:
        print("mutation_cache: no results in mutants/ to save")
        return 1
    RESULTS.write_text(json.dumps(files, indent=1, ensure_ascii=False) + "\n")
    count = sum(len(f["exit_code_by_key"]) for f in files.values())
    print(f"mutation_cache: {count} verdicts saved to {RESULTS.relative_to(ROOT)}")
    return 0


def restore() -> int:
    if not RESULTS.exists():
        return 0
    kept = 0
    for path, data in json.loads(RESULTS.read_text()).items():
        meta = MUTANTS / f"{path}.meta"
        if meta.exists():  # mutmut's own, newer than the repo's
            continue
        codes = {
            name: code if code in KILLED else None
            for name, code in data["exit_code_by_key"].items()
        }
        kept += sum(code is not None for code in codes.values())
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(
            json.dumps(
                {
                    "exit_code_by_key": codes,
                    "hash_by_function_name": data["hash_by_function_name"],
                    "type_check_error_by_key": {},
                    "durations_by_key": {},
                    "estimated_durations_by_key": {},
                }
            )
        )
    if kept:
        print(f"mutation_cache: {kept} kills carried over from {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    commands = {"save": save, "restore": restore}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python -m tools.mutation_cache {'|'.join(commands)}")
    sys.exit(commands[sys.argv[1]]())
