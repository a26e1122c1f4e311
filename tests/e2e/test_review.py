"""A journalist works through the review queue: the least certain decision first, confirmed in one click."""

import pytest
from playwright.sync_api import Page, expect

from articles.models import Quote, VariantLabel
from tests.e2e.test_journalist import log_in_as_journalist
from tests.factories import make_statement_with_renderings
from tests.test_review import HARBOUR, REWORDED, TRIMMED, statement_of

pytestmark = pytest.mark.django_db(transaction=True)
TEXT = "The engine weaves algebraic patterns just as the loom weaves flowers and leaves."


def test_a_journalist_confirms_the_least_certain_speaker_first(
    live_server, page: Page, screenshot, csp_violations
):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=3)
    doubtful, fairly, sure = statement.renderings.order_by("pk")
    Quote.objects.filter(pk=doubtful.pk).update(speaker_confidence=0.35, statement_confidence=0.9)
    Quote.objects.filter(pk=fairly.pk).update(speaker_confidence=0.7, statement_confidence=0.8)
    Quote.objects.filter(pk=sure.pk).update(speaker_confidence=0.97, statement_confidence=0.99)
    log_in_as_journalist(live_server, page, then="/review/")

    items = page.locator(".review-item")
    expect(items).to_have_count(3)
    expect(items.first.locator(".badge.confidence").first).to_have_text("35% sure")
    screenshot("review-queue-1440")
    items.first.get_by_role("button", name="Speaker is right").click()
    expect(page.get_by_text("left the queue")).to_be_visible()
    expect(items.first.locator(".badge.confidence").first).to_have_text("70% sure")  # the next least certain
    doubtful.refresh_from_db()
    assert doubtful.speaker_decided_by == "manual"
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("review-queue-390")
    assert csp_violations == []


def test_a_journalist_confirms_the_label_the_machine_is_least_sure_of(
    live_server, page: Page, screenshot, csp_violations
):
    *_, reworded = statement_of(HARBOUR, TRIMMED, REWORDED)
    Quote.objects.update(speaker_confidence=0.97, statement_confidence=0.96)
    journalist = log_in_as_journalist(live_server, page, then="/review/")

    first = page.locator(".review-item").first
    expect(first.locator("blockquote")).to_contain_text("repair the sea wall")
    sure = f"{round(reworded.label_confidence * 100)}% sure"
    expect(first.locator(".badge.confidence").last).to_have_text(sure)
    screenshot("review-queue-label-1440")
    first.get_by_role("button", name="Label is right").click()
    expect(page.get_by_text("Confirmed the label")).to_be_visible()
    label = VariantLabel.objects.get(quote=reworded)
    assert (label.author, label.proposed) == (journalist, False)
    expect(page.locator(".review-item").first.locator("blockquote")).not_to_contain_text(
        "repair the sea wall"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("review-queue-label-390")
    assert csp_violations == []
