"""An admin uploads two seed articles in the browser, watches the job finish and opens a statement."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from playwright.sync_api import Page, expect

from articles.models import IngestJob, Quote
from tests.e2e.conftest import run_one_task_while_polls_wait

SEEDS = Path(__file__).resolve().parent.parent.parent / "demo" / "articles"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings, tmp_path, monkeypatch):
    """The real django-tasks-db backend, also in the live server's request threads."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setitem(task_backends.__dict__, "settings", settings.TASKS)  # read once, then cached
    task_backends["default"] = DatabaseBackend("default", {})
    yield
    del task_backends["default"]


def test_an_admin_uploads_two_articles_and_watches_the_job_finish(
    live_server, page: Page, database_tasks, csp_violations, screenshot
):
    admin = User.objects.create_user("ada", password="correct horse battery staple")
    admin.groups.add(Group.objects.get(name="admin"))

    page.goto(f"{live_server.url}/upload/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # admins only: log in first
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Upload articles")).to_be_visible()
    expect(page.get_by_role("link", name="Upload", exact=True)).to_be_visible()
    page.get_by_label("Files").set_input_files(
        [SEEDS / "001_227b2405f0c5c29e.txt", SEEDS / "002_9966eecab13d3be7.txt"]
    )
    screenshot("upload-page")
    page.get_by_role("button", name="Upload and ingest").click()

    expect(page).to_have_url(re.compile(r"/upload/jobs/\d+/$"))
    status = page.locator("#job-status")
    expect(status).to_contain_text("queued")
    expect(status).to_contain_text("0 of 2 files done")
    page.evaluate("window.notReloaded = true")

    run_one_task_while_polls_wait(page, re.compile(r"/upload/jobs/\d+/$"))
    assert IngestJob.objects.get().status == "succeeded"

    expect(status).to_contain_text("2 of 2 files done", timeout=15_000)
    expect(status.locator(".badge.job-succeeded")).to_have_text("finished")
    expect(status).not_to_have_attribute("hx-trigger", re.compile("."))  # polling stopped
    assert page.evaluate("window.notReloaded") is True  # htmx updated the page in place
    expect(status.locator("li.outcome-created")).to_have_count(2)
    screenshot("upload-job-finished")

    # 001 and 002 both render Wang Yi's "solid as rock" statement of February 2023.
    shared = Quote.objects.get(text__startswith="solid as rock and will stand the trials").statement_id
    status.locator(f'a[href="/statements/{shared}/"]').first.click()
    expect(page).to_have_url(re.compile(r"/statements/\d+/$"))
    expect(page.locator(".card")).to_have_count(2)  # the two uploaded articles, side by side
    assert csp_violations == []
