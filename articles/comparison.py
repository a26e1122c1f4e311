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
CACHE_VERSION = 4
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class _Alignment:
    """What the alignment table derives from the texts alone (the costly part), cached."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]  # one per wording shown, in order


@dataclass(frozen=True)
class Counted:
    """A wording of the statement: its key (the normalised text), how many renderings use it, the first ones."""

    key: str
    count: int
    first: tuple[Quote, ...]  # OUTLETS_PER_WORDING at most, with article and outlet


def compare(
    *,
    reference: Quote,
    wordings: Sequence[Counted],
    wordings_total: int,
    quotes: Sequence[Quote],
    stored: Quote | None = None,
) -> Comparison:
    """The statement's wordings aligned with the reference, and `quotes` (the page's renderings, with article
    and outlet loaded) each diffed against it. `wordings` come from counted_in or counted_wordings.

    `reference` may be one a reader chose for viewing; proposed labels and divergence are always judged
    against the statement's `stored` reference, as confirming a proposal stores it.

    The alignment is cached under a key made of everything it is computed from (the reference and each shown
    wording's first rendering, id and text), so a correction that changes any of them misses the cache and
    nothing needs invalidating; labels, speakers and articles are read fresh, never cached."""
    inputs = (
        CACHE_VERSION,
        reference.pk,
        reference.text,
        [(w.first[0].pk, w.first[0].text) for w in wordings],
    )
    key = "comparison:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
    alignment = cache.get(key)
    if alignment is None:
        alignment = _align(reference=reference, texts=[w.first[0].text for w in wordings])
        cache.set(key, alignment, CACHE_SECONDS)
    reference_key = _key(reference)
    rows = tuple(
        Wording(
            text=w.first[0].text,
            cells=cells,
            quotes=w.first,
            count=w.count,
            is_reference=w.key == reference_key,
        )
        for w, cells in zip(wordings, alignment.rows, strict=True)
    )
    by_article: dict[int, list[Rendering]] = defaultdict(list)
    articles: dict[int, Article] = {}
    for quote in quotes:
        articles[quote.article_id] = quote.article
        by_article[quote.article_id].append(_rendering(quote, reference, judged_by=stored or reference))
    ordered = sorted(articles.values(), key=lambda a: (a.published is None, a.published, a.pk))
    cards = tuple(Card(a, tuple(by_article[a.pk])) for a in ordered)
    return Comparison(reference, alignment.columns, rows, wordings_total, cards, key=key)


def _key(quote: Quote) -> str:
    return quote.normalized or normalize(quote.text)


def _shown(counts: Sequence[tuple[str, int]], reference: Quote) -> list[tuple[str, int]]:
    """The reference's wording first, then the most used: TABLE_WORDINGS of them."""
    reference_key = _key(reference)
    return sorted(counts, key=lambda row: (row[0] != reference_key, -row[1], row[0]))[:TABLE_WORDINGS]


def counted_in(quotes: Sequence[Quote], reference: Quote) -> tuple[list[Counted], int]:
    """The wordings shown, counted among `quotes` (every rendering of a small statement, already loaded), and
    how many wordings there are."""
    by_key: dict[str, list[Quote]] = defaultdict(list)
    for quote in sorted(quotes, key=lambda q: q.pk):
        by_key[_key(quote)].append(quote)
    shown = _shown([(key, len(group)) for key, group in by_key.items()], reference)
    return [Counted(key, count, tuple(by_key[key][:OUTLETS_PER_WORDING])) for key, count in shown], len(
        by_key
    )


def counted_wordings(statement_id: int, reference: Quote) -> tuple[list[Counted], int]:
    """The same, counted by the database: for a statement of any size, reading only the first renderings of
    the wordings shown."""
    counts = list(
        Quote.objects.filter(statement=statement_id, not_a_quote=False)
        .order_by()
        .values("normalized")
        .annotate(count=Count("pk"))
        .values_list("normalized", "count")
    )
    shown = _shown(counts, reference)
    first = (
        Quote.objects.filter(statement=statement_id, not_a_quote=False, normalized__in=[k for k, _ in shown])
        .annotate(number=Window(RowNumber(), partition_by=F("normalized"), order_by=F("pk").asc()))
        .filter(number__lte=OUTLETS_PER_WORDING)
        .select_related("article__outlet")
        .order_by("pk")
    )
    by_key: dict[str, list[Quote]] = defaultdict(list)
    for quote in first:
        by_key[quote.normalized].append(quote)
    return [Counted(key, count, tuple(by_key[key])) for key, count in shown if by_key[key]], len(counts)


def _align(*, reference: Quote, texts: Sequence[str]) -> _Alignment:
    ref_cells, rows = align_columns(reference=reference.text, others=list(texts))
    return _Alignment(
        tuple(" ".join(cell) for cell in ref_cells),
        tuple(
            tuple(Cell(" ".join(words), kind) for words, kind in zip(row.cells, row.kinds, strict=True))
            for row in rows
        ),
    )


def _rendering(quote: Quote, reference: Quote, *, judged_by: Quote) -> Rendering:
    ops, _, _ = _diffed(reference.text, quote.text, quote.kind)
    _, proposed, divergence_ = _diffed(judged_by.text, quote.text, quote.kind)
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
