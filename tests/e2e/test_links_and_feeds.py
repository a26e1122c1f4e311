"""An admin gives links on the upload page and follows a feed, in the browser, against a local web server."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import Page, expect

from articles.models import Article, Feed
from tests.test_feeds import rss
from tests.web import Reply
from tests.web import page as news_page

pytestmark = pytest.mark.django_db(transaction=True)
STORY = (
    "Dock workers returned on Tuesday.",
    "“The agreement is fair to every crew,” said union leader Marta Kowal.",
)


def run_worker() -> None:
    """db_worker's own loop, here, until the queue has nothing ready."""
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="e2e", excluded_queue_names=[],
    ).run()  # fmt: skip


def log_in(page: Page, live_server, path: str) -> None:
    admin = User.objects.create_user("ada", password="correct horse battery staple")
    admin.groups.add(Group.objects.get(name="admin"))
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()


def test_an_admin_gives_links_and_sees_each_named_with_its_result(
    live_server, page: Page, database_tasks, web, csp_violations, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    web.routes["/strike"] = Reply(news_page("Harbour strike ends", *STORY))
    log_in(page, live_server, "/upload/")
    page.get_by_label("Or give links").fill(f"{web.url('/strike')}\nnot a link\n")
    page.get_by_role("button", name="Upload and ingest").click()
    expect(page.get_by_text("Line 2 (not a link) is not an http or https address.")).to_be_visible()

    page.get_by_label("Or give links").fill(f"{web.url('/strike')}\n{web.url('/gone')}\n")
    page.get_by_role("button", name="Upload and ingest").click()
    expect(page).to_have_url(re.compile(r"/upload/jobs/\d+/$"))
    run_worker()
    page.reload()
    status = page.locator("#job-status")
    expect(status).to_contain_text("2 of 2 files done")
    expect(status.locator("li.outcome-created")).to_contain_text("Harbour strike ends")
    expect(status).to_contain_text(f"the server answered 404 Not Found for {web.url('/gone')}")
    screenshot("upload-links-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("upload-links-390")
    assert Article.objects.get().source_name == web.url("/strike")
    assert csp_violations == []


def test_an_admin_follows_a_feed_and_the_worker_brings_its_articles(
    live_server, page: Page, database_tasks, web, csp_violations, screenshot
):
    web.routes["/feed.xml"] = Reply(
        rss("strike", base=web.base).replace(b"/news/strike", b"/strike"), content_type="application/rss+xml"
    )
    web.routes["/strike"] = Reply(news_page("Harbour strike ends", *STORY))
    web.routes["/broken.xml"] = Reply(b"<html><body>We moved.</body></html>")
    log_in(page, live_server, "/feeds/")
    expect(page.get_by_role("heading", name="Feeds")).to_be_visible()
    expect(page.get_by_text("No feeds followed yet.")).to_be_visible()
    page.get_by_label("Feed address").fill(web.url("/feed.xml"))
    page.get_by_label("Poll every (minutes)").fill("30")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_text("its first poll is due now")).to_be_visible()
    expect(page.get_by_text("Not polled yet")).to_be_visible()

    run_worker()  # the poll task waits in the queue since the feed was added
    page.reload()
    expect(page.get_by_role("heading", name="Harbour Gazette")).to_be_visible()
    expect(page.locator(".badge.poll-ok")).to_have_text("read")
    expect(page.locator(".feed-items")).to_contain_text("Harbour strike ends")
    screenshot("feed-detail-1440")

    page.goto(f"{live_server.url}/feeds/")
    page.get_by_label("Feed address").fill(web.url("/broken.xml"))
    page.get_by_role("button", name="Follow").click()
    run_worker()
    page.goto(f"{live_server.url}/feeds/")
    expect(page.locator("table.feeds")).to_contain_text("not an RSS or Atom feed")
    screenshot("feed-list-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("feed-list-390")
    page.get_by_role("link", name="Harbour Gazette").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("feed-detail-390")
    assert Feed.objects.count() == 2 and Article.objects.count() == 1
    assert csp_violations == []


def test_a_reader_sees_what_changed_after_publication(
    live_server, page: Page, web, screenshot, csp_violations
):
    from django.core.management import call_command

    from tests.test_versions import FIRST, SECOND

    web.routes["/strike"] = Reply(news_page("Harbour strike ends", *FIRST.split("\n\n")))
    call_command("ingest", web.url("/strike"), stdout=io.StringIO())
    web.routes["/strike"] = Reply(news_page("Harbour strike ends", *SECOND.split("\n\n")))
    call_command("ingest", web.url("/strike"), stdout=io.StringIO())
    article = Article.objects.get()

    page.goto(f"{live_server.url}/articles/{article.pk}/")
    versions = page.locator("section.versions")
    expect(versions.get_by_role("heading", name="Version 2 replaced version 1")).to_be_visible()
    expect(versions.locator(".badge.change-words")).to_have_text("words changed")
    versions.get_by_text("Paragraphs: 3 removed, 3 added").click()
    screenshot("article-versions-1440")
    versions.locator(".badge.change-words").locator("xpath=..").get_by_role("link", name="statement").click()
    expect(page).to_have_url(re.compile(r"/statements/\d+/$"))
    expect(page.locator(".card .badge.changed")).to_have_text("changed after publication")
    expect(page.locator("#changes-title")).to_be_visible()
    screenshot("statement-changed-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("statement-changed-390")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("article-versions-390")
    assert csp_violations == []
