"""Versions of an article: when a known source (a link, a file name) comes back with changed text, the earlier
text is kept with its renderings, and every rendering that changed is recorded (`QuoteChange`).

Ingest calls `keep_version` before the article takes its new text and `record_changes` once the new text's
quotes are stored. A rendering of the old text is paired with one of the new: the same words first, then the
most similar words (a reworded or corrected quote, which stays with its statement); one left without a pair
was removed, or added.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from articles.models import Article, ArticleVersion, Quote, QuoteChange, Statement
from articles.nlp.matching import normalize

__all__ = ["History", "history", "keep_version", "record_changes"]

# How alike (rapidfuzz's ratio, 0-100, of the normalised words) a new rendering must be to an old one to be
# that rendering reworded rather than another quotation: a corrected word or two keeps a sentence above it.
SAME_RENDERING_SIMILARITY = 60


@dataclass(frozen=True)
class _Rendering:
    text: str
    speaker: str
    statement_id: int | None
    quote: Quote | None = None  # a rendering of the new text

    @property
    def words(self) -> str:
        return normalize(self.text)


def keep_version(article: Article) -> ArticleVersion:
    """Keep the article's current text and renderings as its newest earlier version (before it is replaced)."""
    quotes = article.quotes.filter(not_a_quote=False).select_related("speaker").order_by("start")
    last = article.versions.order_by("-number").first()
    return ArticleVersion.objects.create(
        article=article,
        number=last.number + 1 if last else 1,
        title=article.title,
        body=article.body,
        url=article.url,
        published=article.published,
        content_hash=article.content_hash,
        stored_at=last.replaced_at if last else article.ingested_at,
        quotes=[
            {
                "text": q.text,
                "kind": q.kind,
                "speaker": q.attributed_to or "",
                "statement": q.statement_id,
                "start": q.start,
                "end": q.end,
            }
            for q in quotes
        ],
    )


def record_changes(version: ArticleVersion, quotes: Sequence[Quote]) -> list[QuoteChange]:
    """The renderings that differ between `version` and the article's new quotes (saved, with statements)."""
    before = [_Rendering(q["text"], q["speaker"], q["statement"]) for q in version.quotes]
    after = [
        _Rendering(q.text, q.attributed_to or "", q.statement_id, q) for q in quotes if not q.not_a_quote
    ]
    changes = []
    for old, new in _pairs(before, after):
        change = QuoteChange(article_id=version.article_id, version=version)
        if old:
            change.before_text, change.before_speaker, change.statement_id = (
                old.text,
                old.speaker,
                old.statement_id,
            )
        if new:
            change.after_text, change.after_speaker = new.text, new.speaker
            change.quote, change.statement_id = new.quote, new.statement_id
        if old and new:
            if old.text != new.text:
                change.kind = QuoteChange.Kind.WORDS
                change.statement_id = _keep_statement(old, new)
            elif old.speaker != new.speaker:
                change.kind = QuoteChange.Kind.SPEAKER
            else:
                continue  # the same rendering in both texts
        else:
            change.kind = QuoteChange.Kind.REMOVED if old else QuoteChange.Kind.ADDED
        changes.append(change)
    return QuoteChange.objects.bulk_create(changes)


def _keep_statement(old: _Rendering, new: _Rendering) -> int | None:
    """A reworded rendering stays with the statement of the rendering it replaces, unless its new words joined
    another outlet's statement: matching never compares an article with its own earlier quotes, so they made
    a statement of their own, which the refresh after ingest deletes once empty."""
    assert new.quote is not None
    if old.statement_id is None or new.statement_id in {None, old.statement_id}:
        return new.statement_id
    if Quote.objects.filter(statement_id=new.statement_id).exclude(pk=new.quote.pk).exists():
        return new.statement_id
    if not Statement.objects.filter(pk=old.statement_id).exists():
        return new.statement_id
    Quote.objects.filter(pk=new.quote.pk).update(statement_id=old.statement_id)
    new.quote.statement_id = old.statement_id
    return old.statement_id


def _pairs(
    before: list[_Rendering], after: list[_Rendering]
) -> list[tuple[_Rendering | None, _Rendering | None]]:
    pairs: list[tuple[_Rendering | None, _Rendering | None]] = []
    left = list(after)
    unpaired = []
    for old in before:  # the same words
        same = next((new for new in left if new.text == old.text), None)
        if same is None:
            unpaired.append(old)
        else:
            left.remove(same)
            pairs.append((old, same))
    for old in unpaired:  # else the most similar words
        scored = [(fuzz.ratio(old.words, new.words), index) for index, new in enumerate(left)]
        best = max(scored, default=None)
        if best and best[0] >= SAME_RENDERING_SIMILARITY:
            pairs.append((old, left.pop(best[1])))
        else:
            pairs.append((old, None))
    pairs += [(None, new) for new in left]
    return pairs


@dataclass(frozen=True)
class Step:
    """One replacement of an article's text: the version replaced, what became of its renderings, and the
    paragraphs that went and came."""

    version: ArticleVersion
    changes: tuple[QuoteChange, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]


History = list[Step]


def history(article: Article) -> History:
    """The article's replacements, newest first."""
    versions = list(article.versions.order_by("number").prefetch_related("changes"))
    texts = [v.body for v in versions] + [article.body]
    steps = []
    for version, newer in zip(versions, texts[1:], strict=True):
        old, new = _paragraphs(version.body), _paragraphs(newer)
        kept_old, kept_new = set(old), set(new)
        steps.append(
            Step(
                version=version,
                changes=tuple(version.changes.all()),
                removed=tuple(p for p in old if p not in kept_new),
                added=tuple(p for p in new if p not in kept_old),
            )
        )
    return steps[::-1]


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
