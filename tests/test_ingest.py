"""The ingest service and command on real files and a real database."""

import csv
import datetime
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.ingest import (
    CANDIDATES_PER_QUOTE,
    RENDERINGS_PER_CANDIDATE,
    Overrides,
    _candidate_statements,
    _candidates,
    _View,
    ingest_sources,
)
from articles.models import Article, Decision, Outlet, Quote, QuoteKey, Speaker, Statement, VariantLabel
from articles.nlp.matching import index_keys
from articles.sources import Source, read_paths
from tests.factories import long_article, make_statement_with_renderings

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "data" / "corpus"
SEEDS = Path(__file__).parent.parent / "demo" / "articles"


def ingest(*paths, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def counts() -> dict[str, int]:
    models = [Article, Quote, QuoteKey, Speaker, Statement, Outlet]
    return {model.__name__: model.objects.count() for model in models}


def test_it_stores_articles_quotes_speakers_and_statements():
    out, _ = ingest(CORPUS)
    assert "3 created, 0 unchanged, 0 updated, 0 failed" in out
    article = Article.objects.get(source_name="harbor_wire.txt")
    assert article.title == "Mayor vows harbor bridge will be “finished on time”"
    for quote in Quote.objects.all():
        assert quote.article.body[quote.start : quote.end] == quote.text
        assert quote.statement_id is not None
    assert Speaker.objects.filter(name="Elena Ruiz").exists()


def test_a_second_run_changes_nothing():
    ingest(CORPUS)
    before = counts()
    out, _ = ingest(CORPUS)
    assert "0 created, 3 unchanged" in out
    assert counts() == before


def test_the_same_utterance_in_two_outlets_is_one_statement():
    ingest(CORPUS)
    wire = Quote.objects.get(text__startswith="The bridge will open in June as promised, and")
    rewrite = Quote.objects.get(
        article__source_name="harbor_rewrite.txt", text__startswith="The bridge will open"
    )
    assert wire.statement_id == rewrite.statement_id
    chess = Quote.objects.get(text__startswith="We prepared for months")
    assert chess.statement_id != wire.statement_id


def test_a_speaker_known_only_by_description_is_inferred_from_other_outlets():
    ingest(CORPUS)
    rewrite = Quote.objects.get(
        article__source_name="harbor_rewrite.txt", text__startswith="The bridge will open"
    )
    assert rewrite.speaker_as_written == "a city official"
    assert rewrite.speaker.name == "Elena Ruiz"
    assert rewrite.speaker_decided_by == Decision.INFERRED
    assert rewrite.relay == "Portland Herald"


def test_a_pronoun_after_an_unnamed_speaker_follows_the_inferred_speaker():
    ingest(CORPUS)
    carried = Quote.objects.get(text__startswith="Nobody on the crews")
    assert carried.speaker_as_written == "he"
    assert carried.speaker.name == "Elena Ruiz" and carried.speaker_decided_by == Decision.INFERRED


def test_metadata_given_outranks_guesses_and_guesses_are_marked():
    ingest(CORPUS / "harbor_wire.txt")
    guessed = Article.objects.get()
    assert guessed.published == datetime.date(2025, 3, 3) and guessed.published_guessed
    ingest(
        CORPUS / "harbor_rewrite.txt",
        outlet="Herald",
        published=datetime.date(2025, 3, 4),
        url="https://h.example/1",
    )
    given = Article.objects.get(source_name="harbor_rewrite.txt")
    assert (given.outlet.name, given.published, given.url) == (
        "Herald",
        datetime.date(2025, 3, 4),
        "https://h.example/1",
    )
    assert not given.published_guessed and not given.outlet_guessed


def test_unknown_metadata_stays_unknown():
    ingest(CORPUS / "unrelated.txt")
    article = Article.objects.get()
    assert article.outlet is None and article.published is None


def test_a_dry_run_writes_nothing():
    out, _ = ingest(CORPUS, dry_run=True)
    assert "dry run, nothing written: 3 created" in out
    assert counts() == dict.fromkeys(counts(), 0)


def test_more_parsers_than_the_machine_gains_from_are_run_with_a_note():
    from articles.parsing import default_workers

    _, err = ingest(CORPUS / "unrelated.txt", workers=5, dry_run=True)
    assert f"note: 5 parser processes here may ingest slower than {default_workers()}" in err
    _, err = ingest(CORPUS / "unrelated.txt", dry_run=True)
    assert "note:" not in err


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    shutil.copy(CORPUS / "unrelated.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "broken.jsonl").write_text('{"title": "ok", "text": "He said “fine” today."}\n{not json\n')
    with pytest.raises(CommandError, match="2 source\\(s\\) failed"):
        ingest(tmp_path)
    assert set(Article.objects.values_list("source_name", flat=True)) == {"good.txt", "broken.jsonl:1"}


def test_failures_name_the_file_and_line(tmp_path):
    (tmp_path / "broken.jsonl").write_text('{"title": "ok", "text": "He said “fine” today."}\n{not json\n')
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(tmp_path / "broken.jsonl"), stdout=io.StringIO(), stderr=err)
    assert "broken.jsonl:2:" in err.getvalue()


def test_a_url_that_is_not_http_is_refused_before_anything_is_read():
    with pytest.raises(CommandError, match="not an http"):
        ingest(CORPUS, url="javascript:alert(1)")
    assert Article.objects.count() == 0


def test_a_missing_path_is_reported_and_fails():
    with pytest.raises(CommandError):
        ingest(CORPUS / "does-not-exist.txt")


def test_new_content_under_the_same_name_replaces_automatic_results_and_keeps_manual_ones(
    tmp_path, admin_user
):
    article_file = tmp_path / "story.txt"
    article_file.write_text(
        "Minister speaks\n\n“Taxes will not rise this year,” Finance Minister Anna Berg said on Tuesday.\n\n"
        "“We will balance the budget,” she added."
    )
    ingest(article_file)
    quote = Quote.objects.get(text__startswith="We will balance")
    other = Speaker.objects.create(name="Karl Holm")
    Quote.objects.filter(pk=quote.pk).update(speaker=other, speaker_decided_by=Decision.MANUAL)
    VariantLabel.objects.create(quote=quote, label="verbatim", author=admin_user, note="checked")

    article_file.write_text(
        "Minister speaks\n\nA correction was added.\n\n“Taxes will not rise this year,” Finance Minister Anna Berg said."
        "\n\n“We will balance the budget,” she added."
    )
    out, _ = ingest(article_file)
    assert "1 updated" in out
    assert Article.objects.count() == 1
    quote = Quote.objects.get(text__startswith="We will balance")
    assert quote.speaker == other and quote.speaker_decided_by == Decision.MANUAL
    assert quote.labels.get().note == "checked"
    assert quote.article.body[quote.start : quote.end] == quote.text


def test_the_service_reports_each_outcome():
    outcomes = list(ingest_sources(sources=read_paths([CORPUS / "unrelated.txt"]), overrides=Overrides()))
    assert [(o.status, o.source_name) for o in outcomes] == [("created", "unrelated.txt")]
    assert outcomes[0].quotes == 2


def test_export_writes_one_record_per_quote_in_jsonl_and_csv(tmp_path):
    ingest(CORPUS)
    call_command("export_quotes", "--output", str(tmp_path / "q.jsonl"))
    records = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text().splitlines()]
    assert len(records) == Quote.objects.count()
    required = {"article", "outlet", "published", "text", "start", "end", "kind", "speaker", "speaker_as_written",
                "relay", "statement", "statement_label"}  # fmt: skip
    assert required <= set(records[0])
    out = io.StringIO()
    call_command("export_quotes", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == len(records) and rows[0]["article"] == records[0]["article"]


def test_the_csv_of_quotes_never_hands_a_spreadsheet_a_formula():
    text = "Senator Ada Okafor said: “=1+2 is what the levy adds up to.”"
    source = Source(source_name="=cmd.txt", text=text, title="Port levy", outlet="@outlet")
    assert [o.status for o in ingest_sources(sources=[source], overrides=Overrides())] == ["created"]
    out = io.StringIO()
    call_command("export_quotes", "--format", "csv", stdout=out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["article"] == "'=cmd.txt" and row["outlet"] == "'@outlet" and row["text"].startswith("'=1+2")
    assert row["start"].isdigit()  # numbers stay numbers


def test_an_article_with_hundreds_of_index_keys_is_matched_against_stored_statements():
    # Over 500 keys: more than SQLite allows terms in one compound SELECT, so the lookup must split them.
    body = long_article(seed=3, quotes=60)
    first = Source("wire.txt", body, "Talks in Geneva", outlet="Wire", published=datetime.date(2026, 3, 2))
    [stored] = ingest_sources(sources=[first])
    assert stored.status == "created" and stored.quotes == 60
    keys = QuoteKey.objects.values("key").distinct().count()
    assert keys > 500
    # Another outlet's copy of the same story: each quote joins its statement, none makes a new one.
    rewrite = Source(
        "rewrite.txt", body.replace("Delegates met", "Envoys met"), "Geneva talks", outlet="Rewrite",
        published=datetime.date(2026, 3, 2),
    )  # fmt: skip
    [again] = ingest_sources(sources=[rewrite])
    assert again.status == "created" and again.quotes == 60
    assert Statement.objects.count() == 60
    assert all(s.rendering_count == 2 and s.outlet_count == 2 for s in Statement.objects.all())


def test_a_statement_many_outlets_carried_is_matched_through_its_reference_and_newest_renderings():
    text = "We will keep the harbour open to every ship that comes in peace"
    statement = make_statement_with_renderings(
        speaker_name="Ana Ruiz", text=text, outlets=RENDERINGS_PER_CANDIDATE + 5
    )
    quotes = list(statement.renderings.order_by("pk"))
    Quote.objects.filter(pk=quotes[-1].pk).update(not_a_quote=True)  # a person said the newest is no quote
    view = _View(speakers=(), statements=((statement.pk, statement.rendering_count, statement.reference_id),))
    read = _candidates(view)[statement.pk]
    # Its reference (the first of the longest wordings: the oldest here) and the newest renderings still quotes.
    assert statement.reference_id == quotes[0].pk
    expected = [quotes[0], *quotes[-RENDERINGS_PER_CANDIDATE - 1 : -1]]
    assert sorted(r.article for r in read) == sorted(str(q.article_id) for q in expected)
    # A new outlet's quote of it finds it through the index and joins it.
    QuoteKey.objects.bulk_create([QuoteKey(quote=q, key=k) for q in quotes for k in set(index_keys(q.text))])
    ingest_texts(f"Ruiz visits the port\n\nAna Ruiz said on Monday: “{text}”")
    statement.refresh_from_db()
    assert Statement.objects.count() == 1 and statement.rendering_count == RENDERINGS_PER_CANDIDATE + 5


def ingest_texts(*texts: str, published: datetime.date | None = None) -> None:
    sources = [
        Source(source_name=f"text_{i}.txt", text=text, title=None, published=published)
        for i, text in enumerate(texts)
    ]
    for outcome in ingest_sources(sources=sources, overrides=Overrides()):
        assert outcome.status == "created", outcome


def test_one_person_spelled_two_ways_in_two_articles_is_one_speaker():
    ingest_texts(
        "“We will rebuild the harbour wall before the storms,” said Adaeze Chioma Okafor, the port director.",
        "“The levy pays for the pumps, not for the offices,” said Adaeze Okafor, who runs the port.",
        "“The wall was always going to cost more than promised,” said Róbert Lindqvist, a council engineer.",
        "“Nobody asked the fishermen about the wall,” said Robert Lindqvist on Tuesday.",
    )
    speakers = sorted(Speaker.objects.values_list("name", flat=True))
    assert speakers == ["Adaeze Chioma Okafor", "Róbert Lindqvist"]


def test_a_speaker_the_article_only_describes_is_exported_by_that_description(tmp_path):
    ingest_texts("“The pumps failed twice this winter,” a harbour official said on Monday.")
    call_command("export_quotes", "--output", str(tmp_path / "q.jsonl"))
    (record,) = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text().splitlines()]
    assert Quote.objects.get().speaker is None
    assert record["speaker"] == "a harbour official"


def test_a_passage_quoted_whole_joins_the_statements_of_its_sentences():
    first = "The harbour wall will be finished before the winter storms arrive in November."
    second = "We have hired two more crews from the northern yards to make sure of it."
    ingest_texts(
        f"“{first}” said Adaeze Okafor, the port director, on Monday.",
        f"“{second}” said Adaeze Okafor, the port director.",
        f"Adaeze Okafor, the port director, was confident. “{first} {second}” she said.",
        "Adaeze Okafor, the port director, promised the wall would be done “before the winter storms”.",
        published=datetime.date(2026, 3, 2),
    )
    assert Statement.objects.count() == 1
    assert Quote.objects.filter(statement__isnull=False).count() == 4


def test_a_passage_never_moves_a_rendering_a_person_has_filed():
    first = "The harbour wall will be finished before the winter storms arrive in November."
    second = "We have hired two more crews from the northern yards to make sure of it."
    day = datetime.date(2026, 3, 2)
    ingest_texts(f"“{first}” said Adaeze Okafor.", f"“{second}” said Adaeze Okafor.", published=day)
    for filed in (first, second):
        Quote.objects.filter(text=filed).update(statement_decided_by=Decision.MANUAL)
    before = {q.text: q.statement_id for q in Quote.objects.all()}
    sources = [Source(source_name="passage.txt", text=f"“{first} {second}” said Adaeze Okafor.", title=None,
                      published=day)]  # fmt: skip
    list(ingest_sources(sources=sources, overrides=Overrides()))
    assert {q.text: q.statement_id for q in Quote.objects.filter(text__in=before)} == before
    assert Statement.objects.count() == 2


def test_a_short_unattributed_quote_is_kept_only_when_another_outlet_quotes_the_same_words():
    ingest_texts(
        "“The new levy is a reckless gamble with the port’s money,” said Adaeze Okafor, the port director. "
        "“We will appeal the ruling before the end of the month,” she added.",
        "The levy, a “reckless gamble” in the port director’s words, passed on Monday. "
        "“We will appeal the ruling before the end of the month,” Adaeze Okafor said.",
        "It was a “historic” day for the port, and the levy passed on Monday.",
        published=datetime.date(2026, 3, 2),
    )
    gamble = Quote.objects.get(text="The new levy is a reckless gamble with the port’s money,")
    assert Quote.objects.get(text="reckless gamble").statement == gamble.statement
    assert not Quote.objects.filter(text="historic").exists()


def test_only_named_outlets_count_towards_a_statements_reach():
    """An article whose outlet is not stated may be any outlet, the same as a named one: it is no outlet of its
    own (issue: the demo's header said "2 outlets" over cards that said "outlet not stated")."""
    words = "“We will rebuild the harbour wall before the winter storms,” said mayor Ines Duarte on Monday."
    sources = [
        Source("a.txt", words, "Harbour wall", outlet="Valley Post"),
        Source("b.txt", words + " The council agreed.", "Harbour wall"),
        Source("c.txt", words + " Residents cheered.", "Harbour wall"),
    ]
    list(ingest_sources(sources=sources))
    statement = Statement.objects.get()
    assert (statement.rendering_count, statement.outlet_count) == (3, 1)
    list(ingest_sources(sources=[Source("d.txt", words + " Work starts soon.", "Wall", outlet="Coast News")]))
    statement.refresh_from_db()
    assert (statement.rendering_count, statement.outlet_count) == (4, 2)


def test_each_quote_brings_the_statements_closest_to_it_however_many_others_the_article_finds():
    # One long quote shares five keys with each of 60 stored statements; a short one shares four with its own
    # statement. Ranked over the article, its statement came 61st; per quote it is the short one's first.
    words = long_article(seed=3, quotes=1).split("“The ")[1].split(" will")[0].split()[:14]
    runs = [words[i : i + 6] for i in (0, 4, 8)]  # three stretches of six words (five keys) of the long quote
    long_quote = " ".join(words)
    own_text = "granite harbour kestrel lantern meadow"

    def stored(text: str) -> Statement:
        statement = make_statement_with_renderings(speaker_name="Anna Berg", text=text, outlets=1)
        quote = Quote.objects.get(statement=statement)
        QuoteKey.objects.bulk_create([QuoteKey(quote=quote, key=k) for k in set(index_keys(text))])
        return statement

    own = stored(own_text)
    for n in range(60):
        stored(" ".join(runs[n % 3]) + f" remark{n}")
    found = _candidate_statements(
        keys_of=[set(index_keys(long_quote)), set(index_keys(own_text))], article_id=None
    )
    assert own.pk in found
    assert len(found) <= 2 * CANDIDATES_PER_QUOTE


def test_one_shared_key_brings_a_statement_only_when_no_other_statement_holds_that_key():
    def stored(text: str) -> Statement:
        statement = make_statement_with_renderings(speaker_name="Anna Berg", text=text, outlets=1)
        quote = Quote.objects.get(statement=statement)
        QuoteKey.objects.bulk_create([QuoteKey(quote=quote, key=k) for k in set(index_keys(text))])
        return statement

    # "harbour wall" is a key of the quote and of four statements; "hold winter" of the quote and one.
    quote = "the harbour wall will hold through the winter storms"
    common = [stored(f"the harbour wall {word} again") for word in ("cracked", "leaked", "sank")]
    specific = stored("the storms will hold through winter")
    two_keys = stored("the harbour wall was built for winter storms")

    found = _candidate_statements(keys_of=[set(index_keys(quote))], article_id=None)

    assert specific.pk in found and two_keys.pk in found
    assert not {s.pk for s in common} & set(found)


def test_a_new_speaker_makes_a_run_resolve_again_the_names_sharing_a_word_with_it_and_no_others(
    django_assert_num_queries,
):
    from articles.ingest import SpeakerCache

    joe, wang = Speaker.objects.create(name="Joe Biden"), Speaker.objects.create(name="Wang Yi")
    speakers = SpeakerCache()
    assert speakers.resolve(name="Biden", description="", kind="person") == joe  # the one person of that name
    assert speakers.resolve(name="Wang Yi", description="", kind="person") == wang
    speakers.resolve(name="Hunter Biden", description="", kind="person")
    assert Speaker.objects.filter(name="Hunter Biden").exists()
    assert speakers.resolve(name="Biden", description="", kind="person") is None  # two of that name now
    with django_assert_num_queries(0):
        assert speakers.resolve(name="Wang Yi", description="", kind="person") == wang


def test_a_name_met_again_with_another_description_is_resolved_against_the_candidates_already_read(
    django_assert_num_queries,
):
    from articles.ingest import SpeakerCache

    wang = Speaker.objects.create(name="Wang Yi", description="Chinese foreign minister")
    joe = Speaker.objects.create(name="Joe Biden")
    speakers = SpeakerCache()
    assert speakers.resolve(name="Wang Yi", description="", kind="person") == wang
    assert speakers.resolve(name="Biden", description="", kind="person") == joe
    with django_assert_num_queries(0):
        assert speakers.resolve(name="Wang Yi", description="the minister", kind="person") == wang
    speakers.resolve(name="Hunter Biden", description="", kind="person")  # a namesake: Biden's are read again
    assert speakers.resolve(name="Biden", description="the president", kind="person") is None
    with django_assert_num_queries(0):
        assert speakers.resolve(name="Wang Yi", description="a diplomat", kind="person") == wang


@pytest.mark.django_db(transaction=True)  # committed rows: the server counts changes at commit
def test_tables_a_burst_of_writes_outgrew_are_analysed_without_waiting_for_autovacuum():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles import sql

    if connection.vendor != "postgresql":  # SQLite's planner reads no statistics unless asked: nothing to do
        with CaptureQueriesContext(connection) as queries:
            sql.refresh_statistics([Outlet])
        assert not queries.captured_queries
        return

    def estimated_rows() -> float:
        return sql.rows("SELECT reltuples FROM pg_class WHERE relname = %s", [Outlet._meta.db_table])[0][0]

    Outlet.objects.bulk_create([Outlet(name=f"Outlet {n}") for n in range(sql.STALE_ROWS + 100)])
    sql.rows("SELECT pg_stat_force_next_flush()")  # (the counts reach the server when this session idles)
    assert estimated_rows() < sql.STALE_ROWS  # planned as if (nearly) empty

    sql.refresh_statistics([Outlet])

    assert estimated_rows() == sql.STALE_ROWS + 100
