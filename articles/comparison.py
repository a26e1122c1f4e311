"""What the statement page shows: renderings aligned against a reference, grouped by wording and by article."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

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


def compare(*, quotes: Sequence[Quote], reference: Quote) -> Comparison:
    """Align every rendering with the reference; quotes come with article (and outlet) already loaded."""
    by_wording: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_wording[normalize(quote.text)].append(quote)
    reference_key = normalize(reference.text)
    # The reference's wording first, then the most used wordings.
    keys = sorted(by_wording, key=lambda key: (key != reference_key, -len(by_wording[key]), key))
    ref_cells, rows = align_columns(reference=reference.text, others=[by_wording[k][0].text for k in keys])
    wordings = tuple(
        Wording(
            text=by_wording[key][0].text,
            cells=tuple(
                Cell(" ".join(words), kind) for words, kind in zip(row.cells, row.kinds, strict=True)
            ),
            quotes=tuple(by_wording[key]),
            is_reference=key == reference_key,
        )
        for key, row in zip(keys, rows, strict=True)
    )
    by_article: dict[int, list[Rendering]] = defaultdict(list)
    articles: dict[int, Article] = {}
    for quote in quotes:
        articles[quote.article_id] = quote.article
        by_article[quote.article_id].append(
            Rendering(
                quote=quote,
                ops=tuple(diff(reference=reference.text, other=quote.text)),
                proposed=propose_label(reference=reference.text, other=quote.text, other_kind=quote.kind),
                divergence=divergence(reference=reference.text, other=quote.text),
                is_reference=quote.pk == reference.pk,
            )
        )
    ordered = sorted(articles.values(), key=lambda a: (a.published is None, a.published, a.pk))
    cards = tuple(Card(a, tuple(by_article[a.pk])) for a in ordered)
    return Comparison(reference, tuple(" ".join(cell) for cell in ref_cells), wordings, cards)


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
