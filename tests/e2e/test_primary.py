"""A journalist adds the primary source of a statement from its page and sees every rendering judged against it."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from articles.ingest import ingest_sources
from articles.models import Statement
from articles.sources import Source
from tests.e2e.conftest import run_one_task_while_polls_wait
from tests.test_primary import DAY, PRESS_CONFERENCE, news, the_cut_pensions

pytestmark = pytest.mark.django_db(transaction=True)


def a_journalist_on_the_statement(live_server, page: Page, *more: Source) -> Statement:
    """An outlet's rendering of the minister's sentence (and `more`) stored, and a journalist logged in from
    its statement's page."""
    statement = the_cut_pensions()
    list(ingest_sources(sources=more))
    journalist = User.objects.create_user("jo", password="correct horse battery staple")
    journalist.groups.add(Group.objects.get(name="journalist"))
    page.goto(f"{live_server.url}/statements/{statement.pk}/")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("jo")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    return statement


def test_a_journalist_adds_the_primary_source_from_a_statement_page(
    live_server, page: Page, screenshot, csp_violations
):
    faithful = news(
        "b.txt", "Coast News", "Anna Berg said: “Pensions will not be cut, whatever the markets say.”"
    )
    statement = a_journalist_on_the_statement(live_server, page, faithful)
    expect(page.get_by_text("No primary source yet")).to_be_visible()

    page.get_by_role("link", name="Add the primary source").click()
    expect(page.get_by_role("heading", name="Add a primary source")).to_be_visible()
    expect(page.get_by_label("Who speaks")).to_have_value("Anna Berg")
    page.get_by_role("button", name="Add primary source").click()
    expect(page.get_by_text("Paste the text or give its address.")).to_be_visible()  # at the form, not lost
    page.get_by_label("Text").fill(PRESS_CONFERENCE)
    page.get_by_label("URL").fill("https://gov.example/press-conference")
    screenshot("primary-add-1440")
    page.get_by_role("button", name="Add primary source").click()

    expect(page).to_have_url(re.compile(rf"/statements/{statement.pk}/$"))
    expect(page.get_by_text("now compared with it")).to_be_visible()
    reference = page.locator("section.reference")
    expect(reference.locator(".badge.primary")).to_have_text("primary source")
    expect(reference.locator("blockquote")).to_contain_text(
        "Pensions will not be cut, whatever the markets say."
    )
    proposals = page.locator(".card .badge.proposed")
    expect(proposals.filter(has_text="meaning altered?")).to_have_count(1)  # the rendering that dropped "not"
    expect(proposals.filter(has_text="verbatim?")).to_have_count(2)  # the faithful one, and the source itself
    screenshot("primary-statement-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("primary-statement-390")
    page.goto(f"{live_server.url}/primary/add/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("primary-add-390")
    assert statement.renderings.filter(kind="primary", article__published=DAY).exists()
    assert csp_violations == []


def test_a_primary_source_the_worker_reads_is_followed_on_its_page_until_it_lands(
    live_server, page: Page, database_tasks, screenshot, csp_violations
):
    from articles.models import PrimarySourceJob

    statement = a_journalist_on_the_statement(live_server, page)
    page.get_by_role("link", name="Add the primary source").click()
    page.get_by_label("Text").fill(PRESS_CONFERENCE)
    page.get_by_role("button", name="Add primary source").click()

    expect(page).to_have_url(re.compile(r"/primary/jobs/\d+/$"))
    status = page.locator("#job-status")
    expect(status).to_contain_text("Waiting for a worker")
    screenshot("primary-job-queued-1440")
    page.evaluate("window.notReloaded = true")
    run_one_task_while_polls_wait(page, re.compile(r"/primary/jobs/\d+/$"))
    assert PrimarySourceJob.objects.get().status == "succeeded"

    expect(status.locator(".badge.job-succeeded")).to_have_text("stored", timeout=15_000)
    expect(status).to_contain_text("1 statement now compared with it")
    assert page.evaluate("window.notReloaded") is True  # htmx updated the page in place
    screenshot("primary-job-stored-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("primary-job-stored-390")
    status.locator(f'a[href="/statements/{statement.pk}/"]').click()
    expect(page.locator("section.reference .badge.primary")).to_have_text("primary source")
    assert csp_violations == []
