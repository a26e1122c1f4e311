"""Group 1 and 4: ingest end to end against the bare spaCy pipe over the same texts, and peak memory.

Run as a subprocess per configuration (`python -m bench.ingest_overhead URL WORKERS COUNT [bench|dev]`) so each run starts
with a cold process, an empty database and its own peak-RSS figure; prints one JSON line.
"""

import json
import resource
import sys
import time

# The bare pipe parses in spaCy's throughput batches; ingest uses smaller ones (articles/parsing.py).
BARE_BATCH = 32


def main(url: str, workers: int, count: int, corpus: str = "bench") -> dict:
    """`corpus`: "bench" (rewrites of a few articles, `count` of them: their quotes come back again and again)
    or "dev" (the development corpus's articles, all of them: new text, as most real ingest is)."""
    from bench.env import process_cpu, server_process, setup_django

    setup_django(url)
    from django.core.management import call_command

    from articles.ingest import ingest_sources
    from articles.nlp import embedding
    from articles.nlp.pipeline import load_pipeline
    from articles.nlp.text import prepare_text
    from articles.sources import Source, read_paths
    from bench.corpus import articles
    from bench.env import ROOT

    call_command("migrate", verbosity=0, interactive=False)
    if corpus == "dev":
        sources = [
            s for s in read_paths([ROOT / "tests" / "data" / "dev" / "articles"]) if isinstance(s, Source)
        ]
        count = len(sources)
    else:
        sources = articles(count)
    bodies = [prepare_text(title=s.title, text=s.text).body for s in sources]
    nlp = load_pipeline()
    # Warm-up: first-call costs are not throughput. The parse's model is loaded above (the parsers fork with
    # it); the meaning model the writer loads on its first encoding is loaded here too.
    list(nlp.pipe(bodies[:8], batch_size=BARE_BATCH))
    if embedding.available():
        embedding.encode(texts=["warm-up"])

    def bare() -> float:
        start = time.perf_counter()
        for _doc in nlp.pipe(bodies, batch_size=BARE_BATCH, n_process=workers):
            pass
        return time.perf_counter() - start

    # Bare pipe before and after ingest: the machine's drift during the run falls on both sides.
    bare_before = bare()
    server = server_process()
    cpu_before, server_before = _cpu(), process_cpu(server)
    start = time.perf_counter()
    statuses: dict[str, int] = {}
    quotes = 0
    for outcome in ingest_sources(sources=sources, workers=workers):
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        quotes += outcome.quotes
    ingest_seconds = time.perf_counter() - start
    writer_cpu, parser_cpu = (after - before for after, before in zip(_cpu(), cpu_before, strict=True))
    server_cpu = process_cpu(server) - server_before
    bare_after = bare()
    bare_seconds = (bare_before + bare_after) / 2
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "workers": workers,
        "corpus": corpus,
        "articles": count,
        "quotes": quotes,
        "statuses": statuses,
        "bare_seconds": round(bare_seconds, 3),
        "bare_spread": round(abs(bare_before - bare_after) / bare_seconds, 3),
        "ingest_seconds": round(ingest_seconds, 3),
        "bare_articles_per_s": round(count / bare_seconds, 2),
        "ingest_articles_per_s": round(count / ingest_seconds, 2),
        "ratio": round(bare_seconds / ingest_seconds, 3),
        # CPU time per article of this process (cleaning, matching, writing) and of the parser processes: on
        # a quiet machine with a core for each, the larger of the two sets the pace.
        "writer_cpu_ms_per_article": round(1000 * writer_cpu / count, 1),
        "parser_cpu_ms_per_article": round(1000 * parser_cpu / count, 1),
        # The database server's process serving the writer (PostgreSQL on this machine; 0 for SQLite, whose
        # work is the writer's own): it runs on the same cores.
        "server_cpu_ms_per_article": round(1000 * server_cpu / count, 1),
        "peak_rss_bytes": own,
        "peak_rss_child_bytes": children,
    }


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:5])))
