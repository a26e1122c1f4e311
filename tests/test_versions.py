"""Quotes that change after publication: a source that comes back changed keeps its earlier text, and each
rendering that changed (words, speaker, removed, added) is recorded against its statement."""

import datetime

import pytest

from articles.ingest import ingest_sources
from articles.models import Article, ArticleVersion, QuoteChange, Statement
from articles.sources import Source

pytestmark = pytest.mark.django_db

FIRST = (
    "Dock workers returned to the quays of Port Ellis on Tuesday after a four-week strike.\n\n"
    "“The agreement is fair to every crew on the harbour,” said union leader Marta Kowal.\n\n"
    "“Ships will be unloaded again by Friday,” said port director Jonas Weber.\n\n"
    "“We lost a month of trade and nobody will pay it back,” said shipping agent Lea Brandt."
)
SECOND = (
    "Dock workers returned to the quays of Port Ellis on Tuesday after a four-week strike.\n\n"
    "“The agreement is fair to most crews on the harbour,” said union leader Marta Kowal.\n\n"
    "“Ships will be unloaded again by Friday,” said harbour master Piet Claes.\n\n"
    "“The city will help the smallest firms first,” said mayor Ines Duarte."
)


def ingest(text: str, *, name: str = "https://example.org/strike", outlet: str = "Harbour Gazette"):
    source = Source(name, text, "Harbour strike ends", outlet=outlet, published=datetime.date(2024, 3, 5))
    [outcome] = ingest_sources(sources=[source])
    return outcome


def test_an_article_that_comes_back_changed_keeps_its_earlier_text_and_records_each_changed_rendering():
    assert ingest(FIRST).status == "created"
    before = {q.text: q.statement_id for q in Article.objects.get().quotes.all()}
    assert ingest(SECOND).status == "updated"
    article = Article.objects.get()
    [version] = article.versions.all()
    assert version.number == 1 and "fair to every crew" in version.body and "most crews" in article.body
    assert version.stored_at == article.ingested_at and version.replaced_at > version.stored_at
    assert len(version.quotes) == 3 and version.quotes[0]["speaker"] == "Marta Kowal"

    changes = {c.kind: c for c in QuoteChange.objects.all()}
    assert set(changes) == {"words", "speaker", "removed", "added"}
    words = changes["words"]
    assert (words.before_text, words.after_text) == (
        "The agreement is fair to every crew on the harbour,",
        "The agreement is fair to most crews on the harbour,",
    )
    # the same statement: a rendering reworded, not a new utterance
    assert (
        words.statement_id
        == before[words.before_text]
        == article.quotes.get(text=words.after_text).statement_id
    )
    speaker = changes["speaker"]
    assert (speaker.before_speaker, speaker.after_speaker) == ("Jonas Weber", "Piet Claes")
    assert speaker.before_text == speaker.after_text == "Ships will be unloaded again by Friday,"
    removed = changes["removed"]
    assert removed.after_text == "" and removed.before_text.startswith("We lost a month of trade")
    assert removed.quote is None
    assert changes["added"].after_text == "The city will help the smallest firms first,"


def test_unchanged_renderings_record_nothing_and_a_third_text_is_version_two():
    ingest(FIRST)
    ingest(FIRST + "\n\nThe port authority welcomed the deal.")
    assert ArticleVersion.objects.count() == 1 and not QuoteChange.objects.exists()
    ingest(SECOND)
    assert list(ArticleVersion.objects.values_list("number", flat=True)) == [1, 2]
    v1, v2 = ArticleVersion.objects.order_by("number")
    assert v2.stored_at == v1.replaced_at  # each version runs from one replacement to the next
    assert QuoteChange.objects.filter(version=v2).count() == 4


def test_the_statement_of_a_rendering_removed_after_publication_keeps_the_record():
    ingest(FIRST)
    other = FIRST.replace("Tuesday", "Wednesday")
    ingest(other, name="https://coast.example/strike", outlet="Coast News")
    ingest(SECOND)
    removed = QuoteChange.objects.get(kind="removed")
    statement = Statement.objects.get(pk=removed.statement_id)  # still rendered by the other outlet
    assert statement.changes.filter(kind="removed").exists()
    assert statement.renderings.get().article.outlet.name == "Coast News"
    # words, speaker, removed and added: each flags its own statement
    assert Statement.objects.filter(changes__isnull=False).distinct().count() == 4
