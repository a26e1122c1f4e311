"""What only a browser shows: htmx swaps, live search, highlighting under the strict CSP."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from articles.models import Quote

SEEDS = Path(__file__).resolve().parent.parent.parent / "demo" / "articles"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeds():
    call_command("ingest", str(SEEDS), stdout=io.StringIO())


def test_search_narrows_the_list_without_a_reload(live_server, page: Page, seeds, csp_violations):
    page.goto(live_server.url)
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_be_visible()
    before = rows.count()
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Search quotes and speakers").fill("Patrushev")
    expect(rows).not_to_have_count(before)
    expect(page.locator("#results")).to_contain_text("Western pressure")
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the results; the page stayed
    expect(page).to_have_url(re.compile(r"q=Patrushev"))
    assert csp_violations == []


def test_back_after_a_live_search_shows_the_whole_page(live_server, page: Page, seeds):
    page.goto(live_server.url)
    page.get_by_label("Search quotes and speakers").fill("Patrushev")
    expect(page).to_have_url(re.compile(r"q=Patrushev"))
    expect(page.locator("#results")).to_contain_text("Western pressure")
    page.locator("#results tbody a[href*='/statements/']").first.click()
    expect(page).to_have_url(re.compile(r"/statements/\d+"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=Patrushev"))
    # the page with its header and search box, not the results fragment the browser fetched for htmx
    expect(page.get_by_label("Search quotes and speakers")).to_be_visible()
    expect(page.locator("#results")).to_contain_text("Western pressure")


def test_the_solid_as_rock_statement_shows_both_articles_side_by_side(
    live_server, page: Page, seeds, csp_violations, screenshot
):
    # The Moscow, February 2023 statement: 001 renders it "solid as rock", 002 "solid as a rock".
    quote = Quote.objects.get(text__startswith="solid as rock and will stand the trials")
    page.goto(f"{live_server.url}/statements/{quote.statement_id}/")
    cards = page.locator(".card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("solid as a rock")  # earliest first: 002 is dated 22 Feb, 001 23 Feb
    expect(cards.nth(1)).to_contain_text("solid as")
    expect(page.locator(".card ins").first).to_be_visible()  # differences marked
    expect(page.locator(".card del").first).to_be_visible()
    screenshot("statement-solid-as-rock")

    reference = page.locator(".reference blockquote")
    before = reference.inner_text()
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Compare with this one").first.click()
    expect(reference).not_to_have_text(before)
    expect(page).to_have_url(re.compile(r"ref=\d+"))
    assert page.evaluate("window.notReloaded") is True
    screenshot("statement-other-reference")
    assert csp_violations == []


def test_pages_are_readable_at_phone_width(live_server, page: Page, seeds, screenshot):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing forces sideways scrolling of the page (wide tables scroll inside a box)
    quote = Quote.objects.filter(statement__isnull=False).first()
    page.goto(f"{live_server.url}/statements/{quote.statement_id}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("statement-360px")
