"""Which databases the benchmark uses, and Django set-up inside a benchmark subprocess."""

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SQLITE_URL = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
PG_BENCH_NAME = os.environ.get("BENCH_DATABASE", "verbatim_bench")
PROTECTED = {"test", "test_test", "postgres", "template0", "template1"}


def postgres_bench_url(url: str) -> str:
    """The server of DATABASE_URL, but our own database: the benchmark drops and recreates it."""
    parts = urlsplit(url)
    if PG_BENCH_NAME in PROTECTED:
        raise SystemExit(f"BENCH_DATABASE={PG_BENCH_NAME!r} is a database the benchmark must not drop")
    return urlunsplit(parts._replace(path=f"/{PG_BENCH_NAME}"))


def recreate_database(url: str) -> None:
    """An empty database at url (SQLite file removed; PostgreSQL database dropped and created)."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert name not in PROTECTED, name
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    """Django as deployed: DEBUG off (with it on, every query is logged: 4% of the ingest writer's CPU,
    measured), a throwaway secret, plain HTTP (the test client's requests are not redirected to HTTPS), static
    files collected."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ["HTTPS"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    # As deployed, pages link the collected, hashed static files (none yet in a fresh clone).
    call_command("collectstatic", interactive=False, verbosity=0)


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def server_process() -> int | None:
    """The PostgreSQL backend serving this process's connection, when the server runs on this machine."""
    from django.db import connection

    from articles.parsing import database_server_here

    if connection.vendor != "postgresql" or not database_server_here():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return pid if os.path.exists(f"/proc/{pid}/schedstat") else None


def process_cpu(pid: int | None) -> float:
    """CPU seconds another process has run so far (the scheduler's count, to the nanosecond: a clock tick is
    10 ms, longer than what is measured); 0 when there is none to read."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/schedstat") as schedstat:
        return int(schedstat.read().split()[0]) / 1e9
