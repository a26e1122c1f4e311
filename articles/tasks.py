"""Background tasks (django.tasks; `manage.py db_worker` runs them): thin wrappers around articles.uploads."""

from django.tasks import task

from articles import uploads


@task
def ingest_upload(*, job_id: int, attempt: int) -> str:
    """Ingest an upload's files; a task of an older attempt stops without writing."""
    return uploads.run_job(job_id=job_id, attempt=attempt)


@task
def watch_upload(*, job_id: int, attempt: int) -> str:
    """Every minute while a job is active: resume it if its worker died."""
    return uploads.watch_job(job_id=job_id, attempt=attempt)
