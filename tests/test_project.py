"""The project's set-up: migrations, deployment checks, and settings that refuse junk."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean environment: the suite's own variables (test secret, DJANGO_ALLOW_ASYNC_UNSAFE for the browser
    # tests, ...) must not leak into what is checked as production.
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "production-like-secret-key-abcdefghijklmnop",
        ALLOWED_HOSTS="verbatim.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "0"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL='mysql://x@y/z' is not understood"),
        ({"DEBUG": "1", "DATABASE_URL": "postgres://user@host:notaport/db"}, "has a bad port"),
        ({"DEBUG": "1", "DATABASE_URL": "postgres://user@host:5432/"}, "names no database"),
        ({"DEBUG": "1", "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is set but empty"),
        ({"DEBUG": "1", "TASKS_BACKEND": "celery"}, "TASKS_BACKEND='celery'"),
        ({"DEBUG": "1", "SPACY_MODEL": "en core web"}, "SPACY_MODEL='en core web'"),
    ],
)
def test_junk_settings_stop_start_up_with_a_clear_message(env, message):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_postgres_urls_select_psycopg():
    from newsroom.settings import database_from_url

    db = database_from_url("postgres://postgres:s%40cret@127.0.0.1:5432/test")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "postgres",
        "s@cret",
        "127.0.0.1",
        "5432",
        "test",
    )
