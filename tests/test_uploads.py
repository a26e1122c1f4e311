"""Admin uploads: the form, the limits, the background job, its page, re-runs and a worker that dies mid-job."""

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

import articles.uploads
from articles.models import Article, IngestJob, IngestJobFile, Quote
from articles.uploads import create_upload, rerun_job

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "demo" / "articles").glob("*.txt"))
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


def make_user(role: str | None, name: str) -> User:
    user = User.objects.create_user(name, password="pw-for-tests-only")
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("admin", "ada"))
    return client


def seed(n: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(SEEDS[n].name, SEEDS[n].read_bytes(), content_type="text/plain")


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def upload(client, **data):
    return client.post(reverse("upload"), data)


# --- uploading -------------------------------------------------------------------------------------------


def test_the_upload_page_shows_the_limits_and_accepted_types(admin_client):
    html = admin_client.get(reverse("upload")).content.decode()
    assert "Up to 20 files" in html and "5 MB each" in html and "20 MB in all" in html
    assert ".txt, .html, .htm, .json, .jsonl, .zip" in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert 'href="/upload/"' in html  # the nav link admins see


def test_an_admin_uploads_two_files_and_is_sent_to_the_job_which_ingested_them(admin_client, media):
    response = upload(admin_client, files=[seed(1), seed(2)])
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    assert len(stored_files(media)) == 2
    job.refresh_from_db()  # the test suite's task backend runs the job at once
    assert (job.status, job.files_done, job.files_total, job.articles_created) == ("succeeded", 2, 2, 2)
    assert [f.status for f in job.files.all()] == ["done", "done"]
    assert Article.objects.count() == 2

    html = admin_client.get(response.url).content.decode()
    for article in Article.objects.all():
        assert reverse("article_detail", args=[article.pk]) in html
    # 001 and 002 both render Wang Yi's "solid as rock" statement: it is linked from the job page.
    shared = Quote.objects.get(text__startswith="solid as rock and will stand the trials").statement
    assert reverse("statement_detail", args=[shared.pk]) in html
    assert "hx-trigger" not in html  # finished: no more polling


def test_a_zip_of_articles_is_ingested_article_by_article(admin_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("batch/a.txt", SEEDS[0].read_bytes())
        archive.writestr("batch/b.txt", SEEDS[3].read_bytes())
    upload(admin_client, files=[SimpleUploadedFile("batch.zip", buffer.getvalue())])
    job = IngestJob.objects.get()
    assert job.status == "succeeded" and job.articles_created == 2
    names = [o["source_name"] for o in job.files.get().outcomes]
    assert names == ["batch.zip/batch/a.txt", "batch.zip/batch/b.txt"]


def test_pasted_text_is_ingested_with_the_outlet_date_and_url_given(admin_client):
    text = SEEDS[4].read_text()
    upload(
        admin_client,
        text=text,
        outlet="The Paste Gazette",
        published="2024-03-05",
        url="https://example.org/a",
    )
    job = IngestJob.objects.get()
    assert job.status == "succeeded"
    file = job.files.get()
    assert (file.kind, file.name) == ("pasted", "pasted text")
    article = Article.objects.get()
    assert article.outlet.name == "The Paste Gazette"
    assert str(article.published) == "2024-03-05" and article.url == "https://example.org/a"


def test_pasted_text_too_large_to_parse_gets_a_page_that_names_the_limits():
    browser = Client(raise_request_exception=False)  # as a browser sees it, not the exception behind it
    browser.force_login(make_user("admin", "ada"))
    response = upload(browser, text="word " * 600_000)  # 3 MB: over Django's form parsing limit
    html = response.content.decode()
    assert (
        response.status_code == 413
        and "Paste at most 2 MB of text" in html
        and "upload the article as a file" in html
    )
    assert not IngestJob.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/a"])
def test_an_upload_with_an_address_that_is_not_http_is_refused_at_the_form(admin_client, url):
    response = upload(admin_client, text=SEEDS[4].read_text(), url=url)
    assert response.status_code == 200 and not IngestJob.objects.exists()
    assert "http or https" in response.content.decode() or "Enter a valid URL" in response.content.decode()


@pytest.mark.parametrize("role", [None, "journalist"])
def test_only_admins_may_upload_nothing_is_stored_otherwise(client, media, role):
    if role:
        client.force_login(make_user(role, "jo"))
    response = upload(client, files=[seed(0)], text="Headline\n\nSomeone said “hello there”.")
    assert response.status_code == 403
    assert not IngestJob.objects.exists() and not Article.objects.exists() and stored_files(media) == []
    page = client.get(reverse("upload"))
    assert page.status_code == (403 if role else 302)  # anonymous visitors are sent to log in
    assert client.get(reverse("job_list")).status_code == (403 if role else 302)


def test_journalists_do_not_see_the_upload_link(client):
    client.force_login(make_user("journalist", "jo"))
    assert 'href="/upload/"' not in client.get(reverse("statement_list")).content.decode()


def test_each_file_is_judged_on_its_own_the_good_ones_stored_every_bad_one_named(admin_client, media):
    png = SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)  # an image renamed .txt
    files = [
        seed(0),
        SimpleUploadedFile("scan.pdf", b"%PDF-1.4 ..."),
        png,
        SimpleUploadedFile("zip.zip", b"text"),
    ]
    response = upload(admin_client, files=files)
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    assert len(stored_files(media)) == 1  # only the good file
    assert job.status == "failed" and Article.objects.count() == 1
    html = admin_client.get(reverse("job_detail", args=[job.pk])).content.decode()
    for said in (
        "files of this type (“.pdf”) are not accepted",
        "binary file (PNG image), not .txt text",
        "the content is not a zip archive",
    ):
        assert said in html
    assert rerun_job(job=job).files.filter(status="failed").count() == 3  # never stored: nothing to re-run


def test_an_upload_of_only_bad_files_is_refused_naming_each_and_nothing_is_stored(admin_client, media):
    files = [SimpleUploadedFile("scan.pdf", b"%PDF-1.4 ..."), SimpleUploadedFile("a.txt", b"\x00\x01\x02")]
    html = upload(admin_client, files=files).content.decode()
    assert "Nothing was stored" in html
    assert (
        "scan.pdf: files of this type" in html
        and "a.txt: binary file (contains NUL bytes), not .txt text" in html
    )
    assert not IngestJob.objects.exists() and stored_files(media) == []


def test_files_over_the_size_limits_are_refused(admin_client, media, settings):
    settings.UPLOAD_LIMITS = {"max_file_bytes": 1000, "max_batch_bytes": 1500}
    html = upload(admin_client, files=[SimpleUploadedFile("big.txt", b"x" * 1200)]).content.decode()
    assert "big.txt: 1.17 KB is over the limit of 0.977 KB." in html
    html = upload(
        admin_client, files=[SimpleUploadedFile(f"{n}.txt", b"x" * 900) for n in range(2)]
    ).content.decode()
    assert "The upload is" in html and "over the limit" in html
    assert not IngestJob.objects.exists() and stored_files(media) == []


def test_an_empty_form_asks_for_a_file_text_or_link(admin_client):
    html = upload(admin_client).content.decode()
    assert "Choose at least one file, paste an article or give a link." in html
    assert not IngestJob.objects.exists()


def test_upload_refuses_other_methods(admin_client):
    assert admin_client.put(reverse("upload")).status_code == 405
    assert admin_client.post(reverse("job_list")).status_code == 405


# --- the job --------------------------------------------------------------------------------------------


def test_one_bad_file_among_good_ones_is_reported_and_the_good_ones_are_stored(admin_client):
    bad = SimpleUploadedFile("broken.json", b'{"title": "No text here"')
    good_line = json.dumps({"title": "Wang Yi speaks", "text": SEEDS[4].read_text().partition("\n")[2]})
    empty_lines = SimpleUploadedFile("lines.jsonl", f'{{"title": "x"}}\n{good_line}\n'.encode())
    upload(admin_client, files=[seed(0), bad, seed(3), empty_lines])
    job = IngestJob.objects.get()
    assert job.status == "failed" and job.files_done == 4
    statuses = {f.name: f.status for f in job.files.all()}
    assert statuses == {
        SEEDS[0].name: "done",
        "broken.json": "failed",
        SEEDS[3].name: "done",
        "lines.jsonl": "failed",
    }
    assert Article.objects.count() == 3  # two seeds and the good JSONL line
    html = admin_client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "finished with errors" in html
    assert "not valid JSON" in html and "missing field &#x27;text&#x27;" in html
    assert "1 failed" not in html and "2 failed" in html


def test_the_status_fragment_polls_while_the_job_runs_and_stops_when_it_ends(
    admin_client, django_assert_max_num_queries
):
    job = IngestJob.objects.create(status="running", files_total=2, files_done=1, started_at=timezone.now())
    IngestJobFile.objects.create(job=job, position=1, name="a.txt", stored_as="x", status="done")
    IngestJobFile.objects.create(job=job, position=2, name="b.txt", stored_as="y", status="running")
    url = reverse("job_detail", args=[job.pk])
    with django_assert_max_num_queries(8):
        response = admin_client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="job-status"' in html
    assert 'hx-trigger="every 1s"' in html and f'hx-get="{url}"' in html
    assert "1 of 2 files done" in html and f'href="{url}"' in html  # a plain link refreshes without htmx
    job.status = "succeeded"
    job.files_done = 2
    job.save()
    html = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html and "2 of 2 files done" in html
    full = admin_client.get(url).content.decode()
    assert "<html" in full and f"Upload {job.pk}" in full


def test_the_job_list_shows_recent_uploads(admin_client):
    upload(admin_client, files=[seed(0)])
    html = admin_client.get(reverse("job_list")).content.decode()
    job = IngestJob.objects.get()
    assert reverse("job_detail", args=[job.pk]) in html and "finished" in html and "ada" in html


def test_the_admin_reruns_a_failed_job(admin_client, database_tasks):
    User.objects.filter(username="ada").update(is_staff=True)
    job = create_upload(files=[seed(0), seed(1)])
    broken = job.files.get(position=2)
    content = default_storage.open(broken.stored_as).read()
    default_storage.delete(broken.stored_as)
    articles.uploads.run_job(job_id=job.pk, attempt=1)  # what the worker does
    broken.refresh_from_db()
    assert (broken.status, broken.error) == ("failed", "The stored upload is missing.")
    assert IngestJob.objects.get(pk=job.pk).status == "failed" and Article.objects.count() == 1

    default_storage.save(broken.stored_as, io.BytesIO(content))
    changelist = reverse("admin:articles_ingestjob_changelist")
    response = admin_client.post(changelist, {"action": "rerun", "_selected_action": [job.pk]}, follow=True)
    assert "1 job(s) queued again." in response.content.decode()
    assert articles.uploads.run_job(job_id=job.pk, attempt=2) == "succeeded"
    job.refresh_from_db()
    assert (job.status, job.files_done, job.articles_created) == ("succeeded", 2, 2)
    assert Article.objects.count() == 2
    assert articles.uploads.run_job(job_id=job.pk, attempt=1) == "superseded"  # an old task writes nothing


def test_a_running_job_cannot_be_rerun():
    job = IngestJob.objects.create(status="running")
    with pytest.raises(ValueError, match="only a job that failed"):
        rerun_job(job=job)


# --- a worker that dies mid-job --------------------------------------------------------------------------


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the worker gets to record it."""


def worker(name: str) -> Worker:
    return Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id=name, excluded_queue_names=[],
    )  # fmt: skip


def jsonl(*paths: Path) -> SimpleUploadedFile:
    lines = []
    for path in paths:
        title, _, text = path.read_text().partition("\n")
        lines.append(json.dumps({"title": title, "text": text.strip()}))
    return SimpleUploadedFile("two.jsonl", "\n".join(lines).encode())


def claim_and_run_until_killed() -> DBTaskResult:
    """A first worker claims the upload's task as db_worker does and runs it until it dies."""
    with transaction.atomic():
        claimed = DBTaskResult.objects.ready().get_locked()
        claimed.claim("worker-that-dies")
    with pytest.raises(WorkerKilled):
        claimed.task.call(**claimed.task_result.kwargs)
    return claimed


def resume_with_a_second_worker(job: IngestJob) -> None:
    """Time passes: the job's heartbeat goes stale, the watchdog task comes due and a new worker starts."""
    IngestJob.objects.filter(pk=job.pk).update(
        heartbeat_at=F("heartbeat_at") - timezone.timedelta(minutes=10)
    )
    DBTaskResult.objects.filter(task_path="articles.uploads.watch_upload").update(run_after=timezone.now())
    worker("second").run()


@pytest.mark.django_db(transaction=True)
def test_an_article_stored_just_before_the_worker_died_counts_as_created_by_the_job(
    database_tasks, monkeypatch
):
    job = create_upload(files=[jsonl(SEEDS[1], SEEDS[2])])
    real = articles.uploads.ingest_sources

    def dies_before_recording_its_first_article(*, sources, overrides):
        outcomes = real(sources=sources, overrides=overrides)
        next(outcomes)  # the article is committed, its outcome never recorded
        raise WorkerKilled
        yield

    monkeypatch.setattr(articles.uploads, "ingest_sources", dies_before_recording_its_first_article)
    claim_and_run_until_killed()
    monkeypatch.setattr(articles.uploads, "ingest_sources", real)
    assert Article.objects.count() == 1 and job.files.get().outcomes == []

    resume_with_a_second_worker(job)

    job.refresh_from_db()
    assert (job.status, job.articles_created, job.articles_unchanged) == ("succeeded", 2, 0)
    assert [o["status"] for o in job.files.get().outcomes] == ["created", "created"]


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_is_resumed_and_duplicates_nothing(database_tasks, monkeypatch):
    job = create_upload(files=[seed(0), jsonl(SEEDS[1], SEEDS[2]), seed(3)])
    assert job.status == "queued" and Article.objects.count() == 0  # nothing ran in the "request"

    # The first worker claims the task as db_worker does, stores a.txt and one line of two.jsonl, then dies.
    real = articles.uploads.ingest_sources

    def dies_after_one_article_of_the_second_file(*, sources, overrides):
        outcomes = real(sources=sources, overrides=overrides)
        if Article.objects.count() >= 1:
            yield next(outcomes)
            raise WorkerKilled
        yield from outcomes

    monkeypatch.setattr(articles.uploads, "ingest_sources", dies_after_one_article_of_the_second_file)
    claimed = claim_and_run_until_killed()
    monkeypatch.setattr(articles.uploads, "ingest_sources", real)

    job.refresh_from_db()
    assert (job.status, job.files_done, Article.objects.count()) == ("running", 1, 2)
    assert DBTaskResult.objects.get(pk=claimed.pk).status == "RUNNING"  # as a killed worker leaves it

    resume_with_a_second_worker(job)

    job.refresh_from_db()
    assert (job.status, job.attempt, job.files_done) == ("succeeded", 2, 3)
    assert "Resumed after attempt 1: no heartbeat from its worker" in job.error
    assert Article.objects.count() == 4
    assert Article.objects.values("content_hash").distinct().count() == 4
    lines = job.files.get(position=2).outcomes
    assert [o["status"] for o in lines] == [
        "created",
        "created",
    ]  # not "unchanged" for the line stored before
    lost = DBTaskResult.objects.get(pk=claimed.pk)
    assert lost.status == "FAILED" and lost.exception_class_path == "articles.uploads.WorkerLost"


@pytest.mark.django_db(transaction=True)
def test_the_watchdog_leaves_a_live_job_alone_and_stops_once_it_has_finished(database_tasks):
    job = create_upload(files=[seed(0)])
    IngestJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    watch = DBTaskResult.objects.get(task_path="articles.uploads.watch_upload")
    assert articles.uploads.watch_job(job_id=job.pk, attempt=1) == "waiting"
    assert (
        DBTaskResult.objects.filter(task_path="articles.uploads.watch_upload").exclude(pk=watch.pk).exists()
    )
    IngestJob.objects.filter(pk=job.pk).update(status="succeeded")
    assert articles.uploads.watch_job(job_id=job.pk, attempt=1) == "done"


# --- a real db_worker process, killed -------------------------------------------------------------------

SYNTHETIC = 16  # with two seeds: 18 files, under the limit of 20


def synthetic(n: int) -> str:
    return (
        f"Harbour board approves plan number {n}\n\n"
        f"The harbour board of Port Ellis approved expansion plan {n} on Tuesday after a long debate.\n\n"
        f"“Plan {n} will bring ships and work back to the quays,” said board chair Marta Kowal{n}, "
        f"who had argued for it since spring.\n\nCritics said the plan would cost too much.\n"
    )


def worker_environment(
    tmp_path: Path,
) -> tuple[dict, list[str], Callable[[str], tuple], Callable[[str], str]]:
    """What a `manage.py` subprocess needs to share this test's database (a transaction=True test), a function
    that reads a row of it, and one that runs Python in `manage.py shell` (the environment as it is then)."""
    env = {
        **os.environ, "TASKS_BACKEND": "database", "HTTPS": "0", "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    }  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    settings = connection.settings_dict
    if connection.vendor == "postgresql":  # the test database itself: this test commits its rows
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        )

        def query(sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()
    else:  # the in-memory test database cannot be shared with another process: a file of its own
        path = tmp_path / "worker.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)

        def query(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchone()

    def shell(code: str) -> str:
        done = subprocess.run(
            [*manage, "shell", "-v0", "--no-imports", "-c", code],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    return env, manage, query, shell


@pytest.mark.django_db(transaction=True)
def test_a_killed_db_worker_is_replaced_and_the_job_finishes_without_duplicates(tmp_path):
    env, manage, query, shell = worker_environment(tmp_path)

    for n in range(SYNTHETIC):
        (tmp_path / f"plan-{n:02d}.txt").write_text(synthetic(n))
    paths = [str(SEEDS[1]), str(SEEDS[2]), *sorted(str(p) for p in tmp_path.glob("plan-*.txt"))]
    job_id = int(
        shell(
            "from pathlib import Path\n"
            "from django.core.files.uploadedfile import SimpleUploadedFile\n"
            "from articles.uploads import create_upload\n"
            f"files = [SimpleUploadedFile(Path(p).name, Path(p).read_bytes()) for p in {paths!r}]\n"
            "print(create_upload(files=files).pk)"
        )
    )
    total = len(paths)
    first = None
    try:
        first = subprocess.Popen(
            [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", "--worker-id", "first"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while query(f"SELECT files_done FROM articles_ingestjob WHERE id = {job_id}")[0] < 3:
            assert first.poll() is None and time.monotonic() < deadline, "the first worker made no progress"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        status, done = query(f"SELECT status, files_done FROM articles_ingestjob WHERE id = {job_id}")
        assert status == "running" and done < total, "the job finished before the worker could be killed"

        # Three minutes later: the watchdog is due, the heartbeat old. A new worker processes what is ready.
        shell(
            "from django.db.models import F\nfrom django.utils import timezone\n"
            "from django_tasks_db.models import DBTaskResult\nfrom articles.models import IngestJob\n"
            f"IngestJob.objects.filter(pk={job_id}).update(heartbeat_at=F('heartbeat_at') - timezone.timedelta(minutes=10))\n"
            "DBTaskResult.objects.filter(task_path='articles.uploads.watch_upload', status='READY')"
            ".update(run_after=timezone.now())"
        )
        second = subprocess.run(
            [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--batch", "--interval", "0"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert second.returncode == 0, second.stdout + second.stderr
        result = json.loads(
            shell(
                "import json\nfrom articles.models import Article, IngestJob\n"
                f"job = IngestJob.objects.get(pk={job_id})\n"
                "print(json.dumps({'status': job.status, 'attempt': job.attempt, 'done': job.files_done,"
                " 'created': job.articles_created, 'articles': Article.objects.count(),"
                " 'hashes': Article.objects.values('content_hash').distinct().count(),"
                " 'errors': sorted({o['message'] or f.error for f in job.files.all() for o in f.outcomes"
                " if o['status'] == 'failed'} | {f.error for f in job.files.all() if f.error})}))"
            )
        )
        assert result == {
            "status": "succeeded", "attempt": 2, "done": total, "created": total, "articles": total, "hashes": total,
            "errors": [],
        }  # fmt: skip
    finally:
        if first is not None and first.poll() is None:
            first.kill()
        shell(
            "from django.core.files.storage import default_storage\nfrom articles.models import IngestJobFile\n"
            f"[default_storage.delete(f.stored_as) for f in IngestJobFile.objects.filter(job_id={job_id})]"
        )


@pytest.mark.django_db
def test_a_worker_that_finds_the_database_locked_while_claiming_a_task_starts_again(
    monkeypatch, database_tasks, settings
):
    # Upstream's claim loop lets "database is locked" escape when SQLite's lock outlasts the timeout: the worker
    # process ended. Here it carries on (the second run returns, as a --batch worker does with nothing to do).
    from django_tasks_db.management.commands import db_worker as upstream

    runs = []

    def locked_once(self) -> None:
        runs.append(self)
        if len(runs) == 1:
            raise OperationalError("database is locked")

    monkeypatch.setattr(upstream.Worker, "run", locked_once)
    settings.WORKER_RETRY_SECONDS = 0
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert len(runs) == 2

    def broken(self) -> None:
        raise OperationalError("no such table: django_tasks_db_dbtaskresult")

    monkeypatch.setattr(upstream.Worker, "run", broken)
    with pytest.raises(OperationalError, match="no such table"):  # any other error still stops it
        call_command("db_worker", "--batch", "--no-startup-delay")
