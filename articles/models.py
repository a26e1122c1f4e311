"""Verbatim's data: articles from outlets, the quotes found in them, who said them, and statements.

A Statement is one utterance by one speaker on one occasion; each Quote is one outlet's rendering of it.
Automatic decisions (speaker, statement) record how they were made so that a person's decision outranks
the machine's and survives a re-ingest.
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from articles import sql
from articles.sources import web_address


class Decision(models.TextChoices):
    """How a speaker, statement or alias was decided."""

    AUTOMATIC = "auto", "automatic"
    INFERRED = "inferred", "inferred from other outlets"
    MANUAL = "manual", "set by a person"


class Outlet(models.Model):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, blank=True)
    language = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="outlet_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", "news article"
        PRIMARY = "primary", "primary source"  # a transcript, a speech as published, a press release

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.NEWS)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    title = models.CharField(max_length=1000, blank=True)
    body = models.TextField(help_text="The text as stored; quote offsets point into it.")
    source_name = models.CharField(max_length=1000, help_text="File name or URL the article came in as.")
    url = models.URLField(max_length=2000, blank=True)
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the body.")
    ingested_at = models.DateTimeField(default=timezone.now)
    outlet_guessed = models.BooleanField(default=False, help_text="Outlet read from the text, not given.")
    published_guessed = models.BooleanField(default=False, help_text="Date read from the text, not given.")

    class Meta:
        ordering = ["-published", "-ingested_at"]
        constraints = [models.UniqueConstraint(fields=["content_hash"], name="article_content_hash_unique")]
        indexes = [
            models.Index(fields=["source_name"], name="article_source_name_idx"),
            models.Index(fields=["published"], name="article_published_idx"),
            # ingest asks, for every article, whether any primary source exists (articles.primary)
            models.Index(fields=["kind"], condition=Q(kind="primary"), name="article_primary_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.source_name

    @property
    def link(self) -> str | None:
        """The address to link to: an http(s) URL only, whatever was stored before such checks existed."""
        return web_address(self.url)


class SpeakerKind(models.TextChoices):
    PERSON = "person", "person"
    INSTITUTION = "institution", "institution"


class Speaker(models.Model):
    name = models.CharField(max_length=300, help_text="Canonical name.")
    description = models.CharField(
        max_length=500, blank=True, help_text="Role, e.g. 'Chinese Foreign Minister'."
    )
    kind = models.CharField(max_length=16, choices=SpeakerKind.choices, default=SpeakerKind.PERSON)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="speaker_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class SpeakerAlias(models.Model):
    """A name as written ("Wang I") that stands for a canonical speaker ("Wang Yi")."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    decided_by = models.CharField(max_length=16, choices=Decision.choices, default=Decision.AUTOMATIC)
    evidence = models.CharField(max_length=500, blank=True, help_text="Why the name was merged.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "speaker aliases"
        constraints = [models.UniqueConstraint(Lower("name"), name="speaker_alias_name_unique_ci")]

    def __str__(self) -> str:
        return f"{self.name} → {self.speaker}"


OUTLETS_SEARCHED = 20  # outlets whose name holds a search's words: "news" alone names hundreds


class StatementQuerySet(models.QuerySet):
    def search(self, text: str) -> "StatementQuerySet":
        """Statements whose renderings or speaker's names contain the text (case-insensitive).

        Renderings are searched in `search_text` (one indexed column, kept by articles.search); speakers by id,
        so that renaming a speaker or adding an alias needs no rewrite of their statements."""
        from articles.search import SpeakerAmong

        text = text.strip()
        if not text:
            return self
        # Two plain scans of the small speaker tables (no sort): a join of names and aliases ORed cost 4x more.
        by_name = Speaker.objects.filter(name__icontains=text).order_by().values("pk")
        by_alias = SpeakerAlias.objects.filter(name__icontains=text).order_by().values("speaker_id")
        in_renderings = Q(search_text__contains=text.casefold())
        found = in_renderings | SpeakerAmong(by_name) | SpeakerAmong(by_alias)
        # Outlets by name: the small outlet table first, the renderings' index only when one matches.
        outlets = list(
            Outlet.objects.filter(name__icontains=text).values_list("pk", flat=True)[:OUTLETS_SEARCHED]
        )
        if outlets:
            quoted_by = Quote.objects.filter(article__outlet__in=outlets, statement__isnull=False)
            found |= Q(pk__in=quoted_by.values("statement_id"))
        return self.filter(found)

    def recompute(self) -> None:
        """Recompute these statements from their renderings (articles.statements.recompute)."""
        from articles.statements import recompute

        recompute(self.values_list("pk", flat=True))


class Statement(models.Model):
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
        help_text="Empty for joint statements or when nobody could be named.",
    )
    occasion_date = models.DateField(null=True, blank=True)
    occasion = models.CharField(max_length=300, blank=True, help_text="Where or at what event it was said.")
    label = models.CharField(max_length=300, blank=True)
    reference = models.ForeignKey(
        "Quote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The rendering others are compared with: the most complete direct one, unless a person chose.",
    )
    reference_decided_by = models.CharField(
        max_length=16, choices=Decision.choices, default=Decision.AUTOMATIC
    )
    rendering_count = models.PositiveIntegerField(default=0)
    outlet_count = models.PositiveIntegerField(
        default=0, help_text="Distinct named outlets (an article whose outlet is not stated is not counted)."
    )
    divergence = models.FloatField(
        default=0.0,
        help_text="Mean divergence of the renderings from the reference (0 word for word .. 1 nothing in common); "
        "stored so that lists can sort by it.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    search_text = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The renderings' texts, casefolded, one per line: what the statements page searches "
        "(articles.search; articles.statements.recompute keeps it).",
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-occasion_date", "-created_at"]
        indexes = [
            models.Index(fields=["occasion_date"], name="statement_occasion_date_idx"),
            models.Index(fields=["-divergence"], name="statement_divergence_idx"),
            models.Index(fields=["-outlet_count", "-rendering_count"], name="statement_reach_idx"),
        ]

    def __str__(self) -> str:
        return self.label or f"Statement {self.pk}"


class QuoteKind(models.TextChoices):
    DIRECT = "direct", "direct"
    PARTIAL = "partial", "partial"
    HEADLINE = "headline", "headline"
    INDIRECT = "indirect", "indirect (reported speech)"
    PRIMARY = "primary", "primary source"  # a sentence of a primary source: what was actually said


class Quote(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="renderings"
    )
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    text = models.TextField()
    start = models.PositiveIntegerField(help_text="Character offset of the text in the article body.")
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=QuoteKind.choices)
    speaker_as_written = models.CharField(max_length=300, blank=True, help_text="e.g. 'a Chinese official'.")
    speaker_in_article = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who spoke as the article names them at their fullest: 'Hillary Clinton', 'a Chinese official'.",
    )
    cue = models.CharField(max_length=100, blank=True, help_text="e.g. 'said', 'insisted'.")
    relay = models.CharField(max_length=300, blank=True, help_text="e.g. 'TASS' in 'according to TASS'.")
    sentence = models.TextField(blank=True, help_text="The sentence around the quote.")
    normalized = models.TextField(blank=True, help_text="Normalised text, the key for matching.")
    speaker_decided_by = models.CharField(max_length=16, choices=Decision.choices, default=Decision.AUTOMATIC)
    statement_decided_by = models.CharField(
        max_length=16, choices=Decision.choices, default=Decision.AUTOMATIC
    )
    not_a_quote = models.BooleanField(default=False, help_text="Marked by a person as not a quotation.")
    # How likely the machine's decisions are right, 0-1 (articles.nlp.confidence); None where none was made.
    speaker_confidence = models.FloatField(null=True, blank=True)
    statement_confidence = models.FloatField(null=True, blank=True)
    # Of the label proposed against its statement's reference (kept by articles.statements.recompute); None for
    # the reference's own wording and for renderings filed under no statement.
    label_confidence = models.FloatField(null=True, blank=True)
    speaker_follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followers",
        help_text="An earlier quote by the same unnamed speaker ('a Chinese official said … he said').",
    )  # fmt: skip

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="quote_end_after_start"),
            models.CheckConstraint(condition=Q(kind__in=QuoteKind.values), name="quote_kind_valid"),
            models.UniqueConstraint(fields=["article", "start", "end"], name="quote_span_unique"),
        ]
        # body[start:end] == text is checked by database triggers (migration 0002): it spans two tables.

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def attributed_to(self) -> str | None:
        """Who said it: the speaker, else the article's own name or description of them ("a Chinese official",
        or "Clinton" where two people of that name are known)."""
        return self.speaker.name if self.speaker else (self.speaker_in_article or None)


class QuoteKeyQuerySet(models.QuerySet):
    def insert(self, rows: Sequence[tuple[int, int]]) -> None:
        """(quote id, key) rows into the candidate index, as plain rows: an article brings a few hundred, and a
        model instance each cost more than the insert (one statement on PostgreSQL, executemany on SQLite)."""
        if not rows:
            return
        table = sql.table(self.model)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                quote_ids, keys = zip(*rows, strict=True)
                cursor.execute(
                    f"INSERT INTO {table} (quote_id, key) SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                    [list(quote_ids), list(keys)],
                )
            else:
                cursor.executemany(f"INSERT INTO {table} (quote_id, key) VALUES (%s, %s)", rows)


class QuoteKey(models.Model):
    """Candidate-index keys of a quote (hashed word shingles): new quotes find stored statements through them."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="keys")
    key = models.BigIntegerField()

    objects = QuoteKeyQuerySet.as_manager()

    class Meta:
        # The index on (key, quote_id) that candidate lookup reads is created by migrations 0007 and 0009.
        constraints = [models.UniqueConstraint(fields=["quote", "key"], name="quotekey_unique")]


class Label(models.TextChoices):
    VERBATIM = "verbatim", "verbatim"
    COSMETIC = "cosmetic", "cosmetic"
    TRIMMED = "trimmed", "trimmed"
    ELIDED = "elided", "elided"
    EXTENDED = "extended", "extended"
    SPLICED = "spliced", "spliced"
    WORD_SUBSTITUTION = "word_substitution", "word substitution"
    PARAPHRASE = "paraphrase", "paraphrase presented as a quote"
    TRANSLATION_VARIANT = "translation_variant", "translation variant"
    MISTRANSLATION = "mistranslation", "mistranslation"
    MEANING_ALTERED = "meaning_altered", "meaning altered"
    OUT_OF_CONTEXT = "out_of_context", "out of context"
    MISATTRIBUTION = "misattribution", "misattribution"
    UNVERIFIED = "unverified", "unverified"


class VariantLabel(models.Model):
    """A label on a rendering: proposed by the machine (no author) or confirmed/given by a journalist."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="labels")
    label = models.CharField(max_length=32, choices=Label.choices)
    severity = models.PositiveSmallIntegerField(default=0, help_text="0 (harmless) to 3 (severe).")
    note = models.TextField(blank=True)
    evidence = models.CharField(max_length=500, blank=True, help_text="Why it was proposed.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    proposed = models.BooleanField(default=False, help_text="Proposed automatically, not yet confirmed.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["quote", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(severity__lte=3), name="label_severity_0_3"),
            models.CheckConstraint(condition=Q(label__in=Label.values), name="label_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_label_display()} ({self.severity})"


UNDO = "undo"  # an undo event's action: "undo change speaker", its object "event 12"


class AuditEventQuerySet(models.QuerySet):
    def corrections(self) -> "AuditEventQuerySet":
        """Events that changed something (not the undo events that reverted them)."""
        return self.exclude(action__startswith=UNDO)

    def undone_among(self, events: Iterable["AuditEvent"]) -> set[int]:
        """Which of `events` an undo event has reverted (one query)."""
        undo_of = [AuditEvent.undo_object_id(event.pk) for event in events]
        if not undo_of:
            return set()
        done = self.filter(action__startswith=UNDO, object_id__in=undo_of).values_list("object_id", flat=True)
        return {int(object_id.removeprefix("event ")) for object_id in done}


class AuditEvent(models.Model):
    """One label or correction: who did what to which object, with the state before and after."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, help_text="Model name, e.g. 'quote'.")
    object_id = models.CharField(max_length=64)
    statement = models.ForeignKey(
        Statement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        help_text="The statement whose history shows this event.",
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["-at"], name="audit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"

    objects = AuditEventQuerySet.as_manager()

    @property
    def undoable(self) -> bool:
        """Corrections and labels record what they changed; undo events and arrival notes do not."""
        return bool(self.before.get("rows") or self.after.get("created"))

    @staticmethod
    def undo_object_id(event_id: int) -> str:
        return f"event {event_id}"

    @property
    def undone(self) -> bool:
        return bool(AuditEvent.objects.undone_among([self]))


class AuditRow(models.Model):
    """A row an audited correction changed or created: undo finds later corrections of the same rows with one
    indexed query instead of reading every later event's snapshot."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="rows")
    model = models.CharField(max_length=32, help_text="Model name, e.g. 'quote'.")
    object_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["model", "object_id"], name="auditrow_object_idx")]
        constraints = [
            models.UniqueConstraint(fields=["event", "model", "object_id"], name="auditrow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} in event {self.event_id}"


# --- uploads: ingest jobs run in the background ----------------------------------------------------------


class IngestJobQuerySet(models.QuerySet):
    def active(self) -> "IngestJobQuerySet":
        return self.filter(status__in=[IngestJob.Status.QUEUED, IngestJob.Status.RUNNING])

    def recent(self) -> "IngestJobQuerySet":
        return self.select_related("created_by").order_by("-created_at", "-pk")


class IngestJob(models.Model):
    """One upload: its files are ingested in the background by `ingest_upload`, one file after another.

    `attempt` counts the tasks enqueued for the job; only the task of the current attempt may write, so a job
    resumed after its worker died is never worked on twice. `heartbeat_at` is the worker's last sign of life.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        SUCCEEDED = "succeeded", "finished"
        FAILED = "failed", "finished with errors"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempt = models.PositiveIntegerField(default=0, help_text="Tasks enqueued for this job so far.")
    task_id = models.CharField(max_length=64, blank=True, help_text="Task result of the current attempt.")
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life from its worker.")
    finished_at = models.DateTimeField(null=True, blank=True)
    # Metadata given with the upload; it outranks what the files say.
    outlet = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    articles_created = models.PositiveIntegerField(default=0)
    articles_unchanged = models.PositiveIntegerField(default=0)
    articles_updated = models.PositiveIntegerField(default=0)
    sources_failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the job stopped, if it did.")

    objects = IngestJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status"], name="ingestjob_status_idx")]

    def __str__(self) -> str:
        return f"Upload {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class IngestJobFile(models.Model):
    """One uploaded file (or the pasted text) of a job, and what ingesting it gave, one outcome per article."""

    class Kind(models.TextChoices):
        FILE = "file", "file"
        PASTED = "pasted", "pasted text"
        LINK = "link", "link"  # fetched by the worker; `name` is the address

    class Status(models.TextChoices):
        PENDING = "pending", "waiting"
        RUNNING = "running", "in progress"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    job = models.ForeignKey(IngestJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=2000, help_text="The file's name as uploaded, or the link's address.")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FILE)
    stored_as = models.CharField(max_length=500, help_text="Name in the upload storage (MEDIA_ROOT).")
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # [{"status", "source_name", "message", "line", "article_id", "quotes", "statements": [ids]}, ...]
    outcomes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="ingestjobfile_position_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ArticleVersion(models.Model):
    """An earlier text of an article, kept when the same source (a link, a file name) came back changed.

    The article row always holds the newest text; its versions, numbered from 1, the ones before it, each with
    the quotes found in it (for the changes they show, `articles.versions`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=1000, blank=True)
    body = models.TextField()
    url = models.URLField(max_length=2000, blank=True)
    published = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    stored_at = models.DateTimeField(help_text="When this text was stored.")
    replaced_at = models.DateTimeField(default=timezone.now, help_text="When a newer text replaced it.")
    # [{"text", "kind", "speaker", "statement", "start", "end"}]: its renderings, as they were
    quotes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="articleversion_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} (version {self.number})"


class QuoteChange(models.Model):
    """A rendering that changed between two versions of an article: its words, its speaker, or it went."""

    class Kind(models.TextChoices):
        WORDS = "words", "words changed"
        SPEAKER = "speaker", "speaker changed"
        REMOVED = "removed", "removed"
        ADDED = "added", "added"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quote_changes")
    version = models.ForeignKey(
        ArticleVersion,
        on_delete=models.CASCADE,
        related_name="changes",
        help_text="The text before the change.",
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    quote = models.ForeignKey(
        Quote, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes",
        help_text="The rendering after the change (none once removed, or after a later version).",
    )  # fmt: skip
    kind = models.CharField(max_length=8, choices=Kind.choices)
    before_text = models.TextField(blank=True)
    after_text = models.TextField(blank=True)
    before_speaker = models.CharField(max_length=300, blank=True)
    after_speaker = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["article", "version", "pk"]
        indexes = [models.Index(fields=["statement"], name="quotechange_statement_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.before_text[:40]} → {self.after_text[:40]}"


class PrimarySourceJob(models.Model):
    """A primary source given in the browser, added by the worker (`primary.add_primary_source`): fetching its
    page and splitting it into sentences with spaCy are no work for a web process."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        SUCCEEDED = "succeeded", "stored"
        FAILED = "failed", "not stored"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # What the journalist gave: the text, or the address to fetch it from.
    text = models.TextField(blank=True)
    link = models.URLField(max_length=2000, blank=True)
    speakers = models.JSONField(default=list, help_text="Who speaks in it, as typed.")
    published = models.DateField()
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    statement = models.ForeignKey(
        "Statement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The statement it was added from, if any.",
    )  # fmt: skip
    # What came of it.
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sentences = models.PositiveIntegerField(default=0)
    joined = models.JSONField(default=list, help_text="Statements now compared with it.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Primary source {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class Feed(models.Model):
    """An RSS or Atom feed an admin follows: the worker polls it (`articles.feeds`) and ingests its new items.

    `next_poll_at` is when it is due; a poll in progress pushes it on (a lease), so two workers never poll one
    feed at once. After a failed poll the interval doubles with each failure in a row, up to a day."""

    url = models.URLField(max_length=2000, unique=True, help_text="The feed's address.")
    title = models.CharField(max_length=300, blank=True, help_text="As the feed names itself.")
    outlet = models.CharField(
        max_length=200, blank=True, help_text="The outlet of its articles; when empty, what each page says."
    )
    interval = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
        help_text="Minutes between polls (5 to 10,080).",
    )
    active = models.BooleanField(default=True, help_text="Polled; a paused feed keeps what it brought.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    next_poll_at = models.DateTimeField(default=timezone.now)
    failures = models.PositiveIntegerField(default=0, help_text="Polls failed in a row.")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What the server said last time, sent back so that an unchanged feed costs one short answer (304).
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["title", "url"]
        indexes = [models.Index(fields=["active", "next_poll_at"], name="feed_due_idx")]

    def __str__(self) -> str:
        return self.title or self.url


class FeedPoll(models.Model):
    """One poll of a feed, and what it found."""

    class Status(models.TextChoices):
        RUNNING = "running", "in progress"
        OK = "ok", "read"
        NOT_MODIFIED = "not_modified", "unchanged since last poll"
        FAILED = "failed", "failed"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="polls")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    items_seen = models.PositiveIntegerField(default=0)
    items_new = models.PositiveIntegerField(default=0)
    articles_stored = models.PositiveIntegerField(default=0)
    items_failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["feed", "-started_at"], name="feedpoll_feed_idx")]

    def __str__(self) -> str:
        return f"{self.feed} at {self.started_at:%Y-%m-%d %H:%M}"


class FeedItem(models.Model):
    """An item a feed listed, remembered so that it is ingested once; a failed one is tried again a few times."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting"
        STORED = "stored", "stored"
        FAILED = "failed", "failed"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(
        max_length=500, help_text="The item’s id in the feed, else its link (hashed if long)."
    )
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    published = models.DateField(null=True, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-first_seen", "-pk"]
        constraints = [models.UniqueConstraint(fields=["feed", "key"], name="feeditem_key_unique")]

    def __str__(self) -> str:
        return self.title or self.url
