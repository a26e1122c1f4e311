"""What a statement shows of its renderings, recomputed from them: speaker (inferred for renderings that only
describe one), occasion date, reference, label, divergence, counts and search text.

`recompute` is the one entry point, for ingest, corrections, undo and tests (also as
`Statement.objects.filter(…).recompute()`). It works from counts the database makes and each distinct wording
once: a wire story carried word for word by a thousand outlets costs no more to recompute than one carried by
ten. It also keeps each rendering's `label_confidence` (of the label proposed against the reference), which
the review queue orders by.
"""

import datetime
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model, Q, QuerySet

from articles import sql
from articles.models import Article, Decision, Quote, QuoteKind, Statement
from articles.nlp.confidence import INFERRED_SPEAKER, label_confidence
from articles.nlp.diff import divergence, propose_label
from articles.search import search_text

STATEMENT_FIGURES = [
    "speaker", "occasion_date", "reference", "reference_decided_by", "label", "divergence", "rendering_count",
    "outlet_count", "search_text",
]  # fmt: skip


# Called with the rows recompute is about to change or delete, as they still are: corrections keep them for undo.
Keep = Callable[[Iterable[Model]], None]


def _keep_nothing(rows: Iterable[Model]) -> None:
    pass


@dataclass(slots=True)
class _Wording:
    """One wording of a statement's renderings: how many say it this way, and the first of them."""

    first: int
    text: str
    kind: str
    count: int
    label_confidences: set[float | None]  # as stored on its renderings


def recompute(
    statement_ids: Iterable[int], *, speakers_changed: bool = True, keep: Keep = _keep_nothing
) -> None:
    """Recompute the statements' speaker, occasion date, reference, label and figures from their renderings;
    renderings that name nobody take the speaker the others name; a statement left with none is deleted.

    "…,” he added" takes the speaker of the quote it follows once that one's is known: looked for in every
    statement when the caller may have changed speakers (a correction, an undo), else only where the inference
    above changed one (ingest, whose new quotes follow their speakers before they are saved).

    `keep` sees every row before it is written: the statements, and the renderings whose speaker is inferred."""
    ids = [pk for pk in statement_ids if pk is not None]
    if keep is not _keep_nothing:
        keep(Statement.objects.filter(pk__in=ids))
    inferred: set[int] = set()
    if not ids:
        return
    quote, article = sql.table(Quote), sql.table(Article)
    rendered = f"q.statement_id IN ({sql.marks(ids)}) AND NOT q.not_a_quote"
    # One row per statement, wording and speaker, in order of first rendering (ties go to the first).
    wordings: dict[int, dict[tuple[str, str], _Wording]] = defaultdict(dict)
    speakers: dict[int, Counter[tuple[int | None, str]]] = defaultdict(Counter)
    for statement_id, text, kind, speaker_id, decided_by, confidence, count, first in sql.rows(
        "SELECT statement_id, text, kind, speaker_id, speaker_decided_by, label_confidence, COUNT(*), MIN(id)"
        f" FROM {quote} AS q WHERE {rendered}"
        " GROUP BY statement_id, text, kind, speaker_id, speaker_decided_by, label_confidence ORDER BY MIN(id)",
        ids,
    ):
        wording = wordings[statement_id].setdefault((text, kind), _Wording(first, text, kind, 0, set()))
        wording.count += count
        wording.label_confidences.add(confidence)
        speakers[statement_id][(speaker_id, decided_by)] += count
    # Each statement as stored, with its first date and outlets (an article whose outlet is not stated is no
    # distinct outlet: it may be any of them), in one read.
    stored = sql.rows(
        "SELECT s.id, s.speaker_id, s.reference_id, s.reference_decided_by, MIN(a.published),"
        f" COUNT(DISTINCT a.outlet_id) FROM {sql.table(Statement)} AS s"
        f" LEFT JOIN {quote} AS q ON q.statement_id = s.id AND NOT q.not_a_quote"
        f" LEFT JOIN {article} AS a ON a.id = q.article_id WHERE s.id IN ({sql.marks(ids)})"
        " GROUP BY s.id, s.speaker_id, s.reference_id, s.reference_decided_by",
        ids,
    )
    changed, gone = [], []
    relabelled: list[tuple[float | None, int, str, str]] = []  # (confidence, statement, text, kind)
    for pk, speaker_id, reference_id, reference_decided_by, first_date, outlets in stored:
        statement = Statement(
            pk=pk, speaker_id=speaker_id, reference_id=reference_id, reference_decided_by=reference_decided_by
        )
        texts = list(wordings[statement.pk].values())  # in order of first rendering
        if not texts:
            gone.append(statement.pk)
            continue
        present, changed_speakers = _infer_speakers(statement.pk, speakers[statement.pk], keep)
        if changed_speakers:
            inferred.add(statement.pk)
        if statement.speaker_id is None or statement.speaker_id not in present:
            statement.speaker_id = _most_named(speakers[statement.pk])
        statement.occasion_date, statement.outlet_count = sql.as_date(first_date), outlets
        chosen = None  # a person's choice stands while it is still one of the renderings
        if statement.reference_decided_by == Decision.MANUAL and statement.reference_id is not None:
            chosen = (
                Quote.objects.filter(pk=statement.reference_id, statement=statement.pk, not_a_quote=False)
                .values_list("text", "kind")
                .first()
            )
        if chosen is None:
            reference = _most_complete(texts)
            statement.reference_id, chosen = reference.first, (reference.text, reference.kind)
            statement.reference_decided_by = Decision.AUTOMATIC
        reference_text = chosen[0]
        for w in texts:
            confidence = (
                None if (w.text, w.kind) == chosen else _label_confidence(reference_text, w.text, w.kind)
            )
            if w.label_confidences != {confidence}:
                relabelled.append((confidence, statement.pk, w.text, w.kind))
        statement.label = _label(reference_text)
        statement.rendering_count = sum(w.count for w in texts)
        statement.divergence = (
            sum(w.count * _divergence(reference_text, w.text) for w in texts) / statement.rendering_count
        )
        statement.search_text = search_text(w.text for w in texts)
        changed.append(statement)
    if gone:
        Statement.objects.filter(pk__in=gone).delete()
    _write_figures(changed)
    _write_label_confidences(relabelled, keep)
    _follow_unnamed_speakers(ids if speakers_changed else sorted(inferred), keep)


def _most_named(tally: Counter[tuple[int | None, str]]) -> int | None:
    """The speaker most renderings name in their own article (else the most inferred one)."""
    named: Counter[int] = Counter()
    for (speaker_id, decided_by), count in tally.items():
        if speaker_id is not None and decided_by != Decision.INFERRED:
            named[speaker_id] += count
    if not named:
        for (speaker_id, _), count in tally.items():
            if speaker_id is not None:
                named[speaker_id] += count
    return named.most_common(1)[0][0] if named else None


def _write_figures(statements: Sequence[Statement]) -> None:
    """bulk_update(statements, STATEMENT_FIGURES) as one prepared UPDATE run per statement: on every ingested
    article, building bulk_update's CASE expressions cost more than the statements' queries (measured)."""
    if not statements:
        return
    by_name = {field.name: field for field in Statement._meta.concrete_fields}
    fields = [by_name[name] for name in STATEMENT_FIGURES]
    quote_name, adapt_date = connection.ops.quote_name, connection.ops.adapt_datefield_value
    assignments = ", ".join(f"{quote_name(str(field.column))} = %s" for field in fields)
    rows = [
        [
            adapt_date(value) if isinstance(value, datetime.date) else value
            for value in (getattr(statement, field.attname) for field in fields)
        ]
        + [statement.pk]
        for statement in statements
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {sql.table(Statement)} SET {assignments} WHERE id = %s", rows)


def _write_label_confidences(rows: Sequence[tuple[float | None, int, str, str]], keep: Keep) -> None:
    """Each wording's renderings take their label's confidence: one prepared UPDATE run, skipping renderings
    that have it already (a wire story's thousandth identical rendering updates one row, not a thousand)."""
    if not rows:
        return
    if keep is not _keep_nothing:
        keep(Quote.objects.filter(_any_of(rows)))
    table = sql.table(Quote)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"  # both null-safe
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET label_confidence = %s WHERE statement_id = %s AND text = %s AND kind = %s"
            f" AND NOT not_a_quote AND label_confidence {distinct} %s",
            [(confidence, statement, text, kind, confidence) for confidence, statement, text, kind in rows],
        )


def _any_of(rows: Sequence[tuple[float | None, int, str, str]]) -> Q:
    found = Q(pk__in=[])
    for _, statement, text, kind in rows:
        found |= Q(statement=statement, text=text, kind=kind, not_a_quote=False)
    return found


def _follow_unnamed_speakers(statement_ids: Sequence[int], keep: Keep) -> None:
    """ "A Chinese official said … “…,” he said": once the first quote's speaker is known, the second follows."""
    if not statement_ids:
        return
    quote = sql.table(Quote)
    followers = sql.rows(
        f"SELECT q.id, q.statement_id, q.speaker_id, f.speaker_id FROM {quote} AS q"
        f" JOIN {quote} AS f ON f.id = q.speaker_follows_id"
        f" WHERE f.statement_id IN ({sql.marks(statement_ids)}) AND f.speaker_id IS NOT NULL"
        " AND (q.speaker_id IS NULL OR q.speaker_decided_by = %s)",
        [*statement_ids, Decision.INFERRED.value],
    )
    by_speaker: dict[int, list[int]] = defaultdict(list)
    touched = set()
    for pk, statement_id, speaker_id, followed in followers:
        if speaker_id != followed:
            by_speaker[followed].append(pk)
            touched.add(statement_id)
    for speaker_id, pks in by_speaker.items():
        _update(
            Quote.objects.filter(pk__in=pks),
            keep,
            speaker_id=speaker_id,
            speaker_decided_by=Decision.INFERRED,
            speaker_confidence=INFERRED_SPEAKER,
        )
    if by_speaker:  # their statements may now name a speaker; a chain of followers resolves in turn
        recompute(touched - {None}, keep=keep)


def _update(rows: QuerySet, keep: Keep, **values: object) -> int:
    if keep is not _keep_nothing:
        keep(rows)
    return rows.update(**values)


def _infer_speakers(
    statement_id: int, tally: Counter[tuple[int | None, str]], keep: Keep
) -> tuple[set[int], bool]:
    """Renderings known only by a description ("a Chinese official") take the speaker the other outlets name.
    Updates `tally` (speaker, decided by -> renderings) to match; returns the speakers its renderings now have,
    and whether any rendering's speaker changed."""
    speaker_id = _most_named(Counter({k: n for k, n in tally.items() if k[1] != Decision.INFERRED}))
    if speaker_id is not None:
        stale = [
            (speaker, decided_by)
            for speaker, decided_by in tally
            if decided_by != Decision.MANUAL
            and (speaker is None or decided_by == Decision.INFERRED)  # not named in its own article
            and (speaker, decided_by) != (speaker_id, Decision.INFERRED)  # not inferred from it already
        ]
        if stale:
            unnamed = Q(speaker__isnull=True) | Q(speaker_decided_by=Decision.INFERRED)
            takers = (
                Quote.objects.filter(unnamed, statement=statement_id, not_a_quote=False)
                .exclude(speaker_decided_by=Decision.MANUAL)
                .exclude(speaker=speaker_id, speaker_decided_by=Decision.INFERRED)
            )
            _update(
                takers,
                keep,
                speaker_id=speaker_id,
                speaker_decided_by=Decision.INFERRED,
                speaker_confidence=INFERRED_SPEAKER,
            )
            tally[(speaker_id, Decision.INFERRED)] += sum(tally.pop(key) for key in stale)
            return {speaker for speaker, _ in tally if speaker is not None}, True
    return {speaker for speaker, _ in tally if speaker is not None}, False


@functools.lru_cache(maxsize=65536)
def _divergence(reference: str, other: str) -> float:
    return divergence(reference=reference, other=other)


@functools.lru_cache(maxsize=65536)
def _label_confidence(reference: str, other: str, kind: str) -> float:
    return label_confidence(propose_label(reference=reference, other=other, other_kind=kind))


def _most_complete(wordings: Sequence[_Wording]) -> _Wording:
    """The reference wording: what was actually said (a primary source's sentence), else the longest direct
    one, else the longest of any kind (the first of the longest)."""
    direct = (
        [w for w in wordings if w.kind == QuoteKind.PRIMARY]
        or [w for w in wordings if w.kind == QuoteKind.DIRECT]
        or list(wordings)
    )
    return max(direct, key=lambda w: (len(w.text.split()), -w.first))


def _label(text: str, words: int = 12) -> str:
    tokens = text.split()
    return " ".join(tokens[:words]) + ("…" if len(tokens) > words else "")
