"""`make mutate`'s summary (tools/mutation_report.py): the score, the survivors no one has
explained, and the explanations no survivor needs any more."""

import pytest

from tools import mutation_report

RESULTS = {
    "guidance.a.x_f__mutmut_1": "killed",
    "guidance.a.x_f__mutmut_2": "survived",
    "guidance.a.x_f__mutmut_3": "survived",
    "guidance.a.x_g__mutmut_1": "timeout",
    "guidance.a.x_g__mutmut_2": "no tests",
    "guidance.a.x_g__mutmut_3": "not checked",
}


@pytest.fixture
def listed(tmp_path, monkeypatch):
    monkeypatch.setattr(mutation_report, "results", lambda: RESULTS)
    path = tmp_path / "MUTANTS.md"
    monkeypatch.setattr(mutation_report, "LISTED", path)
    return path


def test_the_score_counts_every_mutant_run_and_the_listed_survivors_out(listed, capsys):
    listed.write_text("- `guidance.a.x_f__mutmut_2`: equivalent.\n")
    assert mutation_report.main() == 0
    out = capsys.readouterr().out
    assert "mutate: 5 mutants tested (1 not run)" in out
    assert "mutate: score 40.0% killed (2 of 5)" in out
    assert "score counting them out: 50.0%" in out
    assert "mutate: 2 survivors not listed" in out
    assert "  guidance.a.x_f__mutmut_3: survived  [guidance.a.f]" in out
    assert "  guidance.a.x_g__mutmut_2: no tests  [guidance.a.g]" in out


def test_every_survivor_listed_is_said(listed, capsys):
    listed.write_text("- `guidance.a.x_f__mutmut_[23]`: equivalent.\n- `guidance.a.x_g__*`: x.\n")
    mutation_report.main()
    out = capsys.readouterr().out
    assert "mutate: every survivor is listed in tests/MUTANTS.md" in out
    assert "match no survivor" not in out


def test_an_entry_for_a_mutant_killed_since_or_renumbered_is_named(listed, capsys):
    listed.write_text(
        "- `guidance.a.x_f__mutmut_[23]`: equivalent.\n"
        "- `guidance.a.x_f__mutmut_1`: killed since.\n"
        "- `guidance.a.x_h__mutmut_7`: its function is gone.\n"
        "- `guidance.a.x_g__mutmut_2`: no tests reach it.\n"
    )
    mutation_report.main()
    out = capsys.readouterr().out
    assert "mutate: 2 entries in tests/MUTANTS.md match no survivor" in out
    assert out.endswith("  guidance.a.x_f__mutmut_1\n  guidance.a.x_h__mutmut_7\n")


def test_an_entry_that_also_matches_a_killed_mutant_is_named_to_narrow(listed, capsys):
    listed.write_text(
        "- `guidance.a.x_f__mutmut_*`: claims the kill too.\n- `guidance.a.x_g__*`: x.\n"
    )
    mutation_report.main()
    out = capsys.readouterr().out
    assert "mutate: every survivor is listed in tests/MUTANTS.md" in out
    assert "mutate: 2 entries in tests/MUTANTS.md also match killed mutants: narrow them:" in out
    assert "  guidance.a.x_f__mutmut_*: 1 killed\n  guidance.a.x_g__*: 1 killed\n" in out
