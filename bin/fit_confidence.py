#!/usr/bin/env python3
"""Fit the speaker confidence model (articles/nlp/confidence.py) on a labelled corpus and print it.

Usage: bin/fit_confidence.py CORPUS_DIR [--l2 1.0]
CORPUS_DIR is PolNeAR's train split made by `bin/polnear_to_gold.py GIT_DIR var/polnear-train train` (never
its test split; never the corpora the confidences are reported on). The corpus is ingested and exported as
bin/eval_corpus.py does; each exported quote is joined (article, start) to attribution's record of it, parsed
again here, for the evidence its speaker decision rests on (confidence.SpeakerEvidence). A decision is right
when the evaluators' scorer counts the quote's attribution right (bin/confidence_report.py `judged`).

Prints SPEAKER_WEIGHTS (a logistic regression over confidence.speaker_features, L2-penalised except the bias,
fitted by Newton's method) and INFERRED_SPEAKER (the Laplace-smoothed share right of speakers inferred from
another rendering), to paste into confidence.py, then the figures of the fit on the corpus it was fitted on.
"""

import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bin"))

from confidence_report import export_corpus, judged, report  # noqa: E402


def evidence_by_quote(records: Path) -> dict[tuple[str, int], object]:
    """Attribution's record of every quote of the ingested sources, by (source name, start)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from articles.nlp.attribution import extract_quotes
    from articles.nlp.pipeline import load_pipeline
    from articles.nlp.text import prepare_text
    from articles.sources import Source, read_paths

    sources = [s for s in read_paths([records]) if isinstance(s, Source)]
    prepared = [prepare_text(title=s.title, text=s.text) for s in sources]
    found: dict[tuple[str, int], object] = {}
    docs = load_pipeline().pipe((p.body for p in prepared), batch_size=32)
    for source, text, doc in zip(sources, prepared, docs, strict=True):
        for quote in extract_quotes(doc, title_end=text.title_end):
            found.setdefault((source.source_name, quote.start), quote)
    return found


def fit(rows: list[dict[str, float]], right: list[bool], l2: float) -> dict[str, float]:
    names = sorted({name for row in rows for name in row}, key=lambda n: (n != "bias", n))
    x = numpy.array([[row.get(n, 0.0) for n in names] for row in rows])
    y = numpy.array(right, dtype=float)
    w = numpy.zeros(len(names))
    penalty = numpy.full(len(names), l2)
    penalty[names.index("bias")] = 0.0
    for _ in range(50):
        p = 1 / (1 + numpy.exp(-x @ w))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x.T * (p * (1 - p))) @ x + numpy.diag(penalty) + 1e-9 * numpy.eye(len(names))
        step = numpy.linalg.solve(hessian, gradient)
        w -= step
        if numpy.abs(step).max() < 1e-8:
            break
    return {n: round(float(v), 2) for n, v in zip(names, w, strict=True)}


def main(args: list[str]) -> int:
    l2 = 1.0
    if "--l2" in args:
        at = args.index("--l2")
        l2, args = float(args[at + 1]), args[:at] + args[at + 2 :]
    paths = [a for a in args if not a.startswith("--")]
    if len(paths) != 1:
        sys.exit(__doc__)
    corpus = Path(paths[0])
    gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as work:
        exported = Path(work, "out.jsonl")
        export_corpus(corpus, exported, Path(work))
        preds = [
            json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        evidence = evidence_by_quote(Path(work, "in.jsonl"))
    from articles.nlp import confidence

    speakers, _, _ = judged(gold, preds)
    rows, right, inferred, quotes = [], [], [], []
    missing = 0
    for p, ok in speakers:
        if p.get("speaker_decided_by") == "inferred":
            inferred.append(ok)
            continue
        quote = evidence.get((p["article"], p["start"]))
        if quote is None:
            missing += 1
            continue
        quotes.append(quote)
        rows.append(confidence.speaker_features(confidence.SpeakerEvidence.from_quote(quote)))
        right.append(ok)
    weights = fit(rows, right, l2)
    share = (sum(inferred) + 1) / (len(inferred) + 2)
    print(f"# {len(rows)} speaker decisions ({len(rows) - sum(right)} wrong), {missing} not found again;")
    print(f"# {len(inferred)} inferred ({len(inferred) - sum(inferred)} wrong)")
    print("SPEAKER_WEIGHTS: dict[str, float] = {")
    for name, value in weights.items():
        print(f'    "{name}": {value},')
    print("}")
    print(f"INFERRED_SPEAKER = {share:.2f}")
    by_feature: dict[str, list[bool]] = defaultdict(list)
    for row, ok in zip(rows, right, strict=True):
        for name in row:
            by_feature[name].append(ok)
    print("# feature: decisions, share right")
    for name in sorted(by_feature):
        print(f"#   {name}: {len(by_feature[name])}, {sum(by_feature[name]) / len(by_feature[name]):.3f}")
    confidence.SPEAKER_WEIGHTS.clear()
    confidence.SPEAKER_WEIGHTS.update(weights)
    fitted = [
        (confidence.speaker_confidence(confidence.SpeakerEvidence.from_quote(q)), ok)
        for q, ok in zip(quotes, right, strict=True)
    ]
    report("speaker (on the corpus it was fitted on, inferred left out)", fitted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
