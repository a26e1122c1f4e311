"""Group 1 and 4: ingest end to end against the bare spaCy pipe over the same texts, and peak memory.

Run as a subprocess per configuration (`python -m bench.ingest_overhead URL WORKERS COUNT`) so each run starts
with a cold process, an empty database and its own peak-RSS figure; prints one JSON line.
"""

import json
import resource
import sys
import time


def main(url: str, workers: int, count: int) -> dict:
    from bench.env import setup_django

    setup_django(url)
    from django.core.management import call_command

    from articles.ingest import BATCH_SIZE, ingest_sources
    from articles.nlp.pipeline import load_pipeline
    from articles.nlp.text import prepare_text
    from bench.corpus import articles

    call_command("migrate", verbosity=0, interactive=False)
    sources = articles(count)
    bodies = [prepare_text(title=s.title, text=s.text).body for s in sources]
    nlp = load_pipeline()
    list(nlp.pipe(bodies[:8], batch_size=BATCH_SIZE))  # warm-up: first-call costs are not throughput

    def bare() -> float:
        start = time.perf_counter()
        for _doc in nlp.pipe(bodies, batch_size=BATCH_SIZE, n_process=workers):
            pass
        return time.perf_counter() - start

    # Bare pipe before and after ingest: the machine's drift during the run falls on both sides.
    bare_before = bare()
    start = time.perf_counter()
    statuses: dict[str, int] = {}
    quotes = 0
    for outcome in ingest_sources(sources=sources, workers=workers):
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        quotes += outcome.quotes
    ingest_seconds = time.perf_counter() - start
    bare_after = bare()
    bare_seconds = (bare_before + bare_after) / 2
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "workers": workers,
        "articles": count,
        "quotes": quotes,
        "statuses": statuses,
        "bare_seconds": round(bare_seconds, 3),
        "bare_spread": round(abs(bare_before - bare_after) / bare_seconds, 3),
        "ingest_seconds": round(ingest_seconds, 3),
        "bare_articles_per_s": round(count / bare_seconds, 2),
        "ingest_articles_per_s": round(count / ingest_seconds, 2),
        "ratio": round(bare_seconds / ingest_seconds, 3),
        "peak_rss_bytes": own,
        "peak_rss_child_bytes": children,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
