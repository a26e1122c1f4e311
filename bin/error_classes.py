#!/usr/bin/env python3
"""Count a quote export's errors against a gold file by the error classes of the attribution issue.

Usage: bin/error_classes.py GOLD.json EXPORT.jsonl  (EXPORT from `manage.py export_quotes`, which keeps the
speaker as written and the cue; `bin/eval_corpus.py` scores the same export). The classes are read off the
export by rules of thumb, so a few errors land in a neighbouring class; each error is counted once, in the
first class that fits, in this order:

 1 headline words glued to a name    the name given contains words of the article's headline around a name
 3 honorific left unresolved         written "Mr./Ms./Mrs./Dr. X" and the name given is not the person
 5 interview label                   written as a "NAME:" label, or cued by a colon
 4 stand-alone or continued quote    no cue of its own (it took, or failed to take, the speaker of the floor)
 8 one person, another spelling      the name given shares the gold name's surname but is not accepted
 2 neighbouring words glued          the name given shares a word with the gold name but has other words
 6 institution or description        the speaker is written as a description or an institution
 - other attribution                 pronouns resolved to the wrong person and the rest
 9 extraction                        gold quotes not found: short partials, headline quotes, odd marks, other
10 grouping                          pairs of one statement split apart, and pairs merged wrongly
Class 7 (nested quotations) is not told apart by these rules.
"""

import importlib.util
import itertools
import json
import re
import sys
from collections import Counter
from pathlib import Path

spec = importlib.util.spec_from_file_location("score_quotes", Path(__file__).with_name("score_quotes.py"))
assert spec is not None and spec.loader is not None
sq = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sq)

HONORIFIC = re.compile(r"^(mr|mrs|ms|miss|dr)\.?\s", re.IGNORECASE)
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}


def attribution_class(gold_quote, pred, names, headline: str, body: str) -> str:
    got = pred.get("speaker") or ""
    written = pred.get("speaker_as_written") or ""
    want = gold_quote["speaker"] or ""
    accepted = names.get(want, {sq.norm(want)})
    got_words = set(sq.tokens(got))
    want_words = set().union(*(set(sq.tokens(n)) for n in accepted))
    headline_only = [
        w for w in got.split() if w in headline.split() and not re.search(rf"\b{re.escape(w)}\b", body)
    ]
    if len(got.split()) >= 2 and headline_only:  # "Okafor Warns": a word the body never gives as a name
        return "1 headline words glued to a name"
    if HONORIFIC.match(written):
        return "3 honorific left unresolved"
    if pred.get("cue") == ":" or re.fullmatch(r"[A-Z][A-Z .'-]+", written or "-"):
        return "5 interview label"
    if not pred.get("cue"):
        return "4 stand-alone or continued quote"
    if got and want and sq.tokens(got)[-1:] == sq.tokens(want)[-1:]:
        return "8 one person, another spelling"
    if got and got_words & want_words:
        return "2 neighbouring words glued"
    if (
        written
        and written.lower() not in PRONOUNS
        and not written[:1].isupper()
        or (written.lower().startswith("the "))
    ):
        return "6 institution or description"
    return "- other attribution"


def extraction_class(gold_quote, text) -> str:
    body = text[gold_quote["start"] - 2 : gold_quote["start"] + len(gold_quote["text"]) + 2]
    if gold_quote.get("kind") == "headline":
        return "9 missed: headline quote"
    if len(gold_quote["text"].split()) <= 3:
        return "9 missed: short partial"
    if (
        "``" in body
        or "''" in body
        or gold_quote["start"] == 0
        or text[gold_quote["start"] - 1] not in "\"'“”‘’«»„`"
    ):
        return "9 missed: odd or missing marks"
    return "9 missed: other"


def main(gold_path: str, export_path: str) -> None:
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    preds = [json.loads(line) for line in Path(export_path).read_text(encoding="utf-8").splitlines() if line]
    names, surname = sq.speaker_names(gold), gold.get("speaker_match") == "surname"
    articles_dir = Path(gold_path).parent / "articles"
    counts: Counter[str] = Counter()
    matched = []
    for article in gold["articles"]:
        f = article["file"]
        text = (articles_dir / f).read_text(encoding="utf-8")
        headline = text.split("\n", 1)[0]
        g = [q for q in gold["quotes"] if q["file"] == f]
        ex = [q for q in gold.get("excluded", []) if q["file"] == f]
        p = [x for x in preds if x["article"] == f and x.get("kind") != "indirect"]
        hit = set()
        for gi, pi, _ in sq.match(g + ex, p):
            if gi >= len(g):
                continue
            hit.add(gi)
            matched.append((g[gi], p[pi]))
            if g[gi].get("speaker_scorable") is False:
                continue
            if not sq.speaker_ok(p[pi].get("speaker"), g[gi]["speaker"], names, surname):
                counts[attribution_class(g[gi], p[pi], names, headline, text[len(headline) :])] += 1
        for gi, q in enumerate(g):
            if gi not in hit:
                counts[extraction_class(q, text)] += 1
    for (g1, p1), (g2, p2) in itertools.combinations(matched, 2):
        same_gold = g1["statement"] is not None and g1["statement"] == g2["statement"]
        same_pred = p1.get("statement") is not None and p1.get("statement") == p2.get("statement")
        if same_gold and not same_pred:
            counts["10 pairs split"] += 1
        elif same_pred and not same_gold:
            counts["10 pairs merged"] += 1
    for name, count in sorted(counts.items()):
        print(f"{count:5d}  {name}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
