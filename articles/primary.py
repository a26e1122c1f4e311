"""Primary sources: what was actually said (a transcript, a speech as published, a press release).

A primary source is stored as an article of kind primary; each sentence of it as a rendering of kind primary,
attributed to the speaker of its turn ("NAME: …" lines; a text without turns is its one given speaker's).
A sentence joins the statement of its speaker that outlets rendered around its date when one of that
statement's renderings is found in it (`connect_sentences`), and becomes the statement's reference
(`statements._most_complete`), so that every rendering's differences and proposed label are judged against
the actual words. A sentence no outlet quoted joins nothing; a news article ingested later finds it
(`connect_statements`, called by ingest).
"""

import datetime
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from rapidfuzz import fuzz

from articles import sql
from articles.models import Article, PrimarySourceJob, Quote, QuoteKey, QuoteKind, Speaker, Statement
from articles.nlp.matching import index_keys, normalize
from articles.nlp.pipeline import load_pipeline
from articles.sources import SourceError, binary_kind
from articles.statements import recompute

__all__ = [
    "Turn",
    "add_primary_source",
    "connect_sentences",
    "connect_statements",
    "read_primary",
    "run_primary_job",
    "store_primary",
    "turns",
]

logger = logging.getLogger(__name__)

# A statement is reported within days of being said; a sentence is looked for in statements this close.
WINDOW = datetime.timedelta(days=7)
# How much of a rendering must be found, nearly word for word, in a sentence (rapidfuzz's partial ratio of
# the normalised words, 0-100) for the sentence to be what the rendering quotes: a changed word or a dropped
# "not" still finds its sentence, another sentence of the same speech does not.
CONTAINED = 85
MIN_WORDS = 4  # a shorter rendering ("rock-solid") is found in too many sentences to say which
# A turn label: a name in capitals or title case and a colon at the start of a line ("WANG YI:", "Mr. Wang:").
_TURN = re.compile(r"^[ \t]*((?:[A-Z][\w.'’-]*[ \t]+){0,4}[A-Z][\w.'’-]*)[ \t]*:[ \t]+", re.MULTILINE)
# Labels of turns nobody is quoted from: the questions of a Q&A.
QUESTION_LABELS = frozenset(
    {"q", "question", "questioner", "reporter", "journalist", "moderator", "audience"}
)


@dataclass(frozen=True)
class Turn:
    label: str | None  # as written before the colon; None for text before any label
    start: int  # offsets of its words in the text
    end: int


def turns(text: str) -> list[Turn]:
    """The text's turns: each "NAME:" line starts one, up to the next; text before the first is unlabelled."""
    found: list[Turn] = []
    position, label = 0, None
    for match in _TURN.finditer(text):
        if text[position : match.start()].strip():
            found.append(Turn(label, position, match.start()))
        position, label = match.end(), match.group(1)
    if text[position:].strip():
        found.append(Turn(label, position, len(text)))
    return found


def read_primary(path_or_link: str) -> tuple[str, str, str]:
    """A primary source's text, title and address from a text file or a link (a page read as articles are).
    Raises ValueError naming what went wrong."""
    from articles.fetching import is_link, read_link

    if is_link(path_or_link):
        [item] = list(read_link(path_or_link))
        if isinstance(item, SourceError):
            raise ValueError(item.reason)
        return item.text, item.title or "", item.url or path_or_link
    path = Path(path_or_link)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read file: {error.strerror or error}") from None
    if binary_kind(data):
        raise ValueError(f"binary file ({binary_kind(data)}), not text")
    return data.decode("utf-8", errors="replace"), "", ""


def store_primary(
    *,
    text: str,
    speakers: Sequence[str],
    published: datetime.date,
    title: str = "",
    url: str = "",
    source_name: str = "",
) -> tuple[Article, set[int]]:
    """Store a primary source and connect its sentences; returns the article and the statements it joined.
    `speakers`: who speaks in it (the one speaker of a text without turns; turns name theirs)."""
    from articles.ingest import SpeakerCache, content_hash  # (ingest asks this module about news it stores)

    body = "\n".join(
        line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ).strip()
    if not body:
        raise ValueError("the primary source is empty")
    if not speakers and not _TURN.search(body):
        raise ValueError("say who speaks: a text without “NAME:” turns needs its speaker")
    nlp = load_pipeline()
    if len(body) > nlp.max_length:
        raise ValueError(f"the text is too long: {len(body):,} characters (limit {nlp.max_length:,})")
    cache = SpeakerCache()
    given = [s for s in (cache.resolve(name=n, description="", kind="person") for n in speakers) if s]
    with transaction.atomic():
        article = Article.objects.create(
            kind=Article.Kind.PRIMARY,
            title=(title or body.split("\n", 1)[0])[:1000],
            body=body,
            source_name=(source_name or url or f"primary source of {published:%Y-%m-%d}")[:1000],
            url=url[:2000],
            published=published,
            content_hash=content_hash(body),
        )
        sentences = []
        for turn in turns(body):
            speaker = _speaker_of(turn.label, given, cache)
            if speaker is None:
                continue  # a question, or text nobody is named for
            for sentence in nlp(body[turn.start : turn.end]).sents:
                words = sentence.text.strip()
                if len(words.split()) < MIN_WORDS:
                    continue
                start = turn.start + sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip()))
                sentences.append(
                    Quote(
                        article=article,
                        speaker=speaker,
                        text=words,
                        start=start,
                        end=start + len(words),
                        kind=QuoteKind.PRIMARY,
                        speaker_as_written=turn.label or speaker.name,
                        sentence=words,
                        normalized=normalize(words),
                    )
                )
        Quote.objects.bulk_create(sentences)
        QuoteKey.objects.insert([(q.pk, key) for q in sentences for key in set(index_keys(q.text))])
        joined = connect_sentences(sentences)
    return article, joined


@task
def add_primary_source(*, job_id: int) -> str:
    """Add a primary source given in the browser (PrimarySourceJob): fetch it if it is a link, store it."""
    return run_primary_job(job_id)


def run_primary_job(job_id: int) -> str:
    """Do a PrimarySourceJob once: its outcome, or why nothing was stored, is recorded on it. A job already
    begun is left alone (a task enqueued twice); nothing is stored but in store_primary's one transaction."""
    claimed = PrimarySourceJob.objects.filter(pk=job_id, status=PrimarySourceJob.Status.QUEUED).update(
        status=PrimarySourceJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "not queued"
    job = PrimarySourceJob.objects.get(pk=job_id)
    try:
        text, title, url = (job.text, "", "") if job.text.strip() else read_primary(job.link)
        article, joined = store_primary(
            text=text,
            speakers=job.speakers,
            published=job.published,
            title=job.title or title,
            url=job.url or url or job.link,
            source_name=job.link,
        )
    except ValueError as error:
        job.status, job.error = PrimarySourceJob.Status.FAILED, f"Nothing was stored: {error}."
    except Exception:  # a bug: the job says so, the log keeps the traceback
        logger.exception("primary source job %s failed", job_id)
        job.status, job.error = (
            PrimarySourceJob.Status.FAILED,
            "Nothing was stored: an internal error (logged).",
        )
    else:
        job.status, job.article = PrimarySourceJob.Status.SUCCEEDED, article
        job.sentences, job.joined = article.quotes.count(), sorted(joined)
    job.finished_at = timezone.now()
    job.save()
    return job.status


def _speaker_of(label: str | None, given: Sequence[Speaker], cache) -> Speaker | None:
    if label is None:
        return given[0] if len(given) == 1 else None
    if label.casefold().rstrip(".") in QUESTION_LABELS:
        return None
    wanted = normalize(label).split()
    for speaker in given:  # "WANG YI", "Mr. Wang", "Wang" are the given Wang Yi
        name = normalize(speaker.name).split()
        if wanted == name or (wanted and wanted[-1] in name and len(wanted) <= 2):
            return speaker
    return cache.resolve(name=label.title() if label.isupper() else label, description="", kind="person")


def connect_sentences(sentences: Iterable[Quote]) -> set[int]:
    """Each sentence joins the statement of its speaker, around its date, that it is what a rendering quotes
    (the best such, if several); returns the statements joined (recomputed: the sentence is their reference)."""
    joined: set[int] = set()
    for sentence in sentences:
        published = sentence.article.published
        near = Q(statement__occasion_date__isnull=True)
        if published:
            near |= Q(statement__occasion_date__range=(published - WINDOW, published + WINDOW))
        candidates = (
            Quote.objects.filter(keys__key__in=set(index_keys(sentence.text)), statement__isnull=False)
            .filter(near, statement__speaker=sentence.speaker_id)
            .exclude(kind=QuoteKind.PRIMARY)
            .exclude(statement__renderings__kind=QuoteKind.PRIMARY)  # one primary sentence a statement
            .values_list("statement_id", "normalized")
            .distinct()
        )
        best = _best(sentence.normalized, candidates)
        if best is not None and best not in joined:
            Quote.objects.filter(pk=sentence.pk).update(statement_id=best)
            sentence.statement_id = best
            joined.add(best)
    recompute(joined)
    return joined


def connect_statements(statement_ids: Iterable[int]) -> set[int]:
    """Statements a news article just filed, each joined by the primary sentence of its speaker (around its
    date) that one of its renderings quotes; returns those joined."""
    ids = set(statement_ids)
    if not ids:
        return set()
    joined: set[int] = set()
    # Only statements whose speaker has a primary sentence waiting. Most databases hold few primary articles
    # or none, and then this is one read of the article_primary_idx; the quotes are read only from those.
    primary_articles = [
        pk
        for (pk,) in sql.rows(
            f"SELECT id FROM {sql.table(Article)} WHERE kind = %s", [Article.Kind.PRIMARY.value]
        )
    ]
    if not primary_articles:
        return set()
    waiting = set(
        Quote.objects.filter(article__in=primary_articles, statement__isnull=True)
        .order_by()
        .values_list("speaker_id", flat=True)
    )
    if not waiting:
        return set()
    statements = (
        Statement.objects.filter(pk__in=ids, speaker__in=waiting)
        .exclude(renderings__kind=QuoteKind.PRIMARY)
        .distinct()
    )
    for statement in statements:
        renderings = list(statement.renderings.filter(not_a_quote=False).values_list("text", "normalized"))
        keys = {key for text, _ in renderings for key in index_keys(text)}
        near = Q(article__published__isnull=True)
        if statement.occasion_date:
            start, end = statement.occasion_date - WINDOW, statement.occasion_date + WINDOW
            near |= Q(article__published__range=(start, end))
        sentences = (
            Quote.objects.filter(kind=QuoteKind.PRIMARY, statement__isnull=True, speaker=statement.speaker_id)
            .filter(near, keys__key__in=keys)
            .values_list("pk", "normalized")
            .distinct()
        )
        scored = [
            (_contains(rendering, normalized), pk)
            for pk, normalized in sentences
            for _, rendering in renderings
        ]
        best = max(scored, default=(0, None))
        if best[0] >= CONTAINED and best[1] is not None:
            Quote.objects.filter(pk=best[1], statement__isnull=True).update(statement_id=statement.pk)
            joined.add(statement.pk)
    recompute(joined)
    return joined


def _best(sentence: str, candidates: Iterable[tuple[int, str]]) -> int | None:
    scores: dict[int, float] = {}
    for statement_id, rendering in candidates:
        scores[statement_id] = max(scores.get(statement_id, 0.0), _contains(rendering, sentence))
    statement_id, score = max(scores.items(), key=lambda item: item[1], default=(None, 0.0))
    return statement_id if score >= CONTAINED else None


def _contains(rendering: str, sentence: str) -> float:
    """How nearly the rendering's words are found in the sentence (or the sentence's in a rendering that runs
    on into the next one), 0-100; 0 for a rendering too short to tell."""
    if len(rendering.split()) < MIN_WORDS:
        return 0.0
    return fuzz.partial_ratio(rendering, sentence)
