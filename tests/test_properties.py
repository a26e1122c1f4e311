"""Property-based tests (hypothesis): the extractor over arbitrary text, and ingest's idempotence.

Texts are drawn from a news-like vocabulary mixed with quotation marks of every family, apostrophes, blank
lines, stray punctuation and arbitrary Unicode, so that most examples contain something quote-shaped.
Examples are bounded (no deadline: spaCy's first call is slow; nothing here asserts on timing).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.ingest import ingest_sources
from articles.models import Article, Quote, QuoteKey, Speaker, SpeakerAlias, Statement
from articles.nlp.attribution import extract_quotes
from articles.nlp.pipeline import load_pipeline
from articles.nlp.quotes import find_quote_spans
from articles.nlp.text import prepare_text
from articles.sources import Source

WORDS = (
    "the minister said he she they told reporters on Monday according to TASS Ana Silva Wang Yi "
    "a Chinese official added warned we will not I am sure it's rock solid as rock ’em n' cause"
).split()
MARKS = ["“", "”", '"', "'", "‘", "’", "«", "»", "„", "‹", "›", "`", "´", "″"]
PUNCT = [".", ",", ":", ";", "!", "?", "—", "–", "-", "(", ")", "…", "\n", "\n\n", " ", "  ", "\t", "\u00a0"]

pieces = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(MARKS),
    st.sampled_from(PUNCT),
    st.text(max_size=4),  # anything at all: control characters, surrogates excluded, RTL, emoji, combining
)
news_text = st.lists(pieces, max_size=120).map(" ".join) | st.lists(pieces, max_size=80).map("".join)
titles = st.none() | st.text(max_size=40) | st.sampled_from(["Minister speaks", "“Rock solid,” says Wang"])

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis folder in the project; a failure prints its example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@PROPERTY
@given(text=news_text)
def test_quote_spans_never_raise_and_lie_inside_the_text(text):
    for span in find_quote_spans(text=text):
        assert 0 <= span.start < span.end <= len(text)


@PROPERTY
@given(title=titles, text=news_text)
def test_the_extractor_never_raises_and_every_quote_is_its_bodys_slice(nlp, title, text):
    prepared = prepare_text(title=title, text=text)
    assert prepared.body[: prepared.title_end] == prepared.title
    doc = nlp(prepared.body)
    for quote in extract_quotes(doc, title_end=prepared.title_end):
        assert 0 <= quote.start < quote.end <= len(prepared.body)
        assert prepared.body[quote.start : quote.end] == quote.text
        assert quote.kind in {"direct", "partial", "headline", "indirect"}


def row_counts() -> dict[str, int]:
    models = [Article, Quote, QuoteKey, Speaker, SpeakerAlias, Statement]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    database=None,  # no .hypothesis folder in the project; a failure prints its example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=titles, text=news_text)
def test_ingesting_the_same_text_twice_stores_nothing_new(title, text):
    source = Source(source_name="property.txt", text=text, title=title)
    first = list(ingest_sources(sources=[source]))
    assert len(first) == 1 and first[0].status in {"created", "unchanged", "updated", "failed"}
    for quote in Quote.objects.select_related("article"):
        assert quote.article.body[quote.start : quote.end] == quote.text
    before = row_counts()
    second = list(ingest_sources(sources=[source]))
    assert row_counts() == before
    assert second[0].status == ("failed" if first[0].status == "failed" else "unchanged")
