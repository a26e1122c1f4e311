"""Parser processes beside the writer (articles/parsing.py): same results as in one process, and a parser
that dies is an error, never a hang or a silent gap."""

import io
import os
import threading
import time
from pathlib import Path

import numpy
import pytest
from django.core.management import CommandError, call_command

import articles.parsing
from articles.models import Article, Quote
from articles.nlp import embedding
from articles.nlp.attribution import extract_quotes
from articles.nlp.pipeline import load_pipeline
from articles.nlp.text import prepare_text
from articles.parsing import Parsers, ParserStopped
from articles.sources import read_paths

SEEDS = Path(__file__).parent.parent / "demo" / "articles"
CORPUS = Path(__file__).parent / "data" / "corpus"


def texts() -> list[tuple[str, int]]:
    out = []
    for source in read_paths([SEEDS, CORPUS]):
        prepared = prepare_text(title=source.title, text=source.text)
        out.append((prepared.body, prepared.title_end))
    return out


def parse(*, fork: bool, workers: int) -> dict:
    """Quotes extracted from each text's parse, by index."""
    parsers = Parsers(load_pipeline(), workers=workers, fork=fork)
    submitted = texts()
    for index, (body, _) in enumerate(submitted):
        parsers.submit(index, body)
    assert bool(parsers._processes) == fork  # the path under test is the one taken
    try:
        return {i: extract_quotes(doc, title_end=submitted[i][1]) for i, doc in parsers.results()}
    finally:
        parsers.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_parse_from_parser_processes_gives_the_quotes_of_one_in_process(workers):
    alone = parse(fork=False, workers=1)
    forked = parse(fork=True, workers=workers)
    assert sorted(forked) == sorted(alone) == list(range(len(texts())))
    assert forked == alone  # speakers, cues, offsets, kinds: nothing lost in the packed parse
    assert sum(len(quotes) for quotes in alone.values()) > 20


def test_parses_come_back_in_the_order_submitted_when_a_later_text_is_parsed_first(monkeypatch):
    # One text a batch (set before the parsers fork, so they inherit it): while one parser is still on the
    # long first text, the other parses the short ones after it.
    monkeypatch.setattr(articles.parsing, "BATCH_SIZE", 1)
    short = [body for body, _ in texts()]
    submitted = [" ".join(short * 3), *short]
    parsers = Parsers(load_pipeline(), workers=2, fork=True)
    for index, body in enumerate(submitted):
        parsers.submit(index, body)
    try:
        results = parsers.results()
        first, doc = next(results)
        assert first == 0 and doc.text == submitted[0]
        assert parsers._docs  # later texts came back before the first one: held, not yielded
        assert [(index, doc.text) for index, doc in results] == list(enumerate(submitted))[1:]
    finally:
        parsers.close()


def test_idle_parsers_encode_the_texts_asked_for_and_a_busy_or_absent_one_is_not_asked():
    sentence = "The talks in Geneva ended without any agreement on the price of grain for next year"
    alone = Parsers(load_pipeline(), workers=1, fork=False)
    for index, (body, _) in enumerate(texts()[:3]):
        alone.submit(index, body)
    assert list(alone.results()) and alone.ask([sentence]) == []  # parsing in this process: nobody to ask

    parsers = Parsers(load_pipeline(), workers=2, fork=True)
    for index, (body, _) in enumerate(texts()):
        parsers.submit(index, body)
    processes = list(parsers._processes)
    try:
        # Just submitted, every text is still to parse (a parse of them takes far longer than this line): the
        # parse sets the pace and the parsers are not asked. Later checks depend on how fast the parse runs.
        assert parsers.ask([sentence]) == []
        parsed = parsers.results()
        next(parsed)
        while parsers._parsed.value < len(texts()):  # some text still to parse
            asked = parsers.ask([sentence])
            if parsers._parsed.value < len(texts()):  # still parsing once asked: not asked
                assert asked == []
            time.sleep(0.01)
        assert parsers.ask([sentence]) == [sentence]
        assert len(list(parsed)) == len(texts()) - 1  # parses read while waiting come out in turn
        words, vectors = parsers.encoded([sentence])[sentence]
        (here,) = embedding.encode(texts=[sentence])
        assert words == here.words and numpy.allclose(vectors, here.word_vectors, atol=1e-5)
        assert parsers.encoded([sentence]) == {}  # taken once
    finally:
        parsers.close()
    assert len(processes) == 2 and not any(
        process.is_alive() for process in processes
    )  # told to stop, they did


@pytest.mark.django_db
def test_idle_parsers_encode_the_last_articles_vectors_and_the_decisions_stay_the_same(monkeypatch):
    from articles.ingest import ingest_sources
    from articles.models import Outlet, Speaker, Statement
    from articles.nlp import matching

    sources = list(read_paths([SEEDS, CORPUS]))

    def run(*, fork: bool) -> list[tuple[str, ...]]:
        Article.objects.all().delete()
        for model in (Statement, Speaker, Outlet):
            model.objects.all().delete()
        matching.ENCODINGS.clear()
        monkeypatch.setattr(articles.parsing, "_can_fork", lambda: fork)
        assert all(o.status == "created" for o in ingest_sources(sources=sources, workers=1))
        groups: dict[int, list[str]] = {}
        for quote in Quote.objects.filter(statement__isnull=False):
            groups.setdefault(quote.statement_id, []).append(f"{quote.article.source_name}: {quote.text}")
        return sorted(tuple(sorted(group)) for group in groups.values())

    alone = run(fork=False)
    encoded_here: list[str] = []
    real = embedding.encode

    def encode(*, texts, **options):  # what the writer encodes itself (a parser's calls stay in its process)
        encoded_here.extend(texts)
        return real(texts=texts, **options)

    monkeypatch.setattr(embedding, "encode", encode)
    assert run(fork=True) == alone
    assert len(matching.ENCODINGS) > len(set(encoded_here))  # the others came from the parsers


def dies(*args, **kwargs):
    os._exit(9)  # as if killed: no message, no goodbye


def test_a_parser_process_that_dies_stops_the_run_with_an_error(monkeypatch):
    monkeypatch.setattr(articles.parsing, "_parse", dies)
    with pytest.raises(ParserStopped, match="exit code 9"):
        parse(fork=True, workers=1)


@pytest.mark.django_db
def test_the_command_says_so_in_one_line_and_a_second_run_completes(monkeypatch, tmp_path):
    monkeypatch.setattr(articles.parsing, "_can_fork", lambda: True)
    real = articles.parsing._parse

    parsed_so_far = 0

    def dies_on_the_third(nlp, texts, **options):
        nonlocal parsed_so_far
        for parsed in real(nlp, texts, **options):
            parsed_so_far += 1
            if parsed_so_far == 3:
                os._exit(9)
            yield parsed

    monkeypatch.setattr(articles.parsing, "_parse", dies_on_the_third)
    with pytest.raises(CommandError, match=r"ingest stopped: a parser process stopped with exit code 9"):
        call_command("ingest", str(SEEDS), stdout=io.StringIO(), stderr=io.StringIO())
    stored = Article.objects.count()
    assert stored < 5  # those whose quotes came back before it died (a killed process may not flush them)
    assert all(q.article.body[q.start : q.end] == q.text for q in Quote.objects.all())

    monkeypatch.setattr(articles.parsing, "_parse", real)
    out = io.StringIO()
    call_command("ingest", str(SEEDS), stdout=out, stderr=io.StringIO())
    assert f"{5 - stored} created, {stored} unchanged" in out.getvalue()


def feeders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "QueueFeederThread"]


def test_a_run_leaves_no_thread_behind_so_the_next_run_forks_too():
    deadline = time.monotonic() + 10
    while feeders() and time.monotonic() < deadline:  # an earlier test's stopped run may still be ending
        time.sleep(0.05)
    assert not feeders()
    parse(fork=True, workers=2)
    assert not feeders()


@pytest.mark.django_db
def test_an_extraction_bug_fails_its_article_only(monkeypatch, caplog):
    import articles.ingest

    real = articles.ingest.extract_quotes

    def fails_on_the_bridge(doc, *, title_end):
        if "bridge" in doc.text:
            raise ValueError("extraction bug")
        return real(doc, title_end=title_end)

    monkeypatch.setattr(articles.ingest, "extract_quotes", fails_on_the_bridge)
    err = io.StringIO()
    with pytest.raises(CommandError, match="source"):
        call_command("ingest", str(CORPUS), str(SEEDS), stdout=io.StringIO(), stderr=err)
    bridge = [s.source_name for s in read_paths([CORPUS, SEEDS]) if "bridge" in s.text]
    lines = err.getvalue().splitlines()
    for name in bridge:
        assert any(
            name in line and "quote extraction failed: ValueError('extraction bug')" in line for line in lines
        )
    assert bridge
    assert Article.objects.count() == 8 - len(bridge)
    logged = [r for r in caplog.records if r.name == "articles.ingest" and r.exc_info]
    assert logged and "extraction bug" in caplog.text  # the traceback is kept for whoever fixes it


def test_a_parser_takes_what_is_waiting_and_halves_its_batches_once_the_end_is_in_sight():
    import queue

    count = 3 * articles.parsing.BATCH_SIZE - 5  # the end marker comes within the third batch's reach
    texts = queue.Queue()
    for i in range(count):
        texts.put((i, f"text {i}"))
    texts.put(None)  # this parser's end marker
    texts.put(None)  # another parser's: not taken
    batches = list(articles.parsing._batches(texts, os.getppid()))
    sizes = [len(batch) for batch in batches]
    assert [index for batch in batches for index, _ in batch] == list(range(count))
    assert sizes[:2] == [articles.parsing.BATCH_SIZE] * 2
    tail = sizes[2:]
    assert len(tail) > 2 and tail[-1] == 1 and all(a >= b for a, b in zip(tail, tail[1:], strict=False))
    assert texts.get_nowait() is None and texts.empty()


def test_a_parser_takes_a_batch_and_one_text_at_most_so_the_others_get_the_next_texts():
    import queue

    texts = queue.Queue()
    for i in range(10 * articles.parsing.BATCH_SIZE):
        texts.put((i, f"text {i}"))
    first = next(articles.parsing._batches(texts, os.getppid()))
    assert len(first) == articles.parsing.BATCH_SIZE
    assert texts.qsize() == 9 * articles.parsing.BATCH_SIZE - 1  # a batch taken, a text held, the rest left


def test_parser_processes_run_at_a_lower_priority_than_the_writer():
    parsers = Parsers(load_pipeline(), workers=1, fork=True)
    for index, (body, _) in enumerate(texts()[:3]):
        parsers.submit(index, body)
    try:
        parsed = parsers.results()
        next(parsed)  # the parser has started its work
        (process,) = parsers._processes
        writer = os.getpriority(os.PRIO_PROCESS, 0)
        expected = min(19, writer + articles.parsing.PARSER_NICENESS)
        assert articles.parsing.PARSER_NICENESS > 0
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == expected
    finally:
        parsers.close()


def test_parsers_by_default_are_as_many_as_the_cores_hold_and_the_writer_keeps_pace_with():
    from articles.parsing import default_workers

    assert default_workers(1, local_server=False) == 1
    assert default_workers(2, local_server=False) == default_workers(4, local_server=False) == 2
    assert default_workers(64, local_server=False) == 2  # one writer keeps pace with two parsers at most
    # A database server on the same cores makes the writer's side as heavy as a parse: one parser.
    assert default_workers(2, local_server=True) == default_workers(64, local_server=True) == 1


def test_a_database_server_on_a_socket_or_a_loopback_address_is_this_machine():
    from articles.parsing import is_this_machine

    for host in ("", "/var/run/postgresql", "localhost", "127.0.0.1", "::1"):
        assert is_this_machine(host), host
    for host in ("db.internal", "10.0.0.5", "127.0.0.1.example.org"):
        assert not is_this_machine(host), host
