"""The only code that writes articles, quotes, speakers and statements (used by `manage.py ingest` and uploads).

Flow per batch: read sources -> clean text -> skip bodies already stored (content hash) -> spaCy's parse in
parser processes (parsing.py) -> in this process, quotes with speakers (once the parse is over, the parsers
encode their vectors meanwhile), then one transaction per article: speakers, statements matched, quotes,
index keys, statement figures.
"""

import datetime
import hashlib
import logging
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q

from articles import sql
from articles.models import (
    Article,
    AuditEvent,
    Decision,
    Outlet,
    Quote,
    QuoteKey,
    Speaker,
    SpeakerAlias,
    Statement,
    VariantLabel,
)
from articles.nlp.attribution import ExtractedQuote, extract_quotes
from articles.nlp.confidence import (
    INFERRED_SPEAKER,
    MANUAL,
    SpeakerEvidence,
    speaker_confidence,
    statement_confidence,
)
from articles.nlp.matching import (
    Assignment,
    Rendering,
    assign_statements,
    index_keys,
    normalize,
    remember_vectors,
    vectors_wanted,
)
from articles.nlp.pipeline import load_pipeline
from articles.nlp.speakers import KnownSpeaker, resolve_speaker, speaker_lookup_keys
from articles.nlp.text import PreparedText, prepare_text
from articles.parsing import Parsers
from articles.primary import connect_statements
from articles.sources import Source, SourceError
from articles.statements import recompute
from articles.versions import keep_version, record_changes

logger = logging.getLogger(__name__)

# How many articles the writer extracts ahead of the one it stores: idle parsers encode their quotes' vectors
# meanwhile (an article's take about as long as the writer's work on one).
LOOKAHEAD = 2
# How many candidate statements (found through shared index keys) each quote of a new article brings to be
# compared with: those sharing most keys with it. Per quote, so that the candidates do not fill up with the
# database (a global cap filled with statements sharing one stock phrase with some quote once it grew).
CANDIDATES_PER_QUOTE = 6
# How many renderings of each candidate statement a new article is compared with, besides its reference: the
# newest (a wire story's statement has a thousand, most of them the same words).
RENDERINGS_PER_CANDIDATE = 40
# How many of a key's quotes candidate lookup reads, newest first (news re-quotes recent statements; an old one
# is still found through its rarer keys).
POSTINGS_PER_KEY = 20
# The tables matching reads, whose planner statistics a long write keeps current (sql.Statistics).
MATCHING_TABLES = (Article, Quote, QuoteKey, Statement)
# A statement sharing one key with a quote is a candidate only if at most this many statements hold that key among
# its newest postings: a pair of common words shared with many statements is no sign of the same one.
SPECIFIC_KEY_STATEMENTS = 1


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
    """Ingest sources; yields one Outcome per source (those refused as they are read, then the others in the
    order given). Never raises for bad input.

    Each new text goes to the parser processes as soon as it is cleaned; articles are stored in the order given,
    one transaction each, whichever parser finishes first: a run groups quotes the same way every time."""
    pending: list[_Pending] = []
    parsers: Parsers | None = None
    try:
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
                yield Outcome(
                    "failed", item.source_name, "no article text left after cleaning", line=item.line
                )
                continue
            digest = content_hash(prepared.body)
            existing = _stored("content_hash", digest)
            if existing is not None:
                yield Outcome(
                    "unchanged", item.source_name, "already stored", line=item.line, article_id=existing[0]
                )
                continue
            parsers = parsers or Parsers(load_pipeline(), workers=workers)
            if len(prepared.body) > parsers.nlp.max_length:
                # spaCy refuses such a text (ValueError E088) inside nlp.pipe, which would stop the whole batch:
                # it is reported on its own (a 1 MB one-paragraph file is no news article).
                yield Outcome(
                    "failed",
                    item.source_name,
                    f"article too long: {len(prepared.body):,} characters (limit {parsers.nlp.max_length:,})",
                    line=item.line,
                )
                continue
            parsers.submit(len(pending), prepared.body)
            pending.append(_Pending(item, prepared, digest))
        if parsers is None:
            return
        speakers = SpeakerCache()
        statistics = sql.Statistics(MATCHING_TABLES)
        # Articles extracted, their vectors asked of idle parsers, stored LOOKAHEAD articles later: the
        # parsers encode while the writer stores the articles before.
        extracted: deque[tuple[_Pending, list[str]]] = deque()
        for index, doc in parsers.results():
            item = pending[index]
            try:
                item.quotes = extract_quotes(doc, title_end=item.prepared.title_end)
            except Exception as error:  # a bug in extraction must not stop the batch: report it on this file
                logger.exception("quote extraction failed on %s", item.source.source_name)
                yield Outcome("failed", item.source.source_name, f"quote extraction failed: {error!r}")
                continue
            if dry_run:
                yield Outcome(
                    "created", item.source.source_name, "dry run: nothing written", quotes=len(item.quotes)
                )
                continue
            extracted.append((item, parsers.ask(vectors_wanted(q.text for q in item.quotes))))
            if len(extracted) > LOOKAHEAD:
                yield _store(*extracted.popleft(), parsers=parsers, overrides=overrides, speakers=speakers)
                statistics.article_written()
        while extracted:
            yield _store(*extracted.popleft(), parsers=parsers, overrides=overrides, speakers=speakers)
            statistics.article_written()
    finally:
        if parsers is not None:  # also when the caller stops reading: no parser process outlives the run
            parsers.close()


def _store(
    item: _Pending, asked: list[str], *, parsers: Parsers, overrides: Overrides, speakers: "SpeakerCache"
) -> Outcome:
    remember_vectors(parsers.encoded(asked))
    try:
        return store_article(item=item, overrides=overrides, speakers=speakers)
    except IntegrityError as error:
        # Another ingest stored the same text meanwhile: nothing of ours was written (transaction).
        if Article.objects.filter(content_hash=item.content_hash).exists():
            return Outcome("unchanged", item.source.source_name, "stored concurrently by another run")
        return Outcome("failed", item.source.source_name, f"database refused the article: {error}")


def store_article(*, item: _Pending, overrides: Overrides, speakers: "SpeakerCache | None" = None) -> Outcome:
    """Write one article and everything found in it, in one short transaction.

    Matching the quotes against stored statements is the slow part (seconds for a transcript of 250 quotes)
    and needs no lock: it runs first, and the write phase files the quotes as matched only if the candidates
    it saw are still as they were. Write phases of concurrent ingests take turns (SQLite's write lock; an
    advisory lock on PostgreSQL), so two workers storing renderings of one utterance at once still end with
    one statement: the later one sees the other's quotes and matches again.
    """
    source, prepared = item.source, item.prepared
    speakers = speakers or SpeakerCache()
    outlet_name = overrides.outlet or source.outlet
    outlet_guessed = False
    if not outlet_name and prepared.outlet:
        outlet_name, outlet_guessed = prepared.outlet, True
    published = overrides.published or source.published
    published_guessed = False
    if published is None and prepared.published:
        published, published_guessed = prepared.published, True

    stored = _stored("source_name", source.source_name)
    # New speakers are written as found, each on its own: one transaction creating several would wait for
    # another ingest's uncommitted same names while holding its own (a deadlock on PostgreSQL).
    quotes = _new_quotes(extracted=item.quotes, speakers=speakers)
    tentative = [q.tentative for q in item.quotes]
    matched = _match(
        article_id=stored[0] if stored else None, published=published, quotes=quotes, tentative=tentative
    )

    with transaction.atomic():
        version = _take_turn()  # the data version before this transaction writes anything
        outlet_id = _outlet(outlet_name) if outlet_name else None
        stored = _stored("source_name", source.source_name, lock=True)
        if stored is not None and stored[1] == item.content_hash:
            # Another run stored this very text after this one looked (two ingests at once): without this
            # check it would be "updated", its quotes deleted and extracted again for nothing.
            return Outcome(
                "unchanged",
                source.source_name,
                "stored concurrently by another run",
                line=source.line,
                article_id=stored[0],
            )
        fields = {
            "outlet_id": outlet_id,
            "title": prepared.title[:1000],
            "url": (overrides.url or source.url or "")[:2000],
            "published": published,
            "outlet_guessed": outlet_guessed,
            "published_guessed": published_guessed,
            "content_hash": item.content_hash,
        }
        earlier = None
        if stored is None:
            article = Article.objects.create(source_name=source.source_name, body=prepared.body, **fields)
            status, kept = "created", _Manual()
        else:
            article = Article.objects.get(pk=stored[0])
            kept = _Manual.take(article)
            earlier = keep_version(article)  # the text it replaces is kept, with its renderings
            article.quotes.all().delete()  # automatic results are replaced; manual ones are re-applied below
            for name, value in fields.items():
                setattr(article, name, value)
            article.body = prepared.body
            article.save()
            status = "updated"
        resolved_again = speakers.check()  # a person merged a speaker meanwhile: resolve again, here
        if resolved_again:
            quotes = _new_quotes(extracted=item.quotes, speakers=speakers)
        for quote in quotes:
            quote.article = article
        if resolved_again or not matched.still_current(quotes, version=version):
            matched = _match(article_id=article.pk, published=published, quotes=quotes, tentative=tentative)
        statements = _file(quotes=quotes, matched=matched)
        _save_quotes(quotes, item.quotes)
        kept.reapply(quotes)
        if earlier is not None:
            record_changes(earlier, quotes)
        recompute(statements | kept.statements, speakers_changed=bool(kept.by_text))
        connect_statements(statements)  # a primary source stored before may hold what they quote
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


# One number for the advisory lock that makes ingest write phases take turns on PostgreSQL ("VBTM").
_WRITE_TURN_LOCK = 0x5642544D


def _data_version() -> str:
    """A value that changes whenever another connection commits: SQLite's data_version; on PostgreSQL the
    current snapshot (the next transaction id, and those in progress: a commit takes one out of the list)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_current_snapshot()::text")
        else:
            cursor.execute("PRAGMA data_version")
        return str(cursor.fetchone()[0])


def _take_turn() -> str:
    """Wait until no other ingest is in its write phase (until this transaction ends); then the data version.
    SQLite needs no wait: its transactions begin IMMEDIATE, holding the one write lock. A lock per index key
    would let unrelated articles write at once, but an article has thousands of keys; write phases are short
    (the matching ran before), so one lock costs little."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITE_TURN_LOCK])
    # A query of its own, after the lock: a statement's snapshot is taken when it starts, so one that waited
    # for the lock would not show what the previous holder committed meanwhile.
    return _data_version()


def _stored(column: str, value: str, *, lock: bool = False) -> tuple[int, str] | None:
    """The id and content hash of the article whose source_name or content_hash is `value` (the newest, as
    Article's ordering has it); with `lock`, locked until the transaction ends (SQLite's write lock covers it)."""
    assert column in ("source_name", "content_hash"), column
    for_update = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    found = sql.rows(
        f"SELECT id, content_hash FROM {sql.table(Article)} WHERE {column} = %s"
        f" ORDER BY published DESC, ingested_at DESC LIMIT 1{for_update}",
        [value],
    )
    return found[0] if found else None


def _outlet(name: str) -> int:
    """The id of the outlet of this name in any case (as its unique constraint compares), created if new."""
    name = name.strip()[:200]
    found = sql.rows(f"SELECT id FROM {sql.table(Outlet)} WHERE LOWER(name) = LOWER(%s) LIMIT 1", [name])
    return found[0][0] if found else Outlet.objects.create(name=name).pk


# --- speakers ---------------------------------------------------------------------------------------------


class SpeakerCache:
    """Speakers already resolved in this ingest run, by (name, description, kind) as found in an article, and
    the stored speakers each name was looked up against (its candidates), by name.

    Resolving a name costs several queries, and coverage of one story names the same people in every article,
    often with a different description each time: a name met again with another description is resolved
    against the candidates already read. Whatever this run writes (a speaker, an alias, a description) can
    change how a later name resolves, but only for names sharing a word with the speaker's names (a name's
    candidates are the speakers with a name part in common): those are forgotten then. Speakers gone meanwhile
    (merged by a journalist, or created in an article whose transaction was rolled back) are checked for once
    per article.
    """

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, str], Speaker | None] = {}
        self._candidates: dict[str, _Candidates] = {}

    def resolve(self, *, name: str, description: str, kind: str | None) -> Speaker | None:
        key = (name.casefold(), description, kind or "")
        if key not in self._found:
            speaker, written = _speaker(
                name=name, description=description, kind=kind, look_up=self._cached_look_up
            )
            self._forget(written)
            self._found[key] = speaker
        return self._found[key]

    def _cached_look_up(self, name: str) -> "_Candidates":
        key = name.casefold()
        if key not in self._candidates:
            self._candidates[key] = _look_up(name)
        return self._candidates[key]

    def _forget(self, written: tuple[str, ...]) -> None:
        """Forget the names that may now resolve otherwise: those sharing a word with a name `written`."""
        if not written:
            return
        # The words the database compares a name part with, as stored and as folded (a superset: safe).
        words = {word for name in written for word in (*name.casefold().split(), *speaker_lookup_keys(name))}
        same = {name.casefold() for name in written}  # the alias look-up compares whole names

        def kept(name: str) -> bool:
            return name not in same and not words.intersection(speaker_lookup_keys(name))

        self._found = {key: speaker for key, speaker in self._found.items() if kept(key[0])}
        self._candidates = {name: found for name, found in self._candidates.items() if kept(name)}

    def check(self) -> bool:
        """Forget speakers that no longer exist (merged or deleted by a person since they were cached), and
        every name's candidates then; whether any was forgotten."""
        cached = {s.pk for s in self._found.values() if s is not None}
        if not cached:
            return False
        ids = sorted(cached)
        alive = {
            pk
            for (pk,) in sql.rows(f"SELECT id FROM {sql.table(Speaker)} WHERE id IN ({sql.marks(ids)})", ids)
        }
        if alive == cached:
            return False
        self._found = {k: s for k, s in self._found.items() if s is None or s.pk in alive}
        self._candidates = {}
        return True


class _Candidates(NamedTuple):
    """What a name is resolved against: the speaker an alias of exactly that name belongs to, or else the
    stored speakers sharing a name part with it (their aliases read with them)."""

    aliased: Speaker | None
    speakers: list[Speaker]


def _look_up(name: str) -> _Candidates:
    alias = SpeakerAlias.objects.filter(name__iexact=name).select_related("speaker").first()
    if alias is not None:  # a name already recorded (by a person or earlier evidence) as this speaker's
        return _Candidates(alias.speaker, [])
    # Speakers with a name part in common (a word of their name or an alias).
    query = Q(pk__in=[])
    for part in speaker_lookup_keys(name):
        for column in ("name", "aliases__name"):
            query |= (
                Q(**{f"{column}__iexact": part})
                | Q(**{f"{column}__istartswith": f"{part} "})
                | Q(**{f"{column}__iendswith": f" {part}"})
                | Q(**{f"{column}__icontains": f" {part} "})
            )
    return _Candidates(None, list(Speaker.objects.filter(query).prefetch_related("aliases").distinct()[:50]))


def _speaker(
    *, name: str, description: str, kind: str | None, look_up: Callable[[str], _Candidates] = _look_up
) -> tuple[Speaker | None, tuple[str, ...]]:
    """The canonical speaker for a name found in an article: an existing one, an alias of one, or a new one;
    and, if this wrote anything later names resolve against (a speaker, an alias, a description), the names
    of the speaker it wrote to. `look_up` gives the name's candidates (read from the database by default)."""
    if kind == "institution":  # "the Kremlin", "The White House" and "White House" are one speaker
        name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    aliased, candidates = look_up(name)
    if aliased is not None:
        return aliased, ()
    known = [
        KnownSpeaker(
            id=s.pk, name=s.name, description=s.description, aliases=tuple(a.name for a in s.aliases.all())
        )
        for s in candidates
    ]
    match = resolve_speaker(name=name, description=description, known=known)
    if match is not None:
        speaker = next(s for s in candidates if s.pk == match.id)
        names = (speaker.name, *(alias.name for alias in speaker.aliases.all()))  # prefetched
        written: tuple[str, ...] = ()
        if match.is_alias:  # no alias of this name, as looked up above; one recorded since is caught below
            try:
                with transaction.atomic():  # a savepoint: the article's own transaction goes on either way
                    SpeakerAlias.objects.create(
                        speaker=speaker, name=name[:300], evidence=match.evidence[:500]
                    )
                written = (*names, name[:300])
            except IntegrityError:  # another ingest run recorded the same name meanwhile (unique, any case)
                pass
        if description and not speaker.description:
            speaker.description = description[:500]
            speaker.save(update_fields=["description"])
            written = (*names, *written)
        return speaker, written
    if " " not in name and (kind or "person") == "person":
        # A bare surname ("Schumer said") is the one known person of that name, never a new speaker of its
        # own; with several known (Joe and Hunter Biden) it stays unresolved rather than guessed.
        namesakes = [s for s in candidates if name.casefold() in s.name.casefold().split()]
        return (namesakes[0] if len(namesakes) == 1 else None), ()
    try:
        with transaction.atomic():
            speaker = Speaker.objects.create(
                name=name[:300], description=description[:500], kind=kind or "person"
            )
            return speaker, (speaker.name,)
    except IntegrityError:  # the same name stored already (case-insensitive unique): use it
        return Speaker.objects.get(name__iexact=name[:300]), ()


# --- quotes and statements -------------------------------------------------------------------------------


def _new_quotes(*, extracted: Sequence[ExtractedQuote], speakers: SpeakerCache) -> list[Quote]:
    """The article's quotes with their speakers, not saved yet and of no article yet: matching decides which
    are kept. Speakers merged away meanwhile are caught by the write phase's check."""
    quotes = [
        Quote(
            speaker=speakers.resolve(
                name=found.speaker, description=found.speaker_description, kind=found.speaker_kind
            )
            if found.speaker
            else None,
            text=found.text,
            start=found.start,
            end=found.end,
            kind=found.kind,
            speaker_as_written=found.speaker_as_written[:300],
            speaker_in_article=(found.speaker or found.speaker_description)[:300],
            cue=found.cue[:100],
            relay=found.relay[:300],
            sentence=found.sentence,
            normalized=normalize(found.text),
            speaker_confidence=speaker_confidence(SpeakerEvidence.from_quote(found)),
        )
        for found in extracted
    ]
    # "…,” he added" takes the speaker of the quote it follows now, as _follow_unnamed_speakers would after
    # saving (and then refresh its statement a second time).
    by_start = {quote.start: quote for quote in quotes}
    for found, quote in zip(extracted, quotes, strict=True):
        followed = by_start.get(found.same_speaker_as) if found.same_speaker_as is not None else None
        if quote.speaker is None and followed is not None and followed.speaker is not None:
            quote.speaker, quote.speaker_decided_by = followed.speaker, Decision.INFERRED
            quote.speaker_confidence = INFERRED_SPEAKER
    return quotes


def _save_quotes(quotes: list[Quote], extracted: Sequence[ExtractedQuote]) -> None:
    """Insert the kept quotes, link each "he added" to the quote whose speaker it follows, index their words."""
    Quote.objects.bulk_create(quotes)
    by_start = {quote.start: quote for quote in quotes}
    follows = {found.start: found.same_speaker_as for found in extracted if found.same_speaker_as is not None}
    followers = []
    for quote in quotes:
        target = by_start.get(follows.get(quote.start, -1))
        if target is not None:
            quote.speaker_follows = target
            followers.append(quote)
    if followers:
        Quote.objects.bulk_update(followers, ["speaker_follows"])
    QuoteKey.objects.insert([(quote.pk, key) for quote in quotes for key in set(index_keys(quote.text))])


@dataclass(frozen=True)
class _View:
    """What matching saw of the database: each quote's speaker, and the candidate statements with the number
    and reference of their renderings (as the statement row has them: every change to a statement's
    renderings recomputes it in the same transaction). The same view later means the same decisions."""

    speakers: tuple[str | None, ...]
    statements: tuple[tuple[int, int, int | None], ...]


def _view(*, article_id: int | None, quotes: Sequence[Quote]) -> _View:
    speakers = tuple(q.speaker.name if q.speaker else None for q in quotes)
    keys_of = [set(index_keys(quote.text)) for quote in quotes]
    if not any(keys_of):
        return _View(speakers, ())
    ids = _candidate_statements(keys_of=keys_of, article_id=article_id)
    if not ids:
        return _View(speakers, ())
    figures = {
        pk: (count, reference)
        for pk, count, reference in sql.rows(
            f"SELECT id, rendering_count, reference_id FROM {sql.table(Statement)} WHERE id IN ({sql.marks(ids)})",
            ids,
        )
    }
    return _View(speakers, tuple((pk, *figures.get(pk, (0, None))) for pk in ids))


def _candidates(view: _View) -> dict[int, list[Rendering]]:
    """Renderings of the candidate statements: each one's reference and newest RENDERINGS_PER_CANDIDATE, so
    that a statement a thousand outlets carried costs a new article no more than one carried by ten."""
    small = [statement for statement, count, _ in view.statements if count <= RENDERINGS_PER_CANDIDATE]
    large = [statement for statement, count, _ in view.statements if count > RENDERINGS_PER_CANDIDATE]
    newest = _newest_per_value(  # each large statement's index read backwards, RENDERINGS_PER_CANDIDATE rows
        select="id",
        table=Quote,
        column="statement_id",
        order="id",
        where=f"AND NOT {connection.ops.quote_name('not_a_quote')}",
        values=large,
        limit=RENDERINGS_PER_CANDIDATE,
        outer="SELECT k.id FROM {rows}",
    )
    references = [
        reference for statement, _, reference in view.statements if statement in large and reference
    ]
    chosen, params = [], []
    for column, ids in (("statement_id", small), ("id", [pk for (pk,) in newest] + references)):
        if ids:
            chosen.append(f"q.{column} IN ({sql.marks(ids)})")
            params.extend(ids)
    if not chosen:
        return {}
    rows = sql.rows(
        "SELECT q.id, q.statement_id, q.text, q.kind, s.name, a.published, q.article_id, q.normalized"
        f" FROM {sql.table(Quote)} AS q JOIN {sql.table(Article)} AS a ON a.id = q.article_id"
        f" LEFT JOIN {sql.table(Speaker)} AS s ON s.id = q.speaker_id"
        f" WHERE ({' OR '.join(chosen)}) AND NOT q.not_a_quote",
        params,
    )
    candidates: dict[int, list[Rendering]] = defaultdict(list)
    # In a fixed order: a statement's reference is the first of its longest renderings, on every database.
    for _, statement_id, text, kind, speaker, published, article_id, normalized in sorted(rows):
        candidates[statement_id].append(
            Rendering(
                text=text,
                kind=kind,
                speaker=speaker,
                published=sql.as_date(published),
                article=str(article_id),
                normalized=normalized,
            )
        )
    return candidates


def _candidate_statements(*, keys_of: Sequence[set[int]], article_id: int | None) -> list[int]:
    """For each quote (its index keys in `keys_of`), the CANDIDATES_PER_QUOTE statements sharing most keys with
    it, reading at most the newest POSTINGS_PER_KEY quotes of each key: a key as common as a stock phrase has
    postings by the hundred in a big database, and counting them all made the lookup grow with it. A statement
    sharing a single key counts only if that key is specific (SPECIFIC_KEY_STATEMENTS): otherwise every quote's
    candidates fill up with statements sharing one stock pair as the database grows. One index range per key,
    (key, quote_id) descending. Ordered by keys shared with the whole article."""
    keys = sorted(set().union(*keys_of))
    quote = sql.table(Quote)
    rows = _newest_per_value(
        select="quote_id, key",
        table=QuoteKey,
        column="key",
        order="quote_id",
        values=keys,
        limit=POSTINGS_PER_KEY,
        outer=f"SELECT q.statement_id, k.key FROM {{rows}} JOIN {quote} AS q ON q.id = k.quote_id "
        "WHERE q.statement_id IS NOT NULL AND q.article_id <> %s",
        params=[article_id or 0],
    )
    shared: dict[int, set[int]] = defaultdict(set)
    holders: dict[int, set[int]] = defaultdict(set)  # each key's statements
    for statement_id, key in rows:
        shared[statement_id].add(key)
        holders[key].add(statement_id)
    chosen: set[int] = set()
    for quote_keys in keys_of:
        counts = Counter(statement_id for key in quote_keys for statement_id in holders.get(key, ()))
        fits = [(n, statement_id) for statement_id, n in counts.items() if n > 1]
        for key in quote_keys:  # statements sharing a single key: only if the key is specific to few
            found = holders.get(key, set())
            if len(found) <= SPECIFIC_KEY_STATEMENTS:
                fits.extend((1, statement_id) for statement_id in found if counts[statement_id] == 1)
        chosen.update(statement_id for _, statement_id in sorted(fits, reverse=True)[:CANDIDATES_PER_QUOTE])
    return sorted(chosen, key=lambda statement_id: (-len(shared[statement_id]), -statement_id))


def _newest_per_value(
    *,
    select: str,
    table: type[Model],
    column: str,
    order: str,
    values: Sequence[int],
    limit: int,
    outer: str,
    where: str = "",
    params: Sequence[object] = (),
) -> list[tuple]:
    """Rows of `outer`, a query over {rows}: for each of `values`, the `limit` rows of `table` with that value
    in `column`, highest `order` first, as a derived table named k. One index range per value, in one query:
    a lateral join on PostgreSQL; on SQLite (no LATERAL) one subquery per value, 400 at a time (SQLite allows
    500 terms in a compound SELECT)."""
    if not values:
        return []
    name = sql.table(table)
    newest = f"SELECT {select} FROM {name} WHERE {column} = {{}} {where} ORDER BY {order} DESC LIMIT {limit}"
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            derived = f"unnest(%s::bigint[]) AS wanted(value) CROSS JOIN LATERAL ({newest.format('wanted.value')}) AS k"
            cursor.execute(outer.format(rows=derived), [list(values), *params])
            return cursor.fetchall()
        for start in range(0, len(values), 400):
            chunk = values[start : start + 400]
            union = " UNION ALL ".join(f"SELECT * FROM ({newest.format('%s')})" for _ in chunk)
            cursor.execute(outer.format(rows=f"({union}) AS k"), [*chunk, *params])
            found.extend(cursor.fetchall())
    return found


@dataclass(frozen=True)
class _Matched:
    """Matching's decisions for an article's quotes (in their order), and what they were decided on."""

    article_id: int | None
    version: str  # _data_version() before matching read anything
    view: _View
    assignments: list[Assignment]

    def still_current(self, quotes: Sequence[Quote], *, version: str) -> bool:
        """Whether the database still shows what matching saw: nothing committed since by anyone else, or
        nothing that matching looked at."""
        return version == self.version or _view(article_id=self.article_id, quotes=quotes) == self.view


def _match(
    *,
    article_id: int | None,
    published: datetime.date | None,
    quotes: Sequence[Quote],
    tentative: Sequence[bool],
) -> _Matched:
    """Decide, reading only, which stored statement or new group each of an article's quotes belongs to."""
    version = _data_version()
    view = _view(article_id=article_id, quotes=quotes)
    new = [
        Rendering(
            text=q.text,
            kind=q.kind,
            speaker=q.speaker.name if q.speaker else None,
            published=published,
            article=str(article_id or 0),  # (the article's own stored quotes are never candidates)
            normalized=q.normalized,
            tentative=flag,
        )
        for q, flag in zip(quotes, tentative, strict=True)
    ]
    assignments = assign_statements(new=new, candidates=_candidates(view)) if new else []
    return _Matched(article_id, version, view, assignments)


def _file(*, quotes: list[Quote], matched: _Matched) -> set[int]:
    """File each quote as matched, under a stored statement or a new one; unmatched indirect speech and
    tentative quotes are left out of `quotes`. Returns the statements touched."""
    kept = [(q, a) for q, a in zip(quotes, matched.assignments, strict=True) if a.keep]
    groups = sorted({a.group for _, a in kept if a.statement is None})
    created = dict(zip(groups, Statement.objects.bulk_create([Statement() for _ in groups]), strict=True))
    for quote, assignment in kept:
        quote.statement_confidence = statement_confidence(assignment)
        if assignment.statement is not None:
            quote.statement_id = assignment.statement
        else:
            quote.statement = created[assignment.group]
    quotes[:] = [q for q, _ in kept]
    merged = _merge_passages({(a.statement, part) for _, a in kept for part in a.merges if a.statement})
    for quote in quotes:
        quote.statement_id = merged.get(quote.statement_id, quote.statement_id)
    return {q.statement_id for q in quotes} | set(merged)


def _merge_passages(pairs: set[tuple[int, int]]) -> dict[int, int]:
    """Statements found to be parts of one quoted passage become one (the parts' renderings move to the
    passage's statement), unless a person has decided anything about a part. Returns where each statement
    merged away went; the statement refresh deletes them."""
    if not pairs:
        return {}
    into: dict[int, int] = {}
    for target, part in sorted(pairs):
        if part not in into and part != target:
            into[part] = into.get(target, target)
    decided = set(
        Quote.objects.filter(statement__in=into, statement_decided_by=Decision.MANUAL).values_list(
            "statement_id", flat=True
        )
    ) | set(AuditEvent.objects.filter(statement__in=into).values_list("statement_id", flat=True))
    moved: dict[int, int] = {}
    for part, target in into.items():
        if part in decided or target in moved:
            continue
        Quote.objects.filter(statement=part).update(statement=target)
        moved[part] = target
    return moved


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
                quote.speaker_confidence = MANUAL
            statement_id, statement_by = decision["statement"]
            if statement_by == Decision.MANUAL and Statement.objects.filter(pk=statement_id).exists():
                self.statements.add(quote.statement_id)
                quote.statement_id, quote.statement_decided_by = statement_id, Decision.MANUAL
                quote.statement_confidence = MANUAL
            if decision["not_a_quote"]:
                self.statements.add(quote.statement_id)
                quote.not_a_quote, quote.statement_id = True, None
            VariantLabel.objects.bulk_create(
                [VariantLabel(quote=quote, **label) for label in decision["labels"]]
            )
            changed.append(quote)
        Quote.objects.bulk_update(
            changed,
            [
                "speaker",
                "speaker_decided_by",
                "speaker_confidence",
                "statement",
                "statement_decided_by",
                "statement_confidence",
                "not_a_quote",
            ],  # fmt: skip
        )
