"""Security: who may open every URL, CSRF on every write, production cookies, `check --deploy`, login
throttling, and uploaded files that are never served back nor executed.

The permission matrix is one table: every URL of the site has a row (a test fails when a URL is added without
one), every row is tried as an anonymous visitor, a logged-in user without a role, a journalist and an admin.
"""

import datetime
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles import corrections
from articles.models import (
    Article,
    AuditEvent,
    Feed,
    IngestJob,
    PrimarySourceJob,
    Quote,
    Speaker,
    Statement,
    VariantLabel,
)
from tests.factories import make_statement_with_renderings, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
ROLES = ["anonymous", "reader", "journalist", "admin"]
TEXT = "The engine weaves algebraic patterns just as the loom weaves flowers and leaves."

# What a role gets: the page ("ok", 200), the write done ("done", a redirect that is not to a login page),
# sent to log in ("login"), refused ("denied", 403), or sent to the admin's own login ("admin-login").
PUBLIC = dict.fromkeys(ROLES, "ok")
JOURNALISTS_READ = {"anonymous": "login", "reader": "denied", "journalist": "ok", "admin": "ok"}
JOURNALISTS_WRITE = {"anonymous": "denied", "reader": "denied", "journalist": "done", "admin": "done"}
ADMINS_READ = {"anonymous": "login", "reader": "denied", "journalist": "denied", "admin": "ok"}
ADMINS_WRITE = {"anonymous": "denied", "reader": "denied", "journalist": "denied", "admin": "done"}
SIGNED_IN = {"anonymous": "login", "reader": "ok", "journalist": "ok", "admin": "ok"}


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str
    expect: dict[str, str]
    args: tuple[str, ...] = ()  # keys of the world fixture
    data: dict = field(default_factory=dict)  # values may name world keys as "@key"


MATRIX = [
    Row("statement_list", "get", PUBLIC),
    Row("statement_detail", "get", PUBLIC, ("statement",)),
    Row("article_detail", "get", PUBLIC, ("article",)),
    Row("speaker_detail", "get", PUBLIC, ("speaker",)),
    Row("speaker_suggestions", "get", PUBLIC),
    Row("outlet_detail", "get", PUBLIC, ("outlet",)),
    Row("api_statement_list", "get", PUBLIC),
    Row("api_statement_detail", "get", PUBLIC, ("statement",)),
    Row("label_quote", "post", JOURNALISTS_WRITE, ("quote",), {"label": "trimmed", "severity": "1"}),
    Row("confirm_label", "post", JOURNALISTS_WRITE, ("quote",)),
    Row("move_quote", "post", JOURNALISTS_WRITE, ("quote",), {"statement": ""}),
    Row("change_speaker", "post", JOURNALISTS_WRITE, ("quote",), {"name": "Charles Babbage", "new": "on"}),
    Row("reject_quote", "post", JOURNALISTS_WRITE, ("quote",)),
    Row("merge_statements", "post", JOURNALISTS_WRITE, ("statement",), {"other": "@other_statement"}),
    Row("merge_candidates", "get", JOURNALISTS_READ, ("statement",), {"find": "machines"}),
    Row("merge_preview", "get", JOURNALISTS_READ, ("statement",), {"other": "@other_statement"}),
    Row("set_reference", "post", JOURNALISTS_WRITE, ("statement",), {"quote": "@quote"}),
    Row("merge_speakers", "post", JOURNALISTS_WRITE, ("speaker",), {"other": "@other_speaker"}),
    Row("undo", "post", JOURNALISTS_WRITE, ("event",)),
    Row("review_queue", "get", JOURNALISTS_READ),
    Row("review_confirm", "post", JOURNALISTS_WRITE, ("quote",), {"decision": "statement"}),
    Row("review_agreement", "get", JOURNALISTS_READ),
    Row("add_primary", "get", JOURNALISTS_READ),
    Row(
        "add_primary",
        "post",
        JOURNALISTS_WRITE,
        (),
        {"text": f"ADA: {TEXT}", "speakers": "Ada Lovelace", "published": "1843-09-01"},
    ),  # fmt: skip
    Row("primary_job", "get", JOURNALISTS_READ, ("primary_job",)),
    Row("export_statements_csv", "get", JOURNALISTS_READ),
    Row("export_statements_json", "get", JOURNALISTS_READ),
    Row("upload", "get", ADMINS_READ),
    Row("upload", "post", ADMINS_WRITE, (), {"files": "@upload_file"}),
    Row("job_list", "get", ADMINS_READ),
    Row("job_detail", "get", ADMINS_READ, ("job",)),
    Row("feed_list", "get", ADMINS_READ),
    Row("feed_list", "post", ADMINS_WRITE, (), {"url": "https://example.org/news.xml", "interval": "60"}),
    Row("feed_detail", "get", ADMINS_READ, ("feed",)),
    Row("feed_action", "post", ADMINS_WRITE, ("feed",), {"action": "pause"}),
    Row("login", "get", PUBLIC),
    Row("login", "post", PUBLIC, (), {"username": "nobody", "password": "wrong"}),  # the form again
    Row("logout", "post", dict.fromkeys(ROLES, "done")),
    Row("password_change", "get", SIGNED_IN),
    Row("password_change", "post", {**SIGNED_IN, "reader": "ok", "journalist": "ok", "admin": "ok"}),
    Row("password_change_done", "get", SIGNED_IN),
]


def walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name


def test_the_matrix_has_a_row_for_every_url_of_the_site():
    site = {name for namespace, name in walk(get_resolver().url_patterns) if namespace != "admin"}
    assert site == {row.name for row in MATRIX}
    # Every page and endpoint is tried with each method it answers; writes are the POST rows.
    assert {row.name for row in MATRIX if row.method == "post"} >= {
        "label_quote", "confirm_label", "move_quote", "change_speaker", "reject_quote", "merge_statements",
        "set_reference", "merge_speakers", "undo", "upload", "login", "logout", "feed_list", "feed_action",
        "add_primary", "review_confirm",
    }  # fmt: skip


@pytest.fixture
def world():
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    b = make_statement_with_renderings(
        speaker_name="Alan Turing", text="Machines can think, he wrote.", outlets=1
    )
    quote = a.renderings.exclude(pk=a.reference_id).first()
    author = make_user("journalist", username="author")
    corrections.add_label(actor=author, quote=quote, label="trimmed", severity=1)
    job = IngestJob.objects.create(status="succeeded")
    primary_job = PrimarySourceJob.objects.create(
        published=datetime.date(1843, 9, 1), speakers=["Ada Lovelace"]
    )
    feed = Feed.objects.create(url="https://example.org/feed.xml")
    return {
        "feed": feed.pk,
        "statement": a.pk,
        "other_statement": b.pk,
        "quote": quote.pk,
        "article": quote.article_id,
        "speaker": a.speaker_id,
        "other_speaker": b.speaker_id,
        "outlet": quote.article.outlet_id,
        "event": AuditEvent.objects.latest("at").pk,
        "job": job.pk,
        "primary_job": primary_job.pk,
        "uidb64": "MQ",
        "token": "no-such-token",
        "upload_file": SimpleUploadedFile(
            "story.txt", "Headline\n\n“We are ready,” said the mayor, Lena Brandt.\n".encode()
        ),
    }


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


def log_in(client: Client, role: str) -> User | None:
    if role == "anonymous":
        return None
    user = User.objects.filter(username=f"{role}-user").first()
    user = user or make_user(None if role == "reader" else role, username=f"{role}-user")
    client.force_login(user)
    return user


def request(client: Client, row: Row, world: dict):
    url = reverse(row.name, args=[world[key] for key in row.args])
    data = {k: world[v[1:]] if isinstance(v, str) and v.startswith("@") else v for k, v in row.data.items()}
    return getattr(client, row.method)(url, data)


def state() -> tuple:
    return (
        sorted(Quote.objects.values_list("pk", "statement_id", "speaker_id", "not_a_quote")),
        Statement.objects.count(),
        Speaker.objects.count(),
        VariantLabel.objects.count(),
        AuditEvent.objects.count(),
        IngestJob.objects.count(),
        Article.objects.count(),
        sorted(Feed.objects.values_list("url", "active")),
    )


def outcome(response) -> str:
    if response.status_code == 403:
        return "denied"
    if response.status_code == 200:
        return "ok"
    if response.status_code == 302:
        if response.url.startswith(reverse("admin:login")):
            return "admin-login"
        if response.url.startswith(reverse("login")):
            return "login"
        return "done"
    return f"status {response.status_code}"


def row_id(row: Row) -> str:
    return f"{row.method.upper()} {row.name}"


@pytest.mark.parametrize("row", [row for row in MATRIX if row.method == "get"], ids=row_id)
def test_permission_matrix_for_reading(world, row):
    for role in ROLES:  # reading changes nothing: one world serves every role
        client = Client()
        log_in(client, role)
        assert outcome(request(client, row, world)) == row.expect[role], role


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", [row for row in MATRIX if row.method == "post"], ids=row_id)
def test_permission_matrix_for_writing(client, world, row, role):
    log_in(client, role)
    before = state()
    response = request(client, row, world)
    assert outcome(response) == row.expect[role]
    if row.expect[role] in {"denied", "login"}:
        assert state() == before  # a refused request changes nothing
    if row.method == "post" and row.expect[role] == "done" and row.name != "logout":
        assert state() != before


def admin_urls() -> list[tuple[str, str]]:
    """The admin's index and, for every registered model, its list and its add page."""
    urls = [("index", reverse("admin:index"))]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(
            (
                f"{meta.app_label}.{meta.model_name}",
                reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
            )
        )
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_is_for_admins_only(client, role):
    user = log_in(client, role)
    for label, url in admin_urls():
        got = outcome(client.get(url))
        if role != "admin":
            assert got == "admin-login", (label, url)  # not staff: sent to the admin's login
            continue
        app_label, _, model_name = label.partition(".")
        allowed = (
            label == "index"
            or user.has_perm(f"{app_label}.view_{model_name}")
            or user.has_perm(f"{app_label}.change_{model_name}")
        )
        assert got == ("ok" if allowed else "denied"), (label, url)


# --- CSRF ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("row", [row for row in MATRIX if row.method == "post"], ids=row_id)
def test_every_write_without_a_csrf_token_is_refused(world, row):
    client = Client(enforce_csrf_checks=True)
    log_in(client, "admin")
    before = state()
    response = request(client, row, world)
    assert response.status_code == 403 and b"CSRF" in response.content
    assert state() == before


def test_admin_writes_need_a_csrf_token_too(world):
    client = Client(enforce_csrf_checks=True)
    log_in(client, "admin")
    url = reverse("admin:articles_ingestjob_changelist")
    response = client.post(url, {"action": "rerun", "_selected_action": [world["job"]]})
    assert response.status_code == 403


def test_pages_with_forms_carry_the_csrf_token_for_htmx(client, world):
    log_in(client, "admin")
    html = client.get(reverse("statement_detail", args=[world["statement"]])).content.decode()
    assert "hx-headers" in html and "x-csrftoken" in html.lower()


# --- production settings ------------------------------------------------------------------------------------


def production_env() -> dict[str, str]:
    test_only = {"DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the browser tests' conftest for the live server
    return {
        **{name: value for name, value in os.environ.items() if name not in test_only},
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "verbatim.example.org",
        "TASKS_BACKEND": "database",
    }


def test_session_and_csrf_cookies_are_secure_and_http_only_in_production():
    code = (
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.DEBUG)"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-v0", "-c", code],
        env=production_env(), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "True", "True", "True", "False"]


def test_the_session_cookie_set_at_login_is_http_only(client, settings):
    settings.SESSION_COOKIE_SECURE = True  # as HTTPS=1 sets it (checked above)
    User.objects.create_user("ada", password="correct horse battery staple")
    client.post(
        reverse("login"), {"username": "ada", "password": "correct horse battery staple"}, secure=True
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"


def test_check_deploy_is_clean():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


# --- login throttling ---------------------------------------------------------------------------------------


def test_password_guessing_is_locked_out_after_five_failures(client):
    User.objects.create_user("ada", password="correct horse battery staple")
    login = reverse("login")
    for guess in range(django_settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "ada", "password": f"guess-{guess}"})
        assert response.status_code == 200  # the form again, "enter a correct username and password"
    response = client.post(login, {"username": "ada", "password": "the fifth guess"})
    assert response.status_code == 429 and b"locked" in response.content.lower()
    # Locked: even the right password is refused now, and the session stays anonymous.
    response = client.post(login, {"username": "ada", "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The admin's login is throttled alike.
    response = client.post(
        reverse("admin:login"), {"username": "ada", "password": "correct horse battery staple"}
    )
    assert response.status_code == 429

    # Another user (or the same user from elsewhere) is not locked out by someone guessing ada's password.
    User.objects.create_user("bob", password="another long passphrase")
    other = Client()
    response = other.post(login, {"username": "bob", "password": "another long passphrase"})
    assert response.status_code == 302 and "_auth_user_id" in other.session
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    response = elsewhere.post(login, {"username": "ada", "password": "correct horse battery staple"})
    assert response.status_code == 302


def test_no_password_reset_page_says_a_mail_was_sent_when_none_is(client):
    # Verbatim sends no mail: the reset pages are left out rather than answer "done" while nothing arrives
    for path in ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"]:
        assert client.get(path).status_code == 404
        assert client.post(path, {"email": "someone@example.org"}).status_code == 404


def test_a_successful_login_resets_the_failure_count(client):
    User.objects.create_user("ada", password="correct horse battery staple")
    login = reverse("login")
    for _ in range(2):
        for guess in range(django_settings.AXES_FAILURE_LIMIT - 1):
            client.post(login, {"username": "ada", "password": f"guess-{guess}"})
        response = client.post(login, {"username": "ada", "password": "correct horse battery staple"})
        assert response.status_code == 302
        client.post(reverse("logout"))


# --- uploaded files -----------------------------------------------------------------------------------------


def test_uploads_are_stored_outside_static_files_and_under_names_of_our_making(client, media):
    log_in(client, "admin")
    hostile = (
        b"<html><body><script>alert(1)</script><p>\xe2\x80\x9cHi,\xe2\x80\x9d said Ann Lee.</p></body></html>"
    )
    client.post(
        reverse("upload"), {"files": [SimpleUploadedFile("../../static/x.html", hostile, "text/html")]}
    )
    job = IngestJob.objects.get()
    file = job.files.get()
    stored = Path(default_storage.path(file.stored_as)).resolve()
    assert stored.is_relative_to(Path(django_settings.MEDIA_ROOT).resolve())
    assert stored.name == "001.html" and file.stored_as == f"jobs/{job.pk}/001.html"
    for static in [*django_settings.STATICFILES_DIRS, django_settings.STATIC_ROOT]:
        assert not stored.is_relative_to(Path(static).resolve())
    assert not (ROOT / "static" / "x.html").exists()
    assert stored.stat().st_mode & 0o111 == 0  # not executable


def test_the_real_upload_folder_is_outside_static_and_nothing_serves_it():
    from newsroom import settings as project

    media = Path(project.MEDIA_ROOT).resolve()
    for static in [*project.STATICFILES_DIRS, project.STATIC_ROOT]:
        assert not media.is_relative_to(Path(static).resolve())
    assert django_settings.MEDIA_URL in {"", "/"}  # no URL maps onto the upload folder
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("media" in p or "uploads" in p.replace("upload/", "") for p in patterns)


def test_uploaded_files_are_never_served_back(client, media):
    log_in(client, "admin")
    client.post(
        reverse("upload"),
        {"files": [SimpleUploadedFile("page.html", b"<script>alert(1)</script><p>Text</p>", "text/html")]},
    )
    stored_as = IngestJob.objects.get().files.get().stored_as
    for url in [f"/{stored_as}", f"/media/{stored_as}", f"/uploads/{stored_as}", f"/static/{stored_as}"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"alert(1)" not in response.content
    # The job page names the file as text.
    html = client.get(reverse("job_detail", args=[IngestJob.objects.get().pk])).content.decode()
    assert "<script>alert(1)" not in html
