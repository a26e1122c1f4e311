"""What the statement page shows: wordings aligned against a reference, and one page of renderings by article."""

import functools
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from articles.models import Article, Label, Quote
from articles.nlp.diff import Op, ProposedLabel, align_columns, diff, divergence, propose_label
from articles.nlp.matching import normalize


@dataclass(frozen=True)
class Cell:
    words: str
    kind: str  # equal | insert | delete | replace


@dataclass(frozen=True)
class Wording:
    """One row of the alignment table: a distinct wording, how many renderings use it, and the first of them."""

    text: str
    cells: tuple[Cell, ...]
    quotes: tuple[Quote, ...]  # at most OUTLETS_PER_WORDING, the first stored
    count: int
    is_reference: bool

    @property
    def unnamed(self) -> int:
        """Renderings with this wording not named in its row."""
        return self.count - len(self.quotes)


@dataclass(frozen=True)
class Rendering:
    quote: Quote
    ops: tuple[Op, ...]
    proposed: ProposedLabel
    divergence: float
    is_reference: bool
    key: str  # names the reference and this rendering's text: the template caches its diff markup under it

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
    wordings: tuple[Wording, ...]  # the reference's and the most used ones, TABLE_WORDINGS at most
    wordings_total: int
    cards: tuple[Card, ...]  # the articles of one page
    key: str = ""  # names everything the alignment was computed from: the template caches its markup under it

    @property
    def wordings_left_out(self) -> int:
        return self.wordings_total - len(self.wordings)


# A statement a thousand outlets carried has one row per wording, not per outlet, and only the most used
# wordings: the alignment stays readable and the page answers in the usual time.
TABLE_WORDINGS = 30
OUTLETS_PER_WORDING = 6
# Bump when the alignment or the label proposals change: a shared cache must not serve the old ones.
CACHE_VERSION = 2
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class _Alignment:
    """What the alignment table derives from the texts alone (the costly part), cached."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]  # one per wording shown, in order


def compare(*, statement_id: int, reference: Quote, quotes: Sequence[Quote]) -> Comparison:
    """The statement's wordings aligned with the reference, and `quotes` (one page of its renderings, with
    article and outlet loaded) each diffed against it.

    The alignment is cached under a key made of everything it is computed from (the reference and each shown
    wording's first rendering, id and text), so a correction that changes any of them misses the cache
    and nothing needs invalidating; labels, speakers and articles are read fresh, never cached."""
    counted, total = _wordings(statement_id=statement_id, reference=reference)
    samples = _samples(statement_id=statement_id, keys=[key for key, _ in counted])
    shown = [(key, count, samples.get(key, ())) for key, count in counted if samples.get(key)]
    inputs = (CACHE_VERSION, reference.pk, reference.text, [(q[0].pk, q[0].text) for _, _, q in shown])
    key = "comparison:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
    alignment = cache.get(key)
    if alignment is None:
        alignment = _align(reference=reference, texts=[q[0].text for _, _, q in shown])
        cache.set(key, alignment, CACHE_SECONDS)
    reference_key = reference.normalized or normalize(reference.text)
    wordings = tuple(
        Wording(text=q[0].text, cells=cells, quotes=tuple(q), count=count, is_reference=k == reference_key)
        for (k, count, q), cells in zip(shown, alignment.rows, strict=True)
    )
    by_article: dict[int, list[Rendering]] = defaultdict(list)
    articles: dict[int, Article] = {}
    for quote in quotes:
        articles[quote.article_id] = quote.article
        by_article[quote.article_id].append(_rendering(quote, reference))
    ordered = sorted(articles.values(), key=lambda a: (a.published is None, a.published, a.pk))
    cards = tuple(Card(a, tuple(by_article[a.pk])) for a in ordered)
    return Comparison(reference, alignment.columns, wordings, total, cards, key=key)


def _wordings(*, statement_id: int, reference: Quote) -> tuple[list[tuple[str, int]], int]:
    """The wordings shown (the reference's first, then the most used) with their counts; how many there are."""
    counts = (
        Quote.objects.filter(statement=statement_id, not_a_quote=False)
        .order_by()
        .values("normalized")
        .annotate(count=Count("pk"))
        .values_list("normalized", "count")
    )
    reference_key = reference.normalized or normalize(reference.text)
    ranked = sorted(counts, key=lambda row: (row[0] != reference_key, -row[1], row[0]))
    return ranked[:TABLE_WORDINGS], len(ranked)


def _samples(*, statement_id: int, keys: Sequence[str]) -> dict[str, list[Quote]]:
    """The first OUTLETS_PER_WORDING renderings of each wording, with article and outlet."""
    numbered = (
        Quote.objects.filter(statement=statement_id, not_a_quote=False, normalized__in=keys)
        .annotate(number=Window(RowNumber(), partition_by=F("normalized"), order_by=F("pk").asc()))
        .filter(number__lte=OUTLETS_PER_WORDING)
        .select_related("article__outlet")
        .order_by("pk")
    )
    samples: dict[str, list[Quote]] = defaultdict(list)
    for quote in numbered:
        samples[quote.normalized].append(quote)
    return samples


def _align(*, reference: Quote, texts: Sequence[str]) -> _Alignment:
    ref_cells, rows = align_columns(reference=reference.text, others=list(texts))
    return _Alignment(
        tuple(" ".join(cell) for cell in ref_cells),
        tuple(
            tuple(Cell(" ".join(words), kind) for words, kind in zip(row.cells, row.kinds, strict=True))
            for row in rows
        ),
    )


def _rendering(quote: Quote, reference: Quote) -> Rendering:
    ops, proposed, divergence_ = _diffed(reference.text, quote.text, quote.kind)
    inputs = (CACHE_VERSION, reference.pk, reference.text, quote.text, quote.kind)
    key = hashlib.sha256(repr(inputs).encode()).hexdigest()
    return Rendering(quote, ops, proposed, divergence_, is_reference=quote.pk == reference.pk, key=key)


@functools.lru_cache(maxsize=4096)
def _diffed(reference: str, other: str, kind: str) -> tuple[tuple[Op, ...], ProposedLabel, float]:
    return (
        tuple(diff(reference=reference, other=other)),
        propose_label(reference=reference, other=other, other_kind=kind),
        divergence(reference=reference, other=other),
    )


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
