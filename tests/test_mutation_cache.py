"""`make mutate` carries its verdicts across a fresh clone (tools/mutation_cache.py): kills of
unchanged functions are kept, every other verdict is tested again."""

import json

import pytest

from tools import mutation_cache


@pytest.fixture
def places(tmp_path, monkeypatch):
    monkeypatch.setattr(mutation_cache, "MUTANTS", tmp_path / "mutants")
    monkeypatch.setattr(mutation_cache, "RESULTS", tmp_path / "mutation-results.json")
    monkeypatch.setattr(mutation_cache, "ROOT", tmp_path)
    return tmp_path


def meta(codes: dict) -> dict:
    return {
        "exit_code_by_key": codes,
        "hash_by_function_name": {"x_f": "abc", "x_g": "def"},
        "type_check_error_by_key": {},
        "durations_by_key": {name: 1.0 for name in codes},
        "estimated_durations_by_key": {},
    }


def test_a_fresh_clone_keeps_only_the_kills_and_tests_the_rest_again(places):
    codes = {
        "guidance.m.x_f__mutmut_1": 1,  # killed
        "guidance.m.x_f__mutmut_2": 0,  # survived
        "guidance.m.x_f__mutmut_3": 33,  # no tests
        "guidance.m.x_g__mutmut_1": 36,  # timeout: the tests noticed it
        "guidance.m.x_g__mutmut_2": None,  # not run yet
    }
    (places / "mutants/guidance").mkdir(parents=True)
    (places / "mutants/guidance/m.py.meta").write_text(json.dumps(meta(codes)))
    assert mutation_cache.save() == 0
    saved = json.loads((places / "mutation-results.json").read_text())
    assert saved == {
        "guidance/m.py": {
            "hash_by_function_name": {"x_f": "abc", "x_g": "def"},
            "exit_code_by_key": codes,
        }
    }

    (places / "mutants/guidance/m.py.meta").unlink()  # a fresh clone
    assert mutation_cache.restore() == 0
    restored = json.loads((places / "mutants/guidance/m.py.meta").read_text())
    assert restored["exit_code_by_key"] == {
        "guidance.m.x_f__mutmut_1": 1,
        "guidance.m.x_f__mutmut_2": None,
        "guidance.m.x_f__mutmut_3": None,
        "guidance.m.x_g__mutmut_1": 36,
        "guidance.m.x_g__mutmut_2": None,
    }
    assert restored["hash_by_function_name"] == {"x_f": "abc", "x_g": "def"}


def test_mutmuts_own_results_are_never_overwritten(places):
    (places / "mutants/guidance").mkdir(parents=True)
    own = places / "mutants/guidance/m.py.meta"
    own.write_text(json.dumps(meta({"guidance.m.x_f__mutmut_1": 0})))
    (places / "mutation-results.json").write_text(
        json.dumps(
            {
                "guidance/m.py": {
                    "hash_by_function_name": {"x_f": "old"},
                    "exit_code_by_key": {"guidance.m.x_f__mutmut_1": 1},
                }
            }
        )
    )
    mutation_cache.restore()
    assert json.loads(own.read_text())["exit_code_by_key"] == {"guidance.m.x_f__mutmut_1": 0}


def test_nothing_to_save_is_said(places, capsys):
    assert mutation_cache.save() == 1
    assert "no results in mutants/" in capsys.readouterr().out
