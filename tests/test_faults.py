"""Faults on the command side: two `ingest` runs at once, a run killed mid-way, the database down or lost.

Runs that need other processes get a database of their own (a SQLite file, or a PostgreSQL database created
for the test next to the test database), migrated by `manage.py migrate`, and compared with the same files
ingested once, in order, into the test database. An upload job whose worker dies is resumed by the job
machinery: tests/test_uploads.py::test_a_job_whose_worker_died_is_resumed_and_duplicates_nothing and
::test_a_killed_db_worker_is_replaced_and_the_job_finishes_without_duplicates.
"""

import http.cookiejar
import io
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

import articles.ingest
from articles.models import Article, Quote
from tests.factories import long_article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "demo" / "articles").glob("*.txt"))
CORPUS = ROOT / "tests" / "data" / "corpus"
MANAGE = [sys.executable, str(ROOT / "manage.py")]
TABLES = {
    "articles": "articles_article",
    "quotes": "articles_quote",
    "speakers": "articles_speaker",
    "statements": "articles_statement",
    "outlets": "articles_outlet",
}
ENV = {
    **os.environ,
    "TASKS_BACKEND": "immediate",
    "HTTPS": "0",
    "DEBUG": "0",
    "SECRET_KEY": "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
}


def synthetic(n: int) -> str:
    return (
        f"Harbour board approves plan number {n}\n\n"
        f"The harbour board of Port Ellis approved expansion plan {n} on Tuesday after a long debate.\n\n"
        f"“Plan {n} will bring ships and work back to the quays,” said board chair Marta Kowalska, "
        f"who had argued for it since spring.\n\n"
        f"“We will watch every penny of plan {n},” said the treasurer, Tom Berg.\n"
    )


@pytest.fixture
def articles_dir(tmp_path) -> Path:
    """Seeds, the small corpus and synthetic articles sharing speakers: enough to race on."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in [*SEEDS, *sorted(CORPUS.glob("*.txt"))]:
        (folder / path.name).write_bytes(path.read_bytes())
    for n in range(12):
        (folder / f"plan-{n:02d}.txt").write_text(synthetic(n))
    return folder


class OtherDatabase:
    """A migrated database for subprocesses, of the same kind as the test database."""

    def __init__(self, tmp_path: Path) -> None:
        settings = connection.settings_dict
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            self.name = f"verbatim_faults_{uuid.uuid4().hex[:8]}"
            self.dsn = {
                "host": settings["HOST"] or None,
                "port": settings["PORT"] or None,
                "user": settings["USER"] or None,
                "password": settings["PASSWORD"] or None,
            }
            with psycopg.connect(dbname="postgres", autocommit=True, **self.dsn) as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            port = f":{settings['PORT']}" if settings["PORT"] else ""
            self.url = f"postgres://{settings['USER']}@{settings['HOST']}{port}/{self.name}"
        else:
            self.path = tmp_path / "faults.sqlite3"
            self.url = f"sqlite:///{self.path}"
        self.env = {**ENV, "DATABASE_URL": self.url}
        subprocess.run([*MANAGE, "migrate", "--no-input", "-v0"], env=self.env, cwd=ROOT, check=True)

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "postgresql":
            with psycopg.connect(dbname=self.name, **self.dsn) as db:
                return db.execute(sql).fetchall()
        with sqlite3.connect(self.path) as db:
            return db.execute(sql).fetchall()

    def counts(self) -> dict[str, int]:
        return {key: self.query(f"SELECT count(*) FROM {table}")[0][0] for key, table in TABLES.items()}

    def drop(self) -> None:
        if self.vendor == "postgresql":
            with psycopg.connect(dbname="postgres", autocommit=True, **self.dsn) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def other_db(tmp_path):
    database = OtherDatabase(tmp_path)
    yield database
    database.drop()


def ingest(*paths, env) -> subprocess.Popen:
    return subprocess.Popen(
        [*MANAGE, "ingest", *map(str, paths)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def counts_here() -> dict[str, int]:
    from django.db import connection as here

    with here.cursor() as cursor:
        found = {}
        for key, table in TABLES.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            found[key] = cursor.fetchone()[0]
        return found


def no_duplicates(db: OtherDatabase) -> None:
    assert (
        db.query("SELECT content_hash FROM articles_article GROUP BY content_hash HAVING count(*) > 1") == []
    )
    assert db.query("SELECT lower(name) FROM articles_speaker GROUP BY lower(name) HAVING count(*) > 1") == []
    # Two statements with the same speaker and the same reference words would be one utterance filed twice.
    assert (
        db.query(
            "SELECT s.speaker_id, q.normalized FROM articles_statement s "
            "JOIN articles_quote q ON q.id = s.reference_id GROUP BY s.speaker_id, q.normalized "
            "HAVING count(*) > 1"
        )
        == []
    )
    # Every quote lies inside its article (the triggers ensure it; this says no half-written rows exist).
    assert db.query(
        "SELECT count(*) FROM articles_quote q LEFT JOIN articles_article a ON a.id = q.article_id "
        "WHERE a.id IS NULL"
    ) == [(0,)]


@pytest.mark.django_db
def test_two_ingest_runs_at_once_store_each_article_speaker_and_statement_once(other_db, articles_dir):
    files = len(list(articles_dir.iterdir()))
    first, second = ingest(articles_dir, env=other_db.env), ingest(articles_dir, env=other_db.env)
    results = [run.communicate(timeout=600) for run in (first, second)]
    for run, (out, err) in zip((first, second), results, strict=True):
        assert run.returncode == 0, out + err
        assert "Traceback" not in err
    summaries = [out.strip().splitlines()[-1] for out, _ in results]
    created = [int(s.split(" created")[0]) for s in summaries]
    assert sum(created) == files, summaries  # each article stored by exactly one of the runs
    for summary, n in zip(summaries, created, strict=True):
        assert summary == f"{n} created, {files - n} unchanged, 0 updated, 0 failed"
    no_duplicates(other_db)

    # The same files ingested once, in order, into the test database: the same rows.
    call_command("ingest", str(articles_dir), stdout=io.StringIO())
    assert other_db.counts() == counts_here()


@pytest.mark.django_db
def test_an_ingest_killed_mid_run_leaves_whole_articles_and_a_rerun_completes_it(other_db, articles_dir):
    files = len(list(articles_dir.iterdir()))
    run = ingest(articles_dir, env=other_db.env)
    try:
        deadline = time.monotonic() + 300
        while other_db.query("SELECT count(*) FROM articles_article")[0][0] < 3:
            assert run.poll() is None and time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.05)
        run.send_signal(signal.SIGKILL)
        run.wait(10)
    finally:
        if run.poll() is None:
            run.kill()
    stored = other_db.counts()["articles"]
    assert 3 <= stored < files, "the run finished before it could be killed"
    # No article without its quotes: every stored article that has a quotation mark has quotes.
    assert other_db.query(
        "SELECT count(*) FROM articles_article a WHERE NOT EXISTS "
        "(SELECT 1 FROM articles_quote q WHERE q.article_id = a.id)"
    ) == [(0,)]

    rerun = ingest(articles_dir, env=other_db.env)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, out + err
    assert out.strip().splitlines()[-1] == (
        f"{files - stored} created, {stored} unchanged, 0 updated, 0 failed"
    )
    no_duplicates(other_db)
    call_command("ingest", str(articles_dir), stdout=io.StringIO())
    assert other_db.counts() == counts_here()


def test_a_database_down_at_start_is_one_clear_line_and_a_retry_succeeds(tmp_path):
    env = {**ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}  # nothing listens on port 1
    down = subprocess.run(
        [*MANAGE, "ingest", str(SEEDS[0])], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert down.returncode == 1
    lines = down.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in down.stderr, down.stderr
    assert lines[0].startswith("CommandError: database unavailable: ") and "Connection refused" in lines[0]
    assert "run the command again" in lines[0]

    # The database back: the same command succeeds.
    path = tmp_path / "back.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{path}"
    subprocess.run([*MANAGE, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    retry = subprocess.run(
        [*MANAGE, "ingest", str(SEEDS[0])], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert retry.returncode == 0, retry.stderr
    assert retry.stdout.strip().endswith("1 created, 0 unchanged, 0 updated, 0 failed")


@pytest.mark.django_db
def test_a_database_lost_mid_run_is_a_clear_error_and_a_retry_stores_the_rest(monkeypatch, articles_dir):
    files = len(list(articles_dir.iterdir()))
    real = articles.ingest.store_article
    calls = {"n": 0}

    def connection_drops_on_the_fourth_article(**kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OperationalError("server closed the connection unexpectedly\n\tThis probably means ...")
        return real(**kwargs)

    monkeypatch.setattr(articles.ingest, "store_article", connection_drops_on_the_fourth_article)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("ingest", str(articles_dir), stdout=out, stderr=err)
    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        "database unavailable: server closed the connection unexpectedly "
        "(stored before it failed: 3 created, 0 unchanged, 0 updated, 0 failed); run the command again to carry on"
    )
    assert Article.objects.count() == 3
    for article in Article.objects.all():
        assert article.quotes.exists()
    monkeypatch.setattr(articles.ingest, "store_article", real)

    out = io.StringIO()
    call_command("ingest", str(articles_dir), stdout=out)
    assert out.getvalue().strip() == f"{files - 3} created, 3 unchanged, 0 updated, 0 failed"
    assert Article.objects.count() == files
    assert Article.objects.values("content_hash").distinct().count() == files
    for quote in Quote.objects.select_related("article"):
        assert quote.article.body[quote.start : quote.end] == quote.text


UTTERANCES = [
    (
        "Marta Kowalska",
        "The new quay will take the largest ships on the Baltic before the end of next summer",
    ),
    ("Tom Berg", "Every penny of the harbour levy goes to the pumps and the sea wall, not to the offices"),
    ("Ines Duarte", "We asked the fishermen first and they told us the old slipway must stay open all year"),
    ("Kofi Mensah", "Nobody on this board will sign a contract that the auditors have not read twice"),
    ("Lena Holt", "The ferry timetable changes in March because the night crossings lose money every week"),
]


def outlet_copy(copy: int) -> str:
    """One outlet's article carrying the five utterances word for word, in its own order and framing."""
    paragraphs = [
        f"Port Ellis harbour update {copy}",
        f"The harbour board of Port Ellis met on Tuesday evening (outlet copy {copy}).",
    ]
    for turn in range(len(UTTERANCES)):
        speaker, words = UTTERANCES[(copy + turn) % len(UTTERANCES)]
        paragraphs.append(f"“{words},” {speaker} told reporters after the meeting.")
    return "\n\n".join(paragraphs) + "\n"


@pytest.mark.django_db
def test_four_workers_storing_renderings_of_the_same_utterances_at_once_file_each_under_one_statement(
    other_db, tmp_path
):
    # 40 articles from 40 outlets, each carrying the same 5 utterances; 4 runs at once take 10 articles each, so
    # that they store renderings of the same utterances at the same moment, each run unaware of the others.
    folders = [tmp_path / f"worker-{w}" for w in range(4)]
    for w, folder in enumerate(folders):
        folder.mkdir()
        for copy in range(w, 40, 4):
            (folder / f"copy-{copy:02d}.txt").write_text(outlet_copy(copy))
    runs = [ingest(folder, env=other_db.env) for folder in folders]
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0 and "Traceback" not in err, out + err
        assert out.strip().splitlines()[-1] == "10 created, 0 unchanged, 0 updated, 0 failed"
    statements = other_db.query(
        "SELECT s.rendering_count, count(q.id) FROM articles_statement s "
        "JOIN articles_quote q ON q.statement_id = s.id GROUP BY s.id, s.rendering_count"
    )
    assert statements == [(40, 40)] * len(UTTERANCES)
    no_duplicates(other_db)


# Run by each of four processes: store one outlet's copy, but only once all four have matched it against a
# database that holds none of the utterances yet (a barrier of files), so that they write after matching.
MATCH_THEN_WAIT = """
import sys, time
from pathlib import Path
import articles.ingest as ingest
from articles.ingest import ingest_sources
from articles.sources import Source
barrier, copy, text = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]).read_text()
real_match, waited = ingest._match, []
def match_then_wait(**kwargs):
    matched = real_match(**kwargs)
    if not waited:  # the first matching only: matching again happens holding the write turn
        waited.append(True)
        (barrier / copy).touch()
        deadline = time.monotonic() + 120
        while len(list(barrier.iterdir())) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
    return matched
ingest._match = match_then_wait
[outcome] = ingest_sources(sources=[Source(f"copy-{copy}.txt", text, None, outlet=f"Outlet {copy}")])
print(outcome.status)
"""


@pytest.mark.django_db
def test_workers_that_all_matched_before_any_of_them_stored_still_file_one_statement_per_utterance(
    other_db, tmp_path
):
    # The worst moment, made certain: four workers have each matched their article against a database holding
    # none of the utterances yet, and only then do they write. The later ones must see the first one's
    # statements and match again; filed as matched, each utterance would become four statements.
    barrier = tmp_path / "matched"
    barrier.mkdir()
    runs = []
    for copy in range(4):
        (tmp_path / f"copy-{copy}.txt").write_text(outlet_copy(copy))
        code = MATCH_THEN_WAIT.replace("sys.argv[1]", repr(str(barrier))).replace(
            "sys.argv[2]", repr(str(copy))
        )
        code = code.replace("sys.argv[3]", repr(str(tmp_path / f"copy-{copy}.txt")))
        runs.append(
            subprocess.Popen(
                [*MANAGE, "shell", "-v0", "--no-imports", "-c", code],
                env=other_db.env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
        )
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0 and out.strip() == "created", out + err
    assert len(list(barrier.iterdir())) == 4  # all four matched before any of them wrote
    statements = other_db.query("SELECT rendering_count FROM articles_statement ORDER BY id")
    assert statements == [(4,)] * len(UTTERANCES)
    no_duplicates(other_db)


class Journalist:
    """A browser's worth of HTTP for one journalist: cookies, the CSRF token, and how long each request took."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            urllib.request.HTTPRedirectHandler(),
        )
        self.timings: list[tuple[float, str, int]] = []

    def request(self, path: str, form: dict | None = None) -> str:
        data = None
        if form is not None:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.last_page).group(1)
            data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
        started = time.monotonic()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                status, page = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, page = error.code, ""
        self.timings.append((time.monotonic() - started, path, status))
        self.last_page = page
        return page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_journalists_log_in_and_label_while_the_worker_ingests_a_250_quote_article(other_db, tmp_path):
    env = {**other_db.env, "TASKS_BACKEND": "database"}
    seeded = subprocess.run([*MANAGE, "ingest", *map(str, SEEDS)], env=env, cwd=ROOT, capture_output=True)
    assert seeded.returncode == 0, seeded.stderr
    quote_id, statement_id = other_db.query(
        "SELECT id, statement_id FROM articles_quote WHERE statement_id IS NOT NULL ORDER BY id LIMIT 1"
    )[0]
    (tmp_path / "transcript.txt").write_text(long_article(seed=11, quotes=250))
    setup = (
        "from django.contrib.auth.models import Group, User\n"
        "from django.core.files.uploadedfile import SimpleUploadedFile\n"
        "from articles.roles import JOURNALIST\n"
        "from articles.uploads import create_upload\n"
        "User.objects.create_user('reporter', password='a long test password').groups.add("
        "Group.objects.get(name=JOURNALIST))\n"
        f"body = open({str(tmp_path / 'transcript.txt')!r}, 'rb').read()\n"
        "print(create_upload(files=[SimpleUploadedFile('transcript.txt', body)]).pk)"
    )
    made = subprocess.run(
        [*MANAGE, "shell", "-v0", "--no-imports", "-c", setup],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    job_id = int(made.stdout.strip())
    port = free_port()
    server = subprocess.Popen(  # (DEBUG: pages name static files without a collectstatic manifest)
        [*MANAGE, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env={**env, "DEBUG": "1"}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(
        [*MANAGE, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:  # the server is up
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)

        def job_status() -> str:
            return other_db.query(f"SELECT status FROM articles_ingestjob WHERE id = {job_id}")[0][0]

        sessions = []
        deadline = time.monotonic() + 600
        while job_status() in ("queued", "running"):
            assert worker.poll() is None, worker.stderr.read()
            assert time.monotonic() < deadline, "the worker did not finish the job"
            journalist = Journalist(base)
            journalist.request("/accounts/login/")
            journalist.request(
                "/accounts/login/", {"username": "reporter", "password": "a long test password"}
            )
            journalist.request(f"/statements/{statement_id}/")
            journalist.request(
                f"/quotes/{quote_id}/labels/", {"label": "verbatim", "severity": "0", "note": ""}
            )
            sessions.append(journalist)
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(20)
    assert job_status() == "succeeded"
    assert other_db.query(
        "SELECT count(*) FROM articles_quote q JOIN articles_article a ON a.id = q.article_id "
        "WHERE a.source_name LIKE '%transcript.txt'"
    ) == [(250,)]
    timings = [timing for journalist in sessions for timing in journalist.timings]
    assert len(sessions) >= 3, "the ingest ended before journalists could work alongside it"
    assert all(status < 500 for _, _, status in timings), timings
    slowest = max(timings)
    assert slowest[0] < 2, f"{slowest[1]} took {slowest[0]:.1f} s while the worker ingested"
    labels = other_db.query(f"SELECT count(*) FROM articles_variantlabel WHERE quote_id = {quote_id}")
    assert labels == [(len(sessions),)]
