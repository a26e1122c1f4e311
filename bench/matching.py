"""Group 2: matching one new article's quotes against 10k, 100k and 1M stored quotes.

A probe is an article of 8 quotes: most are renderings of stored statements (rebuilt from the generator),
the rest sentences nobody said before. Each probe runs the real candidate lookup and matcher
(`ingest._match` and `_file`) inside a transaction that is rolled back, with the in-process caches emptied first: the
figure is the cost of an article about statements the worker has not seen.

The probes run twice. Their first read finds the rows they need wherever the bulk load left them (COPY goes
around the database's buffer cache; at 1M quotes most of the 3 GB is not in it, and whether the operating
system still holds a page varies from run to run); the repeat finds them in the database's cache, as a running
ingest finds the recent statements it keeps reading. The repeat is what the code does as the data grows; the
first read adds what the machine's caches do.
"""

import hashlib
import random
import statistics
import time
import tracemalloc

from django.db import transaction

from articles import ingest
from articles.models import Article, Quote, QuoteKey
from articles.nlp import matching
from articles.nlp.matching import index_keys, normalize
from bench import synthetic
from bench.env import process_cpu, server_process

PROBES = 24  # the median of 12 moved by 10% between passes over the same rows
RECENT = 20 * synthetic.STATEMENTS_PER_DAY
QUOTES_PER_PROBE = 8


def probe_quotes(p: int, stored_statements: int, scale: int) -> list[tuple[int, str, str, int | None]]:
    """(speaker index, text, kind, id of the stored statement it renders or None) of probe p."""
    rng = random.Random(synthetic.SEED + 31 * p + scale)
    out = []
    for q in range(QUOTES_PER_PROBE):
        if rng.random() < 0.7:  # news about the last weeks' statements
            s = synthetic.statement(rng.randrange(max(0, stored_statements - RECENT), stored_statements))
            v = synthetic.variant(rng, s.renderings[0].text.split())
            out.append((s.speaker, v.text, v.kind, s.index + 1))  # (the generator's statement ids)
        else:
            out.append(
                (
                    rng.randrange(synthetic.SPEAKERS),
                    synthetic.fresh_sentence(scale * 100 + p * 10 + q),
                    "direct",
                    None,
                )
            )
    return out


def run_probe(p: int, stored_statements: int, scale: int, server: int | None = None) -> dict:
    """Match probe p's quotes; `server`: the database server's process, whose CPU counts with ours."""
    found = probe_quotes(p, stored_statements, scale)
    header = f"Probe article {scale}/{p}.\n\n"
    body, spans = synthetic.body_with([(synthetic.speaker_name(s), t) for s, t, *_ in found], header)
    timing = {"candidates": 0.0}
    real_view, real_candidates = ingest._view, ingest._candidates

    def timed(real):
        def call(*args, **kwargs):
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                timing["candidates"] += time.perf_counter() - start

        return call

    with transaction.atomic():
        article = Article.objects.create(
            source_name=f"probe/{scale}/{p}", body=body, title=header.strip(),
            published=synthetic.statement(stored_statements - 1).date,
            content_hash=hashlib.sha256(body.encode()).hexdigest(), outlet_id=p % synthetic.OUTLETS + 1,
        )  # fmt: skip
        quotes = Quote.objects.bulk_create(
            [
                Quote(article=article, speaker_id=s + 1, text=t, start=a, end=b, kind=k, sentence=t, normalized=normalize(t))
                for (s, t, k, _), (a, b) in zip(found, spans, strict=True)
            ]
        )  # fmt: skip
        QuoteKey.objects.bulk_create(
            [QuoteKey(quote=q, key=k) for q in quotes for k in set(index_keys(q.text))]
        )
        for q in quotes:  # as _store_quotes leaves them: speaker loaded
            q.speaker  # noqa: B018
        matching.ENCODINGS.clear()
        for cached in (
            matching._evidence,
            matching._content,
            matching._content_of_normal,
            matching._stem,
        ):
            cached.cache_clear()
        ingest._view, ingest._candidates = timed(real_view), timed(real_candidates)
        try:
            cpu = time.process_time() + process_cpu(server)
            start = time.perf_counter()
            matched = ingest._match(
                article_id=article.pk,
                published=article.published,
                quotes=quotes,
                tentative=[False] * len(quotes),
            )
            ingest._file(quotes=quotes, matched=matched)
            total = time.perf_counter() - start
            cpu = time.process_time() + process_cpu(server) - cpu
        finally:
            ingest._view, ingest._candidates = real_view, real_candidates
        transaction.set_rollback(True)
    decided = [(a.statement, expected) for a, (*_, expected) in zip(matched.assignments, found, strict=True)]
    return {
        "quotes": len(found),
        "seconds": total,
        "cpu_seconds": cpu,
        "candidates_seconds": timing["candidates"],
        "right": sum(statement == expected for statement, expected in decided),
        "missed": sum(statement is None for statement, expected in decided if expected),
    }


def measure(scale: int, stored_statements: int) -> dict:
    server = server_process()
    run_probe(0, stored_statements, scale)  # warm-up: model load, first queries
    first_read = [run_probe(p, stored_statements, scale, server) for p in range(1, PROBES + 1)]
    repeat = [run_probe(p, stored_statements, scale, server) for p in range(1, PROBES + 1)]
    return {
        **_figures(repeat),
        **_figures(first_read, prefix="first_read_"),
        "probes": PROBES,
        # What matching decided (the same on both passes): a cheaper lookup must not find fewer statements.
        "probe_quotes": sum(r["quotes"] for r in repeat),
        "grouped_right": sum(r["right"] for r in repeat),
        "missed": sum(r["missed"] for r in repeat),
    }


def _figures(runs: list[dict], *, prefix: str = "") -> dict:
    per_quote = [r["seconds"] / r["quotes"] for r in runs]
    cpu_per_quote = [r["cpu_seconds"] / r["quotes"] for r in runs]
    db_per_quote = [r["candidates_seconds"] / r["quotes"] for r in runs]
    return {
        f"{prefix}ms_per_quote_median": round(1000 * statistics.median(per_quote), 2),
        f"{prefix}cpu_ms_per_quote_median": round(1000 * statistics.median(cpu_per_quote), 2),
        f"{prefix}ms_per_quote_p90": round(1000 * sorted(per_quote)[int(0.9 * (len(per_quote) - 1))], 2),
        f"{prefix}candidate_lookup_ms_per_quote_median": round(1000 * statistics.median(db_per_quote), 2),
    }


def matcher_memory(scale: int, stored_statements: int) -> int:
    """Peak bytes allocated by Python and numpy while matching the probes (tracemalloc)."""
    tracemalloc.start()
    try:
        for p in range(1, PROBES + 1):
            run_probe(p, stored_statements, scale)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
