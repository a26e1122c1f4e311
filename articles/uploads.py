"""Uploads: check and store an admin's files, then ingest them in the background as an IngestJob.

The request only stores the files and enqueues the `ingest_upload` task; a `db_worker` runs it (`run_job`),
which feeds each file through `ingest_sources` (the same code path as `manage.py ingest`) and records every
outcome on the file's row as it goes. A worker that dies leaves the job `running` with an old heartbeat: the
watchdog task (`watch_upload`, scheduled with every attempt) enqueues the job again, and the
new attempt carries on with the files not finished yet. Articles already stored are found again by their
content hash, so a resumed job duplicates nothing.
"""

import datetime
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from articles.fetching import read_link
from articles.ingest import Outcome, Overrides, ingest_sources
from articles.models import Article, IngestJob, IngestJobFile
from articles.sources import ACCEPTED, Limits, Source, SourceError, binary_kind, read_bytes, read_pasted

logger = logging.getLogger(__name__)

__all__ = [
    "STALE_AFTER",
    "UploadLimits",
    "create_upload",
    "current_limits",
    "enqueue_job",
    "file_problem",
    "ingest_upload",
    "looks_stalled",
    "problems",
    "rerun_job",
    "run_job",
    "watch_job",
    "watch_upload",
]


@dataclass(frozen=True)
class UploadLimits:
    max_files: int = 20
    max_file_bytes: int = 5 * 1024 * 1024
    max_batch_bytes: int = 20 * 1024 * 1024
    max_pasted_bytes: int = 2 * 1024 * 1024  # below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    max_archive_bytes: int = 50 * 1024 * 1024  # text inside one zip, uncompressed
    max_links: int = 50

    @property
    def reading(self) -> Limits:
        return Limits(max_file_bytes=self.max_file_bytes, max_archive_bytes=self.max_archive_bytes)


def current_limits() -> UploadLimits:
    """The defaults above, with any the site changes in settings.UPLOAD_LIMITS (read on each use)."""
    return UploadLimits(**settings.UPLOAD_LIMITS)


PASTED_NAME = "pasted text"
# A running job whose worker has been silent this long is taken to be dead. The worker beats after every
# article; one article takes seconds, the largest allowed file about a minute.
STALE_AFTER = datetime.timedelta(minutes=3)
WATCH_EVERY = datetime.timedelta(minutes=1)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB"


def problems(
    *,
    files: Sequence[UploadedFile],
    text: str,
    links: Sequence[str] = (),
    limits: UploadLimits | None = None,
    refused: Sequence[str | None] | None = None,
) -> list[str]:
    """What stops the whole upload, one sentence each: nothing to store, too many files, too much in all, or
    every file refused (each named). Empty when it may be stored; files refused on their own are left out of
    the job by `create_upload` and named on its page. `refused`: each file's `file_problem`, when known."""
    limits = limits or current_limits()
    if refused is None:
        refused = [file_problem(file, limits) for file in files]
    found = []
    if not files and not text.strip() and not links:
        found.append("Choose at least one file, paste an article or give a link.")
    if len(files) > limits.max_files:
        found.append(f"Too many files: {len(files)} (at most {limits.max_files} at once).")
    pasted = len(text.encode("utf-8"))
    if pasted > limits.max_pasted_bytes:
        found.append(
            f"Pasted text: {human_size(pasted)} is over the limit of {human_size(limits.max_pasted_bytes)}."
        )
    total = sum(file.size for file in files) + pasted
    if total > limits.max_batch_bytes:
        found.append(
            f"The upload is {human_size(total)} in all, over the limit of {human_size(limits.max_batch_bytes)}."
        )
    if len(links) > limits.max_links:
        found.append(f"Too many links: {len(links)} (at most {limits.max_links} at once).")
    if files and all(refused) and not text.strip() and not links:
        found += [problem for problem in refused if problem]
    return found


def file_problem(file: UploadedFile, limits: UploadLimits) -> str | None:
    """Why one file cannot be ingested, judged on its name, size and first bytes; None when it can."""
    name = file.name or "unnamed file"
    extension = PurePosixPath(name).suffix.casefold()
    if extension not in ACCEPTED:
        shown = f"“{extension}”" if extension else "no extension"
        return f"{name}: files of this type ({shown}) are not accepted; use {', '.join(ACCEPTED)}."
    if file.size > limits.max_file_bytes:
        return f"{name}: {human_size(file.size)} is over the limit of {human_size(limits.max_file_bytes)}."
    if file.size == 0:
        return f"{name}: the file is empty."
    file.seek(0)
    head = file.read(65536)
    file.seek(0)
    if extension == ".zip":
        return None if head.startswith(b"PK") else f"{name}: the content is not a zip archive."
    if kind := binary_kind(head):
        return f"{name}: binary file ({kind}), not {extension} text."
    return None


def create_upload(
    *,
    files: Sequence[UploadedFile],
    text: str = "",
    links: Sequence[str] = (),
    outlet: str = "",
    published: datetime.date | None = None,
    url: str = "",
    user: AbstractBaseUser | None = None,
    limits: UploadLimits | None = None,
) -> IngestJob:
    """Store the files and pasted text, note the links (the worker fetches them), create the job and enqueue
    it. A file refused on its own (`file_problem`) is not stored: it joins the job as failed, with the reason,
    beside the good ones. Raises ValueError if `problems` finds any."""
    limits = limits or current_limits()
    refused = [file_problem(file, limits) for file in files]  # each file read once
    if found := problems(files=files, text=text, links=links, limits=limits, refused=refused):
        raise ValueError(" ".join(found))
    stored: list[str] = []
    try:
        with transaction.atomic():
            job = IngestJob.objects.create(
                created_by=user, outlet=outlet.strip(), published=published, url=url.strip()
            )
            entries = [
                (file.name or "unnamed file", IngestJobFile.Kind.FILE, file, problem)
                for file, problem in zip(files, refused, strict=True)
            ]
            if text.strip():
                pasted = ContentFile(text.encode("utf-8"))
                entries.append((PASTED_NAME, IngestJobFile.Kind.PASTED, pasted, None))
            rows = []
            for position, (name, kind, content, problem) in enumerate(entries, start=1):
                if problem:
                    rows.append(
                        IngestJobFile(
                            job=job, position=position, name=name[:255], kind=kind, size=content.size,
                            status=IngestJobFile.Status.FAILED, error=problem.removeprefix(f"{name}: "),
                            finished_at=timezone.now(),
                        )
                    )  # fmt: skip
                    continue
                extension = (
                    ".txt" if kind == IngestJobFile.Kind.PASTED else PurePosixPath(name).suffix.casefold()
                )
                # Stored under a name of our making: what the browser sent is kept only as data.
                stored.append(default_storage.save(f"jobs/{job.pk}/{position:03d}{extension}", content))
                rows.append(
                    IngestJobFile(
                        job=job,
                        position=position,
                        name=name[:255],
                        kind=kind,
                        stored_as=stored[-1],
                        size=content.size,
                    )
                )
            rows += [
                IngestJobFile(job=job, position=position, name=link, kind=IngestJobFile.Kind.LINK)
                for position, link in enumerate(dict.fromkeys(links), start=len(entries) + 1)
            ]
            IngestJobFile.objects.bulk_create(rows)
            job.files_total = len(rows)
            job.save(update_fields=["files_total"])
            enqueue_job(job=job)
    except BaseException:
        for name in stored:  # nothing half-stored: the files go with the rows
            default_storage.delete(name)
        raise
    return job


# --- scheduling -------------------------------------------------------------------------------------------


def enqueue_job(*, job: IngestJob) -> IngestJob:
    """Start a new attempt: the task of any earlier attempt stops at its next heartbeat."""
    with transaction.atomic():
        attempt = job.attempt + 1
        IngestJob.objects.filter(pk=job.pk).update(attempt=attempt)
        # Enqueued inside the transaction: with the database backend the task row commits with the job.
        result = ingest_upload.enqueue(job_id=job.pk, attempt=attempt)
        IngestJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        job.refresh_from_db()
        backend = watch_upload.get_backend()
        if backend.supports_defer:  # the in-process backend used by tests has no clock to schedule on
            watch_upload.using(run_after=timezone.now() + WATCH_EVERY).enqueue(job_id=job.pk, attempt=attempt)
    return job


def rerun_job(*, job: IngestJob) -> IngestJob:
    """Ingest a finished job's failed files again (what was stored stays stored: re-ingest is idempotent)."""
    with transaction.atomic():
        job = IngestJob.objects.select_for_update().get(pk=job.pk)
        if job.status != IngestJob.Status.FAILED:
            raise ValueError(f"{job} is {job.get_status_display()}: only a job that failed can be re-run.")
        # (a file refused at upload was never stored: it stays failed)
        job.files.filter(status=IngestJobFile.Status.FAILED).exclude(stored_as="").update(
            status=IngestJobFile.Status.PENDING, error="", finished_at=None
        )
        job.status, job.error, job.finished_at = IngestJob.Status.QUEUED, "", None
        job.save(update_fields=["status", "error", "finished_at"])
        _tally(job)
        return enqueue_job(job=job)


def watch_job(*, job_id: int, attempt: int, stale_after: datetime.timedelta = STALE_AFTER) -> str:
    """The watchdog: resume a job whose worker died; otherwise look again later. Returns what it did."""
    job = IngestJob.objects.filter(pk=job_id).first()
    if job is None or not job.is_active or job.attempt != attempt:
        return "done"  # finished, deleted, or a newer attempt has its own watchdog
    try:
        task_status = ingest_upload.get_result(job.task_id).status if job.task_id else None
    except (TaskResultDoesNotExist, NotImplementedError, ValueError, ValidationError):
        task_status = None
    now = timezone.now()
    last_sign = job.heartbeat_at or job.started_at
    if task_status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}:
        reason = "its task ended without finishing the job"
    elif task_status is None:
        reason = "its task is gone"
    elif job.status == IngestJob.Status.RUNNING and last_sign and now - last_sign > stale_after:
        reason = f"no heartbeat from its worker since {last_sign:%Y-%m-%d %H:%M:%S} UTC"
    else:
        watch_upload.using(run_after=now + WATCH_EVERY).enqueue(job_id=job.pk, attempt=attempt)
        return "waiting"
    with transaction.atomic():
        locked = IngestJob.objects.select_for_update().filter(pk=job.pk, attempt=attempt).first()
        if locked is None:
            return "done"
        _mark_task_lost(task_id=locked.task_id, reason=f"Worker lost: {reason}; {locked} resumed.")
        locked.error = f"Resumed after attempt {attempt}: {reason}."
        locked.save(update_fields=["error"])
        enqueue_job(job=locked)
    return "resumed"


def _mark_task_lost(*, task_id: str, reason: str) -> None:
    """A dead worker's task row would say "running" forever: record that it was lost."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another task backend
        return
    DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="articles.uploads.WorkerLost",
        traceback=reason,
    )


# --- the work ---------------------------------------------------------------------------------------------


class Superseded(Exception):
    """A newer attempt owns the job: this one stops."""


def run_job(*, job_id: int, attempt: int, limits: UploadLimits | None = None) -> str:
    """Ingest the job's unfinished files, recording each outcome as it comes. Returns the job's status."""
    now = timezone.now()
    claimed = IngestJob.objects.filter(
        pk=job_id, attempt=attempt, status__in=[IngestJob.Status.QUEUED, IngestJob.Status.RUNNING]
    ).update(status=IngestJob.Status.RUNNING, heartbeat_at=now)
    if not claimed:
        return "superseded"
    IngestJob.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=now)
    job = IngestJob.objects.get(pk=job_id)
    overrides = Overrides(outlet=job.outlet or None, published=job.published, url=job.url or None)

    def beat() -> None:
        if not IngestJob.objects.filter(pk=job_id, attempt=attempt).update(heartbeat_at=timezone.now()):
            raise Superseded

    try:
        unfinished = job.files.filter(status__in=[IngestJobFile.Status.PENDING, IngestJobFile.Status.RUNNING])
        for file in unfinished.order_by("position"):
            beat()
            _ingest_file(file=file, overrides=overrides, limits=limits or current_limits(), beat=beat)
            _tally(job)
    except Superseded:
        return "superseded"
    except Exception as error:  # the job cannot go on (database gone, storage broken): say so on the job
        logger.exception("upload job %s stopped", job_id)
        IngestJob.objects.filter(pk=job_id, attempt=attempt).update(
            status=IngestJob.Status.FAILED, error=f"The job stopped: {error}", finished_at=timezone.now()
        )
        _tally(job)
        return IngestJob.Status.FAILED
    failed = job.files.filter(status=IngestJobFile.Status.FAILED).exists()
    status = IngestJob.Status.FAILED if failed else IngestJob.Status.SUCCEEDED
    IngestJob.objects.filter(pk=job_id, attempt=attempt).update(status=status, finished_at=timezone.now())
    return status


def source_prefix(file: IngestJobFile) -> str:
    """Files are stored as "upload 12: name.txt": ingest updates the article with the same source name, and
    two outlets' "index.html" (or two pasted texts) must not replace each other. A link is its own name, so
    that fetching it again, in any job, updates its article."""
    return "" if file.kind == IngestJobFile.Kind.LINK else f"upload {file.job_id}: "


def _sources(file: IngestJobFile, limits: UploadLimits) -> Iterator[Source | SourceError]:
    if file.kind == IngestJobFile.Kind.LINK:
        yield from read_link(file.name)
        return
    with default_storage.open(file.stored_as, "rb") as stream:
        data = stream.read()
    if file.kind == IngestJobFile.Kind.PASTED:
        items = read_pasted(data.decode("utf-8"), name=file.name)
    else:
        items = read_bytes(file.name, data, limits=limits.reading)
    for item in items:
        yield replace(item, source_name=source_prefix(file) + item.source_name)


def _ingest_file(*, file: IngestJobFile, overrides: Overrides, limits: UploadLimits, beat) -> None:
    # Outcomes of an interrupted attempt are kept: a re-run finds its articles "unchanged", but this job
    # created them, and the statements they joined are worth showing.
    recorded = {_key(o): o for o in file.outcomes}
    IngestJobFile.objects.filter(pk=file.pk).update(status=IngestJobFile.Status.RUNNING)
    error = ""
    try:
        for outcome in ingest_sources(sources=_sources(file, limits), overrides=overrides):
            new = _as_dict(outcome, prefix=source_prefix(file))
            if _key(new) not in recorded and _stored_by_this_job(outcome, prefix=source_prefix(file)):
                # the worker was stopped between storing the article and recording it: it is this job's
                new = {**new, "status": "created"}
            recorded[_key(new)] = _merge(recorded.get(_key(new)), new)
            file.outcomes = list(recorded.values())
            file.save(update_fields=["outcomes"])
            beat()
    except Superseded:
        raise
    except FileNotFoundError:
        error = "The stored upload is missing."
    except Exception as problem:  # one broken file must not stop the others
        logger.exception("ingest stopped on upload file %s (%s)", file.pk, file.name)
        error = f"Ingest stopped on this file: {problem}"
    if not file.outcomes and not error:
        error = "No article found in the file."
    failed = error or any(o["status"] == "failed" for o in file.outcomes)
    file.status = IngestJobFile.Status.FAILED if failed else IngestJobFile.Status.DONE
    file.error, file.finished_at = error, timezone.now()
    file.save(update_fields=["status", "error", "finished_at", "outcomes"])


def _stored_by_this_job(outcome: Outcome, *, prefix: str) -> bool:
    """An "unchanged" article stored under this outcome's own source name, which carries the job's prefix
    (`source_prefix`): only this job's earlier attempt can have written it. (A link has no prefix: any job
    may have stored it.)"""
    if not prefix or outcome.status != "unchanged" or outcome.article_id is None:
        return False
    stored_as = Article.objects.filter(pk=outcome.article_id).values_list("source_name", flat=True).first()
    return stored_as == outcome.source_name


def _key(outcome: dict) -> tuple:
    return outcome["source_name"], outcome.get("line")


def _as_dict(outcome: Outcome, *, prefix: str) -> dict:
    return {
        "status": outcome.status,
        "source_name": outcome.source_name.removeprefix(prefix),
        "message": outcome.message,
        "line": outcome.line,
        "article_id": outcome.article_id,
        "quotes": outcome.quotes,
        "statements": list(outcome.statements),
    }


def _merge(previous: dict | None, new: dict) -> dict:
    if (
        previous
        and new["status"] == "unchanged"
        and previous["status"] in {"created", "updated"}
        and previous["article_id"] == new["article_id"]
    ):
        return previous
    return new


def _tally(job: IngestJob) -> None:
    files = list(job.files.values_list("status", "outcomes", "error"))
    statuses = [o["status"] for _, outcomes, _ in files for o in outcomes]
    finished = {IngestJobFile.Status.DONE, IngestJobFile.Status.FAILED}
    IngestJob.objects.filter(pk=job.pk).update(
        files_total=len(files),
        files_done=sum(status in finished for status, _, _ in files),
        articles_created=statuses.count("created"),
        articles_unchanged=statuses.count("unchanged"),
        articles_updated=statuses.count("updated"),
        sources_failed=statuses.count("failed") + sum(bool(error) for _, _, error in files),
    )


def looks_stalled(job: IngestJob, *, stale_after: datetime.timedelta = STALE_AFTER) -> bool:
    """A running job whose worker has been silent for `stale_after`: the watchdog will resume it."""
    last_sign = job.heartbeat_at or job.started_at
    return (
        job.status == IngestJob.Status.RUNNING
        and bool(last_sign)
        and timezone.now() - last_sign > stale_after
    )


# --- tasks (django.tasks; `manage.py db_worker` runs them) ----------------------------------------------


@task
def ingest_upload(*, job_id: int, attempt: int) -> str:
    """Ingest an upload's files; a task of an older attempt stops without writing."""
    return run_job(job_id=job_id, attempt=attempt)


@task
def watch_upload(*, job_id: int, attempt: int) -> str:
    """Every minute while a job is active: resume it if its worker died."""
    return watch_job(job_id=job_id, attempt=attempt)
