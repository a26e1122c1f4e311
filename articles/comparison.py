"""What the statement page shows: renderings aligned against a reference, grouped by wording and by article."""

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache

from articles.models import Article, Label, Quote
from articles.nlp.diff import Op, ProposedLabel, align_columns, diff, divergence, propose_label
from articles.nlp.matching import normalize


@dataclass(frozen=True)
class Cell:
    words: str
    kind: str  # equal | insert | delete | replace


@dataclass(frozen=True)
class Wording:
    """One row of the alignment table: a distinct wording and the renderings that use it."""

    text: str
    cells: tuple[Cell, ...]
    quotes: tuple[Quote, ...]
    is_reference: bool


@dataclass(frozen=True)
class Rendering:
    quote: Quote
    ops: tuple[Op, ...]
    proposed: ProposedLabel
    divergence: float
    is_reference: bool

    @property
    def proposed_name(self) -> str:
        return Label(self.proposed.label).label

    @property
    def confirmed(self) -> list:
        """Labels given by people (prefetched with their authors)."""
        return [label for label in self.quote.labels.all() if not label.proposed]

    @property
    def disagreement(self) -> bool:
        return len({label.label for label in self.confirmed}) > 1


@dataclass(frozen=True)
class Card:
    """One article's renderings of the statement."""

    article: Article
    renderings: tuple[Rendering, ...]


@dataclass(frozen=True)
class Comparison:
    reference: Quote
    columns: tuple[str, ...]  # the reference's words per column ("" for insertion columns)
    wordings: tuple[Wording, ...]
    cards: tuple[Card, ...]
    key: str = ""  # names everything the alignment was computed from: the template caches its markup under it


# Bump when the alignment or the label proposals change: a shared cache must not serve the old ones.
CACHE_VERSION = 1
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class _Plan:
    """What compare() derives from the texts alone (the costly part: word alignment and label proposals)."""

    columns: tuple[str, ...]
    wordings: tuple[
        tuple[str, tuple[Cell, ...], tuple[int, ...], bool], ...
    ]  # text, cells, quote ids, is ref.
    renderings: dict[int, tuple[tuple[Op, ...], ProposedLabel, float]]  # by quote id


def compare(*, quotes: Sequence[Quote], reference: Quote) -> Comparison:
    """Align every rendering with the reference; quotes come with article (and outlet) already loaded.

    The alignment is cached under a key made of everything it is computed from (the reference and every
    rendering's id, text and kind, in order), so a correction that changes any of them misses the cache and
    nothing needs invalidating; labels, speakers and articles are read from the quotes given, never cached."""
    inputs = (CACHE_VERSION, reference.pk, reference.text, [(q.pk, q.text, q.kind) for q in quotes])
    key = "comparison:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
    plan = cache.get(key)
    if plan is None:
        plan = _plan(quotes=quotes, reference=reference)
        cache.set(key, plan, CACHE_SECONDS)
    by_id = {quote.pk: quote for quote in quotes}
    wordings = tuple(
        Wording(text=text, cells=cells, quotes=tuple(by_id[pk] for pk in ids), is_reference=is_reference)
        for text, cells, ids, is_reference in plan.wordings
    )
    by_article: dict[int, list[Rendering]] = defaultdict(list)
    articles: dict[int, Article] = {}
    for quote in quotes:
        ops, proposed, divergence_ = plan.renderings[quote.pk]
        articles[quote.article_id] = quote.article
        by_article[quote.article_id].append(
            Rendering(quote, ops, proposed, divergence_, is_reference=quote.pk == reference.pk)
        )
    ordered = sorted(articles.values(), key=lambda a: (a.published is None, a.published, a.pk))
    cards = tuple(Card(a, tuple(by_article[a.pk])) for a in ordered)
    return Comparison(reference, plan.columns, wordings, cards, key=key)


def _plan(*, quotes: Sequence[Quote], reference: Quote) -> _Plan:
    by_wording: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_wording[normalize(quote.text)].append(quote)
    reference_key = normalize(reference.text)
    # The reference's wording first, then the most used wordings.
    keys = sorted(by_wording, key=lambda key: (key != reference_key, -len(by_wording[key]), key))
    ref_cells, rows = align_columns(reference=reference.text, others=[by_wording[k][0].text for k in keys])
    wordings = tuple(
        (
            by_wording[key][0].text,
            tuple(Cell(" ".join(words), kind) for words, kind in zip(row.cells, row.kinds, strict=True)),
            tuple(q.pk for q in by_wording[key]),
            key == reference_key,
        )
        for key, row in zip(keys, rows, strict=True)
    )
    renderings = {
        quote.pk: (
            tuple(diff(reference=reference.text, other=quote.text)),
            propose_label(reference=reference.text, other=quote.text, other_kind=quote.kind),
            divergence(reference=reference.text, other=quote.text),
        )
        for quote in quotes
    }
    return _Plan(tuple(" ".join(cell) for cell in ref_cells), wordings, renderings)


@dataclass(frozen=True)
class Segment:
    text: str
    quote: Quote | None


def segments(body: str, quotes: Sequence[Quote]) -> list[Segment]:
    """The body cut into plain text and quotes, for highlighting (quotes sorted by start, overlaps skipped)."""
    out, position = [], 0
    for quote in sorted(quotes, key=lambda q: q.start):
        if quote.start < position:
            continue
        if quote.start > position:
            out.append(Segment(body[position : quote.start], None))
        out.append(Segment(body[quote.start : quote.end], quote))
        position = quote.end
    if position < len(body):
        out.append(Segment(body[position:], None))
    return out
