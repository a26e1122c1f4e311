"""Quotes that change after publication: a source that comes back changed keeps its earlier text, and each
rendering that changed (words, speaker, removed, added) is recorded against its statement."""

import datetime
import io

import pytest
from django.urls import reverse

from articles.ingest import ingest_sources
from articles.models import Article, ArticleVersion, QuoteChange, Statement
from articles.sources import Source
from tests.web import Reply, page

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


# --- the pages ----------------------------------------------------------------------------------------------


def test_the_pages_show_what_changed_after_publication(client):
    ingest(
        "“We kept every library open,” said mayor Ines Duarte on Monday.", name="council.txt", outlet="Post"
    )
    ingest(FIRST)
    ingest(SECOND)
    article = Article.objects.get(source_name="https://example.org/strike")
    html = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert "Changed after publication" in html and "Version 2 replaced version 1" in html
    assert "“The agreement is fair to every crew on the harbour,”</del>" in html
    assert 'Jonas Weber</del> → <ins><span class="visually-hidden">after: </span>Piet Claes</ins>' in html
    assert "Paragraphs: 3 removed, 3 added" in html

    words = QuoteChange.objects.get(kind="words")
    html = client.get(reverse("statement_detail", args=[words.statement_id])).content.decode()
    assert "changed after publication</a>" in html  # the card's flag
    assert (
        "Harbour Gazette</a>," in html
        and "“The agreement is fair to most crews on the harbour,”</ins>" in html
    )

    listed = client.get(reverse("statement_list"), {"changed": "on"}).context["page"].object_list
    changed = set(QuoteChange.objects.exclude(statement=None).values_list("statement_id", flat=True))
    # words, speaker and added; the removed rendering's statement went with its only rendering
    assert {s.pk for s in listed} == changed and len(changed) == 3 and Statement.objects.count() == 4

    html = client.get(reverse("outlet_detail", args=[article.outlet_id])).content.decode()
    assert "4 changes to quotations after publication" in html

    data = client.get(reverse("api_statement_detail", args=[words.statement_id])).json()
    [change] = data["changed_after_publication"]
    assert (change["kind"], change["before"]["text"], change["after"]["text"]) == (
        "words",
        words.before_text,
        words.after_text,
    )


def test_a_page_fetched_again_with_other_words_keeps_its_first_version(web):
    """The same through a link: the article is updated, its first text kept."""
    from django.core.management import call_command

    web.routes["/strike"] = Reply(page("Harbour strike ends", *FIRST.split("\\n\\n")))
    call_command("ingest", web.url("/strike"), stdout=io.StringIO())
    web.routes["/strike"] = Reply(page("Harbour strike ends", *SECOND.split("\\n\\n")))
    out = io.StringIO()
    call_command("ingest", web.url("/strike"), stdout=out)
    assert "1 updated" in out.getvalue()
    article = Article.objects.get()
    assert article.versions.count() == 1 and QuoteChange.objects.filter(article=article).count() == 4
