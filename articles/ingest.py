"""The only code that writes articles, quotes, speakers and statements (used by `manage.py ingest` and uploads).

Flow per batch: read sources -> clean text -> skip bodies already stored (content hash) -> spaCy in batches ->
quotes with speakers -> one transaction per article: speakers, quotes, index keys, statements.
"""

import datetime
import functools
import hashlib
import queue
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from spacy.language import Language
from spacy.tokens import Doc

from articles.models import (
    Article,
    Decision,
    Outlet,
    Quote,
    QuoteKey,
    QuoteKind,
    Speaker,
    SpeakerAlias,
    Statement,
    VariantLabel,
)
from articles.nlp.attribution import ExtractedQuote, extract_quotes
from articles.nlp.diff import divergence
from articles.nlp.matching import Rendering, assign_statements, index_keys, normalize
from articles.nlp.pipeline import load_pipeline
from articles.nlp.speakers import KnownSpeaker, resolve_speaker, speaker_lookup_keys
from articles.nlp.text import PreparedText, prepare_text
from articles.sources import Source, SourceError

# How many candidate statements (found through shared index keys) a new article is compared with.
MAX_CANDIDATE_STATEMENTS = 50
BATCH_SIZE = 32


@dataclass(frozen=True)
class Outcome:
    status: str  # "created" | "unchanged" | "updated" | "failed"
    source_name: str
    message: str = ""
    line: int | None = None
    article_id: int | None = None
    quotes: int = 0
    statements: tuple[int, ...] = ()
    # What reading the source noticed ("not UTF-8: decoded as cp1252"); also in `message` of a stored article,
    # so that an upload's recorded outcome keeps it.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Overrides:
    """Metadata given by the person ingesting; it outranks what the source or the text says."""

    outlet: str | None = None
    published: datetime.date | None = None
    url: str | None = None


@dataclass
class _Pending:
    source: Source
    prepared: PreparedText
    content_hash: str
    quotes: list[ExtractedQuote] = field(default_factory=list)


def content_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def ingest_sources(
    *,
    sources: Iterable[Source | SourceError],
    overrides: Overrides = Overrides(),
    dry_run: bool = False,
    workers: int = 1,
) -> Iterator[Outcome]:
    """Ingest sources; yields one Outcome per source, in order of completion. Never raises for bad input."""
    pending: list[_Pending] = []
    for item in sources:
        if isinstance(item, SourceError):
            yield Outcome("failed", item.source_name, item.reason, line=item.line)
            continue
        try:
            prepared = prepare_text(title=item.title, text=item.text)
        except ValueError as error:
            yield Outcome("failed", item.source_name, str(error), line=item.line)
            continue
        if not prepared.body.strip():
            yield Outcome("failed", item.source_name, "no article text left after cleaning", line=item.line)
            continue
        digest = content_hash(prepared.body)
        existing = Article.objects.filter(content_hash=digest).values_list("pk", flat=True).first()
        if existing is not None:
            yield Outcome(
                "unchanged", item.source_name, "already stored", line=item.line, article_id=existing
            )
            continue
        pending.append(_Pending(item, prepared, digest))

    nlp = load_pipeline()
    # spaCy refuses a text over nlp.max_length (ValueError E088) inside nlp.pipe, which would stop the whole
    # batch: such an article is reported on its own (a 1 MB one-paragraph file is no news article).
    fits = []
    for p in pending:
        if len(p.prepared.body) > nlp.max_length:
            yield Outcome(
                "failed",
                p.source.source_name,
                f"article too long: {len(p.prepared.body):,} characters (limit {nlp.max_length:,})",
                line=p.source.line,
            )
        else:
            fits.append(p)
    pending = fits
    for doc, item in _parsed(nlp, pending, workers=max(1, workers)):
        try:
            item.quotes = extract_quotes(doc, title_end=item.prepared.title_end)
        except Exception as error:  # a bug in extraction must not stop the batch: report it on this file
            yield Outcome("failed", item.source.source_name, f"quote extraction failed: {error!r}")
            continue
        if dry_run:
            yield Outcome(
                "created", item.source.source_name, "dry run: nothing written", quotes=len(item.quotes)
            )
            continue
        try:
            yield store_article(item=item, overrides=overrides)
        except IntegrityError as error:
            # Another ingest stored the same text meanwhile: nothing of ours was written (transaction).
            if Article.objects.filter(content_hash=item.content_hash).exists():
                yield Outcome("unchanged", item.source.source_name, "stored concurrently by another run")
            else:
                yield Outcome("failed", item.source.source_name, f"database refused the article: {error}")


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


def _parsed(nlp: Language, pending: list[_Pending], *, workers: int) -> Iterator[tuple[Doc, Any]]:
    """Docs in input order. In one process the parse runs in a background thread, a few batches ahead:
    spaCy's network and parser spend much of their time outside the GIL, so the next batch is parsed on the
    second core while this thread extracts, matches and writes. With several workers spaCy's own processes
    do that already (and forking from a threaded process is unsafe), so they are used as they are.
    """
    texts = ((p.prepared.body, p) for p in pending)
    if workers > 1 or len(pending) < 2:
        yield from nlp.pipe(texts, as_tuples=True, batch_size=BATCH_SIZE, n_process=workers)
        return
    ready: queue.Queue = queue.Queue(maxsize=BATCH_SIZE)
    stop = threading.Event()

    def offer(item: object) -> bool:
        while not stop.is_set():  # the caller may stop reading (a closed generator): never block for good
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def parse() -> None:
        try:
            for pair in nlp.pipe(texts, as_tuples=True, batch_size=BATCH_SIZE):
                if not offer(pair):
                    return
            offer(_DONE)
        except BaseException as error:  # raised again in the caller's thread, as without the thread
            offer(_Failed(error))

    thread = threading.Thread(target=parse, name="ingest-parse", daemon=True)
    thread.start()
    try:
        while (got := ready.get()) is not _DONE:
            if isinstance(got, _Failed):
                raise got.error
            yield got
    finally:
        stop.set()
        thread.join()


def store_article(*, item: _Pending, overrides: Overrides) -> Outcome:
    """Write one article and everything found in it, in one transaction."""
    source, prepared = item.source, item.prepared
    outlet_name = overrides.outlet or source.outlet
    outlet_guessed = False
    if not outlet_name and prepared.outlet:
        outlet_name, outlet_guessed = prepared.outlet, True
    published = overrides.published or source.published
    published_guessed = False
    if published is None and prepared.published:
        published, published_guessed = prepared.published, True

    with transaction.atomic():
        outlet = _outlet(outlet_name) if outlet_name else None
        article = Article.objects.select_for_update().filter(source_name=source.source_name).first()
        if article is not None and article.content_hash == item.content_hash:
            # Another run stored this very text after this one looked (two ingests at once): without this
            # check it would be "updated", its quotes deleted and extracted again for nothing.
            return Outcome(
                "unchanged",
                source.source_name,
                "stored concurrently by another run",
                line=source.line,
                article_id=article.pk,
            )
        fields = {
            "outlet": outlet,
            "title": prepared.title[:1000],
            "url": (overrides.url or source.url or "")[:2000],
            "published": published,
            "outlet_guessed": outlet_guessed,
            "published_guessed": published_guessed,
            "content_hash": item.content_hash,
        }
        if article is None:
            article = Article.objects.create(source_name=source.source_name, body=prepared.body, **fields)
            status, kept = "created", _Manual()
        else:
            kept = _Manual.take(article)
            article.quotes.all().delete()  # automatic results are replaced; manual ones are re-applied below
            for name, value in fields.items():
                setattr(article, name, value)
            article.body = prepared.body
            article.save()
            status = "updated"
        quotes = _store_quotes(article=article, extracted=item.quotes)
        statements = _assign(article=article, quotes=quotes)
        kept.reapply(quotes)
        refresh_statements(statements | kept.statements)
    return Outcome(
        status,
        source.source_name,
        "; ".join(source.warnings),
        line=source.line,
        warnings=source.warnings,
        article_id=article.pk,
        quotes=len(quotes),
        statements=tuple(sorted(statements)),
    )


def _outlet(name: str) -> Outlet:
    name = name.strip()[:200]
    outlet = Outlet.objects.filter(name__iexact=name).first()
    return outlet or Outlet.objects.create(name=name)


# --- speakers ---------------------------------------------------------------------------------------------


def _speaker(*, name: str, description: str, kind: str | None) -> Speaker | None:
    """The canonical speaker for a name found in an article: an existing one, an alias of one, or a new one."""
    if kind == "institution":  # "the Kremlin", "The White House" and "White House" are one speaker
        name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    alias = SpeakerAlias.objects.filter(name__iexact=name).select_related("speaker").first()
    if alias is not None:  # a name already recorded (by a person or earlier evidence) as this speaker's
        return alias.speaker
    keys = speaker_lookup_keys(name)
    # Full names and aliases match exactly; single-word keys (surname, given name) match a word of the name.
    query = Q(pk__in=[])
    for key in keys:
        query |= Q(name__iexact=key) | Q(aliases__name__iexact=key)
        if " " not in key:
            query |= Q(name__istartswith=f"{key} ") | Q(name__iendswith=f" {key}")
    candidates = Speaker.objects.filter(query).prefetch_related("aliases").distinct()[:50]
    known = [
        KnownSpeaker(
            id=s.pk, name=s.name, description=s.description, aliases=tuple(a.name for a in s.aliases.all())
        )
        for s in candidates
    ]
    match = resolve_speaker(name=name, description=description, known=known)
    if match is not None:
        speaker = next(s for s in candidates if s.pk == match.id)
        if match.is_alias and not SpeakerAlias.objects.filter(name__iexact=name).exists():
            SpeakerAlias.objects.create(speaker=speaker, name=name[:300], evidence=match.evidence[:500])
        if description and not speaker.description:
            speaker.description = description[:500]
            speaker.save(update_fields=["description"])
        return speaker
    if " " not in name and (kind or "person") == "person":
        # A bare surname ("Schumer said") is the one known person of that name, never a new speaker of its
        # own; with several known (Joe and Hunter Biden) it stays unresolved rather than guessed.
        namesakes = [s for s in candidates if name.casefold() in s.name.casefold().split()]
        return namesakes[0] if len(namesakes) == 1 else None
    try:
        with transaction.atomic():
            return Speaker.objects.create(
                name=name[:300], description=description[:500], kind=kind or "person"
            )
    except IntegrityError:  # the same name stored meanwhile (case-insensitive unique): use it
        return Speaker.objects.get(name__iexact=name[:300])


# --- quotes and statements -------------------------------------------------------------------------------


def _store_quotes(*, article: Article, extracted: Sequence[ExtractedQuote]) -> list[Quote]:
    speakers: dict[tuple[str, str], Speaker] = {}
    rows = []
    for found in extracted:
        speaker = None
        if found.speaker:
            key = (found.speaker.casefold(), found.speaker_kind or "")
            if key not in speakers:
                speakers[key] = _speaker(
                    name=found.speaker, description=found.speaker_description, kind=found.speaker_kind
                )
            speaker = speakers[key]
        rows.append(
            Quote(
                article=article,
                speaker=speaker,
                text=found.text,
                start=found.start,
                end=found.end,
                kind=found.kind,
                speaker_as_written=found.speaker_as_written[:300],
                cue=found.cue[:100],
                relay=found.relay[:300],
                sentence=found.sentence,
                normalized=normalize(found.text),
            )
        )
    quotes = Quote.objects.bulk_create(rows)
    by_start = {quote.start: quote for quote in quotes}
    followers = []
    for found, quote in zip(extracted, quotes, strict=True):
        if found.same_speaker_as in by_start:
            quote.speaker_follows = by_start[found.same_speaker_as]
            followers.append(quote)
    Quote.objects.bulk_update(followers, ["speaker_follows"])
    QuoteKey.objects.bulk_create(
        [QuoteKey(quote=quote, key=key) for quote in quotes for key in set(index_keys(quote.text))],
        ignore_conflicts=True,
    )
    return quotes


def _rendering(quote: Quote, *, published: datetime.date | None, article_id: int) -> Rendering:
    return Rendering(
        text=quote.text,
        kind=quote.kind,
        speaker=quote.speaker.name if quote.speaker else None,
        published=published,
        article=str(article_id),
        sentence=quote.sentence,
    )


def _candidates(*, article: Article, quotes: Sequence[Quote]) -> dict[int, list[Rendering]]:
    """Renderings of the stored statements that share index keys with this article's quotes (index lookups)."""
    keys = {key for quote in quotes for key in index_keys(quote.text)}
    if not keys:
        return {}
    top = (
        QuoteKey.objects.filter(key__in=keys, quote__statement__isnull=False)
        .exclude(quote__article=article)
        .values("quote__statement")
        .annotate(shared=Count("key", distinct=True))
        .order_by("-shared")[:MAX_CANDIDATE_STATEMENTS]
    )
    statement_ids = [row["quote__statement"] for row in top]
    candidates: dict[int, list[Rendering]] = defaultdict(list)
    stored = (
        Quote.objects.filter(statement__in=statement_ids, not_a_quote=False)
        .select_related("speaker", "article")
        .only("text", "kind", "sentence", "statement_id", "speaker__name", "article__published", "article_id")
    )
    for quote in stored:
        candidates[quote.statement_id].append(
            _rendering(quote, published=quote.article.published, article_id=quote.article_id)
        )
    return candidates


def _assign(*, article: Article, quotes: list[Quote]) -> set[int]:
    """File each new quote under a stored statement or a new one; drop unmatched indirect speech."""
    if not quotes:
        return set()
    candidates = _candidates(article=article, quotes=quotes)
    new = [_rendering(q, published=article.published, article_id=article.pk) for q in quotes]
    assignments = assign_statements(new=new, candidates=candidates)
    new_groups: dict[int, Statement] = {}
    dropped, touched = [], set()
    for quote, assignment in zip(quotes, assignments, strict=True):
        if not assignment.keep:
            dropped.append(quote.pk)
            continue
        if assignment.statement is not None:
            quote.statement_id = assignment.statement
        else:
            if assignment.group not in new_groups:
                new_groups[assignment.group] = Statement.objects.create()
            quote.statement = new_groups[assignment.group]
        touched.add(quote.statement_id)
    Quote.objects.filter(pk__in=dropped).delete()
    quotes[:] = [q for q in quotes if q.pk not in set(dropped)]
    Quote.objects.bulk_update(quotes, ["statement"])
    return touched


STATEMENT_FIGURES = [
    "speaker", "occasion_date", "reference", "reference_decided_by", "label", "divergence", "rendering_count",
    "outlet_count",
]  # fmt: skip


def refresh_statements(statement_ids: Iterable[int]) -> None:
    """Recompute speaker, occasion date, reference and label of statements; infer speakers from other outlets."""
    ids = [pk for pk in statement_ids if pk is not None]
    renderings: dict[int, list[Quote]] = defaultdict(list)
    for quote in (
        Quote.objects.filter(statement__in=ids, not_a_quote=False)
        .select_related("speaker", "article")
        .defer("article__body")  # figures need the article's date and outlet, never its text
        .order_by("pk")
    ):
        renderings[quote.statement_id].append(quote)
    for statement in Statement.objects.filter(pk__in=ids).select_related("speaker"):
        quotes = renderings.get(statement.pk, [])
        if not quotes:
            statement.delete()
            continue
        _infer_speakers(quotes)
        named = Counter(
            q.speaker for q in quotes if q.speaker is not None and q.speaker_decided_by != Decision.INFERRED
        ) or Counter(q.speaker for q in quotes if q.speaker is not None)
        if statement.speaker is None or not any(q.speaker_id == statement.speaker_id for q in quotes):
            statement.speaker = named.most_common(1)[0][0] if named else None
        dates = [q.article.published for q in quotes if q.article.published]
        statement.occasion_date = min(dates) if dates else None
        if statement.reference_decided_by != Decision.MANUAL or statement.reference_id not in {
            q.pk for q in quotes
        }:
            statement.reference = _most_complete(quotes)
            statement.reference_decided_by = Decision.AUTOMATIC
        statement.label = _label(statement.reference.text)
        statement.divergence = _mean_divergence(statement.reference.text, [q.text for q in quotes])
        statement.rendering_count = len(quotes)
        statement.outlet_count = len({q.article.outlet_id or f"article {q.article_id}" for q in quotes})
        statement.save(update_fields=STATEMENT_FIGURES)
    _follow_unnamed_speakers(ids)


def _follow_unnamed_speakers(statement_ids: Sequence[int]) -> None:
    """ "A Chinese official said … “…,” he said": once the first quote's speaker is known, the second follows."""
    followers = (
        Quote.objects.filter(
            speaker_follows__statement__in=statement_ids, speaker_follows__speaker__isnull=False
        )
        .filter(Q(speaker__isnull=True) | Q(speaker_decided_by=Decision.INFERRED))
        .select_related("speaker_follows")
    )
    changed = [q for q in followers if q.speaker_id != q.speaker_follows.speaker_id]
    for quote in changed:
        quote.speaker_id, quote.speaker_decided_by = quote.speaker_follows.speaker_id, Decision.INFERRED
    Quote.objects.bulk_update(changed, ["speaker", "speaker_decided_by"])
    if changed:  # their statements may now name a speaker; a chain of followers resolves in turn
        refresh_statements({q.statement_id for q in changed if q.statement_id})


def _infer_speakers(quotes: Sequence[Quote]) -> None:
    """Renderings known only by a description ("a Chinese official") take the speaker the other outlets name."""
    named = Counter(
        q.speaker_id for q in quotes if q.speaker_id and q.speaker_decided_by != Decision.INFERRED
    )
    if not named:
        return
    speaker_id, _ = named.most_common(1)[0]
    unnamed = [q for q in quotes if q.speaker_id is None or q.speaker_decided_by == Decision.INFERRED]
    changed = []
    for quote in unnamed:
        if quote.speaker_decided_by == Decision.MANUAL:
            continue
        if quote.speaker_id == speaker_id and quote.speaker_decided_by == Decision.INFERRED:
            continue  # already inferred from this speaker: nothing to write
        quote.speaker_id = speaker_id
        quote.speaker_decided_by = Decision.INFERRED
        changed.append(quote)
    Quote.objects.bulk_update(changed, ["speaker", "speaker_decided_by"])


@functools.lru_cache(maxsize=65536)
def _divergence(reference: str, other: str) -> float:
    return divergence(reference=reference, other=other)


def _mean_divergence(reference: str, renderings: Sequence[str]) -> float:
    """diff.mean_divergence, with each pair computed once per process: a statement's older renderings are
    compared with the same reference again every time it gains one."""
    if not renderings:
        return 0.0
    return sum(_divergence(reference, text) for text in renderings) / len(renderings)


def _most_complete(quotes: Sequence[Quote]) -> Quote:
    """The reference rendering: the longest direct one, else the longest of any kind."""
    direct = [q for q in quotes if q.kind == QuoteKind.DIRECT] or list(quotes)
    return max(direct, key=lambda q: (len(q.text.split()), -q.pk))


def _label(text: str, words: int = 12) -> str:
    tokens = text.split()
    return " ".join(tokens[:words]) + ("…" if len(tokens) > words else "")


# --- manual decisions survive re-ingest ---------------------------------------------------------------------


@dataclass
class _Manual:
    """A person's decisions on an article's quotes, keyed by normalised text, to re-apply after re-extraction."""

    by_text: dict[str, dict] = field(default_factory=dict)
    statements: set[int] = field(default_factory=set)

    @classmethod
    def take(cls, article: Article) -> "_Manual":
        kept = cls()
        manual = (
            Q(speaker_decided_by=Decision.MANUAL)
            | Q(statement_decided_by=Decision.MANUAL)
            | Q(not_a_quote=True)
        )
        people_labels = Q(labels__proposed=False)
        for quote in article.quotes.filter(manual | people_labels).distinct().prefetch_related("labels"):
            kept.statements.add(quote.statement_id)
            kept.by_text[normalize(quote.text)] = {
                "speaker": (quote.speaker_id, quote.speaker_decided_by),
                "statement": (quote.statement_id, quote.statement_decided_by),
                "not_a_quote": quote.not_a_quote,
                "labels": [
                    {
                        f: getattr(label, f)
                        for f in ("label", "severity", "note", "evidence", "author_id", "created_at")
                    }
                    for label in quote.labels.all()
                    if not label.proposed
                ],
            }
        for quote in article.quotes.all():
            kept.statements.add(quote.statement_id)
        return kept

    def reapply(self, quotes: Sequence[Quote]) -> None:
        changed = []
        for quote in quotes:
            decision = self.by_text.get(quote.normalized)
            if decision is None:
                continue
            speaker_id, speaker_by = decision["speaker"]
            if speaker_by == Decision.MANUAL:
                quote.speaker_id, quote.speaker_decided_by = speaker_id, Decision.MANUAL
            statement_id, statement_by = decision["statement"]
            if statement_by == Decision.MANUAL and Statement.objects.filter(pk=statement_id).exists():
                self.statements.add(quote.statement_id)
                quote.statement_id, quote.statement_decided_by = statement_id, Decision.MANUAL
            if decision["not_a_quote"]:
                self.statements.add(quote.statement_id)
                quote.not_a_quote, quote.statement_id = True, None
            VariantLabel.objects.bulk_create(
                [VariantLabel(quote=quote, **label) for label in decision["labels"]]
            )
            changed.append(quote)
        Quote.objects.bulk_update(
            changed, ["speaker", "speaker_decided_by", "statement", "statement_decided_by", "not_a_quote"]
        )
