"""What a journalist should look at first: the machine's decisions ordered by how likely they are wrong, and
how far journalists agree with each other on labels.

The queue holds renderings with a speaker, statement or proposed label the machine decided (not a person),
ordered by the lowest of the three confidences (`Quote.speaker_confidence`, `statement_confidence`, filled by
ingest, and `label_confidence`, kept by articles.statements); confirming or fixing a decision makes it a
person's, which takes it out of the queue and survives re-ingest. A rendering's label is a person's once a
journalist labelled it.
Agreement is Cohen's kappa for each pair of journalists over the renderings both labelled.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Least

from articles.models import Decision, Quote, QuoteKind, VariantLabel
from articles.nlp.confidence import MANUAL

__all__ = ["Agreement", "agreement", "confidences", "disputed_quotes", "queue"]


def confidences(quote: Quote, *, labelled: bool) -> dict[str, float | None]:
    """How likely each of a rendering's decisions is right, as exports and the API give them: the machine's
    confidence, or 1.0 once the decision is a person's (`labelled`: a journalist labelled the rendering)."""
    speaker = MANUAL if quote.speaker_decided_by == Decision.MANUAL else quote.speaker_confidence
    statement = MANUAL if quote.statement_decided_by == Decision.MANUAL else quote.statement_confidence
    label = MANUAL if labelled else quote.label_confidence
    return {"speaker_confidence": speaker, "statement_confidence": statement, "label_confidence": label}


def _open(decided_by_person: Q, confidence: str) -> Case:
    """A decision's confidence while it is the machine's; 1 (nothing to review) once a person's."""
    return Case(
        When(decided_by_person | Q(**{f"{confidence}__isnull": True}), then=Value(1.0)),
        default=F(confidence),
        output_field=FloatField(),
    )


def queue() -> QuerySet[Quote]:
    """Renderings with a machine's decision to review, the least confident first (`doubt`: that confidence)."""
    speaker = _open(Q(speaker_decided_by=Decision.MANUAL), "speaker_confidence")
    statement = _open(Q(statement_decided_by=Decision.MANUAL), "statement_confidence")
    labelled = Exists(VariantLabel.objects.filter(quote=OuterRef("pk"), proposed=False))
    label = _open(Q(labelled), "label_confidence")
    return (
        Quote.objects.filter(not_a_quote=False)
        .exclude(kind=QuoteKind.PRIMARY)
        .annotate(doubt=Least(speaker, statement, label), labelled=labelled)
        .filter(doubt__lt=1.0)
        .select_related("article__outlet", "speaker", "statement")
        .order_by("doubt", "pk")
    )


def disputed_quotes() -> QuerySet:
    """Renderings two journalists labelled differently (the ids), counted by the database."""
    return (
        VariantLabel.objects.filter(proposed=False)
        .values("quote_id")
        .annotate(authors=Count("author", distinct=True), labels=Count("label", distinct=True))
        .filter(authors__gt=1, labels__gt=1)
        .values("quote_id")
    )


@dataclass(frozen=True)
class Agreement:
    first: str  # the two journalists' names
    second: str
    renderings: int  # labelled by both
    agreed: int
    kappa: float | None  # None when chance agreement is total (one label only, used by both)


def agreement() -> list[Agreement]:
    """Cohen's kappa for each pair of journalists, over the renderings both labelled (a journalist's latest
    label of a rendering counts)."""
    latest: dict[tuple[int, str], str] = {}
    for quote_id, author, label in (
        VariantLabel.objects.filter(proposed=False, author__isnull=False)
        .order_by("created_at", "pk")
        .values_list("quote_id", "author__username", "label")
    ):
        latest[(quote_id, author)] = label
    by_author: dict[str, dict[int, str]] = defaultdict(dict)
    for (quote_id, author), label in latest.items():
        by_author[author][quote_id] = label
    pairs = []
    for first, second in combinations(sorted(by_author), 2):
        both = sorted(set(by_author[first]) & set(by_author[second]))
        if not both:
            continue
        a = [by_author[first][q] for q in both]
        b = [by_author[second][q] for q in both]
        pairs.append(
            Agreement(first, second, len(both), sum(x == y for x, y in zip(a, b, strict=True)), kappa(a, b))
        )
    return pairs


def kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa of two raters' labels of the same items: (observed - chance) / (1 - chance)."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    counts_a, counts_b = Counter(a), Counter(b)
    chance = sum(counts_a[label] * counts_b[label] for label in counts_a) / (n * n)
    return None if chance == 1 else (observed - chance) / (1 - chance)
