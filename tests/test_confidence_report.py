"""bin/confidence_report.py's second judgement of statement decisions: by where each rendering was filed."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _report():
    spec = importlib.util.spec_from_file_location("confidence_report", ROOT / "bin" / "confidence_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _judge(pairs: list[tuple[str | None, str | None]]) -> list[bool]:
    """(gold statement, predicted statement) per rendering -> right per rendering."""
    matched = [
        ({"statement": gold}, {"statement": predicted, "n": i}) for i, (gold, predicted) in enumerate(pairs)
    ]
    judged = _report().misfiled(matched)
    assert [p["n"] for p, _ in judged] == list(range(len(pairs)))
    return [right for _, right in judged]


def test_a_statement_split_in_two_makes_only_its_smaller_part_wrong():
    assert _judge([("A", "1")] * 4 + [("A", "2")] * 2) == [True] * 4 + [False] * 2


def test_a_rendering_merged_into_another_statement_is_wrong_and_the_others_are_not():
    assert _judge([("A", "1")] * 3 + [("B", "1")]) == [True, True, True, False]


def test_a_rendering_gold_gives_no_statement_is_right_alone_and_wrong_when_it_shares_one():
    assert _judge([(None, "1"), (None, "2"), (None, None)]) == [True, True, True]
    assert _judge([(None, "1"), ("A", "1"), ("A", "1")]) == [False, True, True]


def test_a_rendering_left_out_of_its_statement_is_wrong():
    assert _judge([("A", "1"), ("A", "1"), ("A", None)]) == [True, True, False]
