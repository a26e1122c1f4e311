#!/usr/bin/env python3
"""How matching's `match` threshold separates the labelled pairs of tests/data/matching_pairs.json.

Usage: bin/fit_matching.py [--from 0.50] [--to 0.75] [--step 0.01]
Each pair is decided as two renderings of one article (the case `match` alone governs), with words only and
with meaning (when embedding.py's model is installed), at each value of `match`; every other number stays at
matching.TUNING. Prints, per value, how many pairs are wrongly merged and wrongly kept apart. The stored value
is the one with the fewest errors with meaning and no pair wrongly merged (2026-12-07: 0.62, the only such
value: a narrow optimum on 42 pairs); confirm a change with `make eval` (the corpora) and `make test`
(tests/nlp/test_matching.py holds the same pairs to at most 2 errors with meaning).
"""

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.nlp import embedding  # noqa: E402
from articles.nlp.matching import TUNING, Rendering, assign_statements  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "matching_pairs.json"


def errors(pairs: list[dict], *, match: float, meaning: bool) -> tuple[list[dict], list[dict]]:
    """(pairs merged that are not one statement, pairs kept apart that are)."""
    tuning = dataclasses.replace(TUNING, match=match)
    merged, missed = [], []
    for pair in pairs:
        new = [
            Rendering(text=pair[side], kind="direct", speaker="A", published=None, article="x")
            for side in "ab"
        ]
        out = assign_statements(new=new, candidates={}, use_embedding=meaning, tuning=tuning)
        together = out[0].group == out[1].group
        if together and not pair["same"]:
            merged.append(pair)
        elif not together and pair["same"]:
            missed.append(pair)
    return merged, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="low", type=float, default=0.50)
    parser.add_argument("--to", dest="high", type=float, default=0.75)
    parser.add_argument("--step", type=float, default=0.01)
    args = parser.parse_args()
    pairs = json.loads(PAIRS.read_text())["pairs"]
    modes = [False, True] if embedding.available() else [False]
    print(
        f"{len(pairs)} pairs ({sum(p['same'] for p in pairs)} one statement); stored match = {TUNING.match}"
    )
    print(
        "match | " + " | ".join("meaning: merged / missed" if m else "words: merged / missed" for m in modes)
    )
    steps = round((args.high - args.low) / args.step)
    for i in range(steps + 1):
        match = round(args.low + i * args.step, 4)
        cells = []
        for meaning in modes:
            merged, missed = errors(pairs, match=match, meaning=meaning)
            cells.append(f"{len(merged):>2} / {len(missed):>2}")
        mark = "  <- stored" if abs(match - TUNING.match) < 1e-9 else ""
        print(f"{match:.2f}  | " + " | ".join(f"{c:>24}" for c in cells) + mark)


if __name__ == "__main__":
    main()
