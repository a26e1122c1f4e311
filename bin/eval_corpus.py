#!/usr/bin/env python3
"""Ingest a labelled corpus into a throwaway SQLite database, as an admin would load it (outlet, date and
address given), export the quotes and score them with the evaluators' scorer.

Usage: bin/eval_corpus.py CORPUS_DIR [--verbose] [--body-only]
CORPUS_DIR holds articles/ and gold.json (tests/data/dev, or a PolNeAR split made by bin/polnear_to_gold.py).
Prints the scorer's lines; the last is the one-line summary. --body-only scores a second time without the
headline renderings, for corpora that annotate no quotation in titles (PolNeAR).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export_corpus(corpus: Path, exported: Path, work: Path) -> None:
    """Ingest a labelled corpus into a throwaway database in `work` as an admin would (outlet, date and address
    given) and export its quotes to `exported`. Raises RuntimeError naming the step that failed."""
    gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    records = work / "in.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for article in gold["articles"]:
            record = {
                "source_name": article["file"],
                "text": (corpus / "articles" / article["file"]).read_text(encoding="utf-8"),
                "outlet": article.get("outlet"),
                "published": article.get("published"),
                "url": article.get("url"),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{work}/eval.sqlite3"}
    for command in (
        ["migrate", "--no-input", "--verbosity", "0"],
        ["ingest", str(records)],
        ["export_quotes", "--output", str(exported)],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {command[0]} failed:\n{done.stderr[-2000:]}")


def main(corpus: Path, verbose: bool, body_only: bool = False) -> int:
    with tempfile.TemporaryDirectory() as work:
        exported = Path(work, "out.jsonl")
        try:
            export_corpus(corpus, exported, Path(work))
        except RuntimeError as error:
            print(f"eval_corpus: {error}", file=sys.stderr)
            return 1
        scorer = [
            sys.executable,
            str(ROOT / "bin" / "score_quotes.py"),
            str(corpus / "gold.json"),
            str(exported),
        ]
        done = subprocess.run([*scorer, *(["--verbose"] if verbose else [])])
        if done.returncode or not body_only:
            return done.returncode
        # PolNeAR annotates no quotation in titles (none of its 6,486 train quotes): score the body alone too
        body = Path(work, "body.jsonl")
        with exported.open(encoding="utf-8") as lines, body.open("w", encoding="utf-8") as out:
            out.writelines(line for line in lines if json.loads(line).get("kind") != "headline")
        print("== the same without headline renderings (the corpus annotates none)", flush=True)
        return subprocess.run([*scorer[:-1], str(body)]).returncode


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a not in ("--verbose", "--body-only")]
    if len(args) != 1:
        sys.exit(__doc__)
    sys.exit(main(Path(args[0]), "--verbose" in sys.argv, "--body-only" in sys.argv))
