#!/usr/bin/env python3
"""How honest the confidences in a quote export are, against a gold file.

Usage: bin/confidence_report.py CORPUS_DIR [--body-only] [--keep-export PATH]
       bin/confidence_report.py GOLD.json EXPORT.jsonl [--body-only]
       bin/confidence_report.py --labels LABELS.json
With a corpus directory (articles/ and gold.json: tests/data/dev, or a PolNeAR split made by
bin/polnear_to_gold.py) it first ingests it into a throwaway database and exports it, as bin/eval_corpus.py
does. --body-only leaves out headline renderings (PolNeAR annotates none).

Decisions are judged on the quotes the evaluators' scorer (bin/score_quotes.py) matches to gold, with its own
matching and speaker names:
- a speaker decision is wrong when the scorer counts the quote's attribution wrong (quotes it leaves out of
  attribution accuracy are left out here too);
- a statement decision is wrong when the rendering's statement disagrees with the gold pairs: a matched
  rendering that gold puts with it is in another statement, or one that gold keeps apart is in the same
  (a statement split in two makes every rendering of both parts wrong);
- and, second, judged by where the rendering itself was filed (see `misfiled`): only the renderings away
  from their gold statement's main part, or merged into another's, are wrong.
For each: the share of the wrong decisions among the least confident 10% and 20% of decisions (ties at the
cut counted in proportion, as a random order among them would), and the share right per confidence bucket.

With --labels (tests/data/dev_labels.json: renderings paired with a reference, labelled by annotators) it
judges the labels the statement page proposes, and their confidence: a proposal is wrong when it is not the
annotators' label (items the annotators labelled differently are left out).
"""

import itertools
import json
import math
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bin"))

import score_quotes  # noqa: E402  (the evaluators' scorer, kept as it is)
from eval_corpus import export_corpus  # noqa: E402

BUCKETS = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0)]


def judged(
    gold: dict, preds: list[dict]
) -> tuple[list[tuple[dict, bool]], list[tuple[dict, bool]], list[tuple[dict, bool]]]:
    """(prediction, right) for every speaker decision and every statement decision the scorer can judge: the
    statements judged by gold pairs, then by where each rendering was filed (see misfiled)."""
    names = score_quotes.speaker_names(gold)
    surname = gold.get("speaker_match") == "surname"
    files = [a["file"] for a in gold["articles"]]

    def article_of(p: dict) -> str:
        a = str(p.get("article", ""))
        for f in files:
            if a == f or a.endswith("/" + f) or a == f.rsplit(".", 1)[0]:
                return f
        return a

    speakers: list[tuple[dict, bool]] = []
    matched: list[tuple[dict, dict]] = []
    for f in files:
        g_direct = [q for q in gold["quotes"] if q["file"] == f]
        g_excl = [q for q in gold.get("excluded", []) if q["file"] == f]
        p_dir = [p for p in preds if article_of(p) == f and p.get("kind") != "indirect"]
        for gi, pi, _ in score_quotes.match(g_direct + g_excl, p_dir):
            if gi >= len(g_direct):
                continue
            g, p = g_direct[gi], p_dir[pi]
            matched.append((g, p))
            if g.get("speaker_scorable") is not False:
                speakers.append((p, score_quotes.speaker_ok(p.get("speaker"), g["speaker"], names, surname)))
    wrong = set()
    for (i, (g1, p1)), (j, (g2, p2)) in itertools.combinations(enumerate(matched), 2):
        gs = g1["statement"] is not None and g1["statement"] == g2["statement"]
        ps = p1.get("statement") is not None and p1.get("statement") == p2.get("statement")
        if gs != ps:
            wrong.update((i, j))
    statements = [(p, i not in wrong) for i, (_, p) in enumerate(matched)]
    return speakers, statements, misfiled(matched)


def misfiled(matched: list[tuple[dict, dict]]) -> list[tuple[dict, bool]]:
    """(prediction, right) per rendering, judging only where it was filed: each gold statement's home is the
    predicted statement holding most of its renderings, and each predicted statement belongs to the gold
    statement most of its renderings have. A rendering is right when it sits in its gold statement's home and
    that home is its gold statement's (a statement split in two: the smaller part is wrong, not the whole),
    or, when gold gives it no statement, when it shares its predicted statement with no other rendering."""
    gold_of = [g["statement"] for g, _ in matched]
    pred_of = [p.get("statement") for _, p in matched]
    pairs = list(zip(gold_of, pred_of, strict=True))
    home = {
        statement: _most_common(p for g, p in pairs if g == statement) for statement in set(gold_of) - {None}
    }
    owner = {
        statement: _most_common(g for g, p in pairs if p == statement) for statement in set(pred_of) - {None}
    }
    shared = Counter(p for p in pred_of if p is not None)
    return [
        (
            p,
            shared[pred] == 1 or pred is None
            if gold is None
            else pred == home[gold] and (pred is None or owner[pred] == gold),
        )
        for (_, p), gold, pred in zip(matched, gold_of, pred_of, strict=True)
    ]


def _most_common(values: Iterable[str | None]) -> str | None:
    return Counter(values).most_common(1)[0][0]


def capture(decisions: list[tuple[float, bool]], share: float) -> float:
    """Share of the wrong decisions among the least confident `share` of all (ties at the cut in proportion)."""
    wrong_total = sum(not right for _, right in decisions)
    if not wrong_total:
        return 1.0
    slots = math.ceil(share * len(decisions))
    caught = 0.0
    ordered = sorted(decisions, key=lambda d: d[0])
    for _, group in itertools.groupby(ordered, key=lambda d: d[0]):
        members = list(group)
        wrong = sum(not right for _, right in members)
        take = min(slots, len(members))
        caught += wrong * take / len(members)
        slots -= take
        if not slots:
            break
    return caught / wrong_total


def report(title: str, decisions: list[tuple[float, bool]]) -> None:
    wrong = sum(not right for _, right in decisions)
    print(f"{title}: {len(decisions)} decisions, {wrong} wrong")
    if not decisions:
        return
    print(
        f"  wrong ones among the least confident 10%: {capture(decisions, 0.1):.0%}, "
        f"20%: {capture(decisions, 0.2):.0%}"
    )
    print("  confidence   n  share right")
    for low, high in BUCKETS:
        inside = [r for c, r in decisions if low <= c < high or (high == 1.0 and c == 1.0)]
        right = f"{sum(inside) / len(inside):.3f}" if inside else "-"
        print(f"  {low:.1f}-{high:.1f}  {len(inside):5}  {right}")


def labels(path: Path) -> int:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from articles.nlp.confidence import label_confidence
    from articles.nlp.diff import propose_label

    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    agreed = [item for item in items if len(set(item["labels"])) == 1]
    decisions, confused = [], Counter()
    for item in agreed:
        proposal = propose_label(
            reference=item["reference"], other=item["rendering"], other_kind=item["kind"]
        )
        gold = item["labels"][0]
        decisions.append((label_confidence(proposal), proposal.label == gold))
        if proposal.label != gold:
            confused[(gold, proposal.label)] += 1
    print(f"{len(items)} labelled renderings, {len(agreed)} labelled alike by every annotator")
    report("proposed label", decisions)
    print("  wrong (annotators' label -> proposed):")
    for (gold, proposed), n in confused.most_common():
        print(f"  {n:4}  {gold} -> {proposed}")
    return 0


def main(args: list[str]) -> int:
    if args[:1] == ["--labels"] and len(args) == 2:
        return labels(Path(args[1]))
    body_only = "--body-only" in args
    keep = args[args.index("--keep-export") + 1] if "--keep-export" in args else None
    paths = [a for a in args if not a.startswith("--") and a != keep]
    if len(paths) not in (1, 2):
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as work:
        if len(paths) == 1:
            corpus = Path(paths[0])
            gold_path, export = corpus / "gold.json", Path(keep or Path(work, "out.jsonl"))
            try:
                export_corpus(corpus, export, Path(work))
            except RuntimeError as error:
                sys.exit(f"confidence_report: {error}")
        else:
            gold_path, export = Path(paths[0]), Path(paths[1])
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        preds = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines() if line.strip()]
    if body_only:
        preds = [p for p in preds if p.get("kind") != "headline"]
    speakers, statements, filed = judged(gold, preds)

    def rated(pairs: list[tuple[dict, bool]], field: str) -> list[tuple[float, bool]]:
        return [(p[field], right) for p, right in pairs if p.get(field) is not None]

    report("speaker", rated(speakers, "speaker_confidence"))
    if any(g["statement"] is not None for g in gold["quotes"]):
        report("statement", rated(statements, "statement_confidence"))
        report("statement, judged by where each rendering was filed", rated(filed, "statement_confidence"))
    else:
        print("statement: the gold file has no statements")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
