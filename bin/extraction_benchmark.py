#!/usr/bin/env python3
"""Score how we read web pages on the scrapinghub article-extraction-benchmark (181 real news pages).

Usage: bin/extraction_benchmark.py GIT_DIR [--verbose]
GIT_DIR is a clone of github.com/scrapinghub/article-extraction-benchmark (a bare git directory will do):
its pages (html/*.html.gz) and ground-truth.json are read from its HEAD, nothing of it is copied here.

Each page goes through articles.sources.read_bytes as an uploaded .html file would. The score is the
benchmark's own: per page, true/false positives and false negatives over 4-word shingles (runs of \\w+
tokens), normalised so that every page weighs the same; precision is the mean over pages with any predicted
text, recall the mean over pages with any true text, F1 their harmonic mean. Also printed: the pages where
we found no text, the pages given a publication date (the benchmark states none; where a page's address holds
a date, /2019/11/18/ or /2019-11-18/, ours is checked against it) and the processor time per page.
"""

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.sources import Source, read_bytes  # noqa: E402

_TOKEN = re.compile(r"\w+")
_ADDRESS_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])/")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:  # a short text is one shorter shingle
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_counts(true: str, predicted: str) -> tuple[float, float, float]:
    """True positives, false positives and false negatives over shingles, as shares of their sum."""
    expected, found = shingles(true), shingles(predicted)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def ratio(tp: float, other: float, rest: float) -> float:
        return 1.0 if other == rest == 0 else tp / (tp + other) if tp + other else 0.0

    precision = statistics.mean(ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0)
    recall = statistics.mean(ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0)
    return precision, recall, 2 * precision * recall / (precision + recall)


def git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True).stdout


def main(git_dir: Path, verbose: bool) -> int:
    truth = json.loads(git(git_dir, "show", "HEAD:ground-truth.json"))
    counts = []
    empty = dated = checked = agreed = 0
    elapsed = 0.0
    for key, expected in sorted(truth.items()):
        page = gzip.decompress(git(git_dir, "show", f"HEAD:html/{key}.html.gz"))
        start = time.process_time()
        results = list(read_bytes(f"{key}.html", page))
        elapsed += time.process_time() - start
        source = results[0] if results and isinstance(results[0], Source) else None
        text = source.text if source else ""
        if not text.strip():
            empty += 1
        if source and source.published:
            dated += 1
        if written := _ADDRESS_DATE.search(expected.get("url", "")):
            checked += 1
            agreed += bool(source and str(source.published) == "-".join(written.groups()))
        counts.append(page_counts(expected.get("articleBody", ""), text))
        if verbose:
            tp, fp, fn = counts[-1]
            shown = source.published if source else results[0].reason  # type: ignore[union-attr]
            print(f"{key[:12]}  tp {tp:.2f} fp {fp:.2f} fn {fn:.2f}  {shown}")
    precision, recall, f1 = scores(counts)
    print(
        f"{len(truth)} pages: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}; "
        f"{empty} without text; {dated} with a date ({agreed} of {checked} as in the address); "
        f"{1000 * elapsed / len(truth):.1f} ms a page"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--verbose", action="store_true", help="one line a page")
    args = parser.parse_args()
    sys.exit(main(args.git_dir, args.verbose))
