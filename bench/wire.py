"""Group 5: one statement, many renderings (`python -m bench.wire URL [RENDERINGS]`): one agency story carried
word for word by a thousand outlets, stored through the real write path (`ingest.store_article`, each copy
parsed once: the copies differ only after their last quote). Figures: the time to add the 1,000th rendering
over the time to add the 10th (medians of the copies around them), elapsed and in CPU (this process's and the
database server's), and the statement page's server time with 1,000 renderings. Prints JSON."""

import json
import statistics
import sys
import time
from dataclasses import replace

STORY = (
    "Port authority sets new levy\n\n"
    "The port authority of Port Ellis set a new levy on Monday after months of talks with shipping lines.\n\n"
    "“The levy pays for the sea wall and the pumps, and every ship that docks here will pay its share,” "
    "said Marta Kowalska, who chairs the authority.\n"
)
AROUND = 5  # copies timed either side of the 10th and the 1,000th


def main(url: str, renderings: int) -> dict:
    from bench.env import process_cpu, server_process, setup_django

    setup_django(url)
    from django.core.management import call_command
    from django.db import reset_queries
    from django.test import Client
    from django.urls import reverse

    from articles import ingest, sql
    from articles.models import Statement
    from articles.nlp.attribution import extract_quotes
    from articles.nlp.pipeline import load_pipeline
    from articles.nlp.text import prepare_text
    from articles.sources import Source
    from bench.pages import median_ms

    call_command("migrate", verbosity=0, interactive=False)
    prepared = prepare_text(title=None, text=STORY)
    quotes = extract_quotes(load_pipeline()(prepared.body), title_end=prepared.title_end)
    assert [q.speaker for q in quotes] == ["Marta Kowalska"], quotes
    speakers = ingest.SpeakerCache()
    planner = sql.Statistics(ingest.MATCHING_TABLES)  # as ingest_sources keeps them
    server = server_process()
    seconds, cpu_seconds = [], []  # elapsed; CPU of this process and the database server's
    for copy in range(1, renderings + AROUND + 1):
        body = f"{prepared.body}\n\n(Agency copy {copy})"  # after the quote: its offsets hold
        item = ingest._Pending(
            Source(f"wire/{copy:05d}.txt", body, None, outlet=f"Outlet {copy}"),
            replace(prepared, body=body),
            ingest.content_hash(body),
            quotes=quotes,
        )
        cpu, start = time.process_time() + process_cpu(server), time.perf_counter()
        outcome = ingest.store_article(item=item, overrides=ingest.Overrides(), speakers=speakers)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() + process_cpu(server) - cpu)
        planner.article_written()
        assert outcome.status == "created", outcome
    statement = Statement.objects.get()
    assert statement.rendering_count == renderings + AROUND, statement.rendering_count

    def around(n: int, times: list[float] = seconds) -> float:
        return statistics.median(times[n - AROUND : n + AROUND])

    reset_queries()  # (the log of the ingest above is full: counting needs it empty)
    page_ms, page_queries = median_ms(
        Client(HTTP_HOST="localhost"), reverse("statement_detail", args=[statement.pk])
    )
    return {
        "renderings": statement.rendering_count,
        "add_10th_ms": round(1000 * around(10), 2),
        "add_last_ms": round(1000 * around(renderings), 2),
        "growth": round(around(renderings) / around(10), 3),
        "add_10th_cpu_ms": round(1000 * around(10, cpu_seconds), 2),
        "add_last_cpu_ms": round(1000 * around(renderings, cpu_seconds), 2),
        "cpu_growth": round(around(renderings, cpu_seconds) / around(10, cpu_seconds), 3),
        "page_ms": page_ms,
        "page_queries": page_queries,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000)))
