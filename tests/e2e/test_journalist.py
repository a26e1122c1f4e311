"""A journalist logs in, confirms a proposed label and moves a rendering, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from articles.models import AuditEvent, Quote, VariantLabel
from tests.factories import make_article, make_quote, make_statement_with_renderings, make_user

pytestmark = pytest.mark.django_db(transaction=True)
TEXT = "The engine weaves algebraic patterns just as the loom weaves flowers and leaves."


def log_in_as_journalist(live_server, page: Page, *, then: str):
    """A journalist "jdoe" logs in through the login page and lands on `then`."""
    user = make_user("journalist", username="jdoe")
    user.set_password("a-long-test-password")
    user.save()
    page.goto(f"{live_server.url}/accounts/login/?next={then}")
    page.get_by_label("Username").fill("jdoe")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    return user


def test_a_journalist_confirms_a_label_and_moves_a_rendering(
    live_server, page: Page, csp_violations, screenshot
):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    stray = make_quote(
        article=make_article(body="Other\n\nShe wrote that “the loom weaves flowers” in a letter."),
        text="the loom weaves flowers", statement=statement, kind="partial",
    )  # fmt: skip
    user = log_in_as_journalist(live_server, page, then=f"/statements/{statement.pk}/")
    expect(page.locator(".card")).to_have_count(3)

    first = page.locator(".rendering").first
    first.get_by_text("Label or correct this rendering").click()
    first.get_by_role("button", name="Confirm").click()
    expect(page.locator(".badge.confirmed").first).to_contain_text("✓")
    assert VariantLabel.objects.filter(author=user, proposed=False).count() == 1
    screenshot("journalist-confirmed-label")

    stray_card = page.locator(".rendering", has_text="the loom weaves flowers").filter(has_text="partial")
    stray_card.get_by_text("Label or correct this rendering").click()
    stray_card.get_by_role("button", name="Move").click()  # empty statement number: a new statement
    expect(page.locator(".card")).to_have_count(2)
    moved = Quote.objects.get(pk=stray.pk)
    assert moved.statement_id != statement.pk and moved.statement_decided_by == "manual"
    expect(page.locator(".history")).to_contain_text("move rendering")
    assert AuditEvent.objects.filter(actor=user, action="move rendering").exists()
    assert csp_violations == []


def test_removing_a_statements_only_rendering_asks_then_can_be_undone(
    live_server, page: Page, csp_violations, screenshot
):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    log_in_as_journalist(live_server, page, then=f"/statements/{statement.pk}/")
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    rendering = page.locator(".rendering").first
    rendering.get_by_text("Label or correct this rendering").click()
    rendering.get_by_role("button", name="Not a quotation").click()  # dismissed: nothing happens
    expect(page.locator(".card")).to_have_count(1)
    assert "only rendering" in asked[0] and Quote.objects.filter(not_a_quote=False).count() == 1
    rendering.get_by_role("button", name="Not a quotation").click()  # accepted
    expect(page.get_by_role("heading", name=f"Statement number {statement.pk} was removed")).to_be_visible()
    screenshot("journalist-removed-statement")
    page.get_by_role("button", name="Undo: bring the statement back").click()
    expect(page.locator(".card")).to_have_count(1)
    expect(page.locator(".history")).to_contain_text("undo not a quotation")
    assert csp_violations == []


def test_an_error_appears_at_the_form_with_the_focus_on_it(live_server, page: Page, screenshot):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=3)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in_as_journalist(live_server, page, then=f"/statements/{statement.pk}/")
    rendering = page.locator(".rendering").last
    rendering.get_by_text("Label or correct this rendering").click()
    rendering.get_by_label("Move to statement number").fill("99999")
    rendering.get_by_role("button", name="Move").click()
    error = page.get_by_role("alert")
    expect(error).to_contain_text("No statement '99999'")
    expect(error).to_be_focused()
    button = page.locator(".rendering").last.get_by_role("button", name="Move").bounding_box()
    shown = error.bounding_box()
    assert button and shown and abs(button["y"] - shown["y"]) < 200  # beside the action, not a page away
    screenshot("journalist-error-at-the-form")


def test_known_speakers_are_offered_as_a_journalist_types(
    live_server, page: Page, csp_violations, screenshot
):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    make_statement_with_renderings(
        speaker_name="Alan Turing", text="Machines can think, he wrote.", outlets=1
    )
    log_in_as_journalist(live_server, page, then=f"/statements/{statement.pk}/")
    rendering = page.locator(".rendering").first
    rendering.get_by_text("Label or correct this rendering").click()
    rendering.get_by_label("Speaker", exact=True).fill("Turi")
    expect(rendering.locator("datalist option")).to_have_attribute("value", "Alan Turing")
    rendering.get_by_label("Speaker", exact=True).fill("Alan Turing")
    rendering.get_by_role("button", name="Change speaker").click()
    expect(page.locator(".statement-head h1")).to_contain_text("Alan Turing")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/speakers/{Quote.objects.get(statement=statement).speaker_id}/")
    expect(page.get_by_label("Merge another speaker into Alan Turing")).to_be_visible()
    screenshot("journalist-speaker-page-390")
    assert csp_violations == []


def test_a_journalist_finds_previews_and_merges_a_statement(
    live_server, page: Page, csp_violations, screenshot
):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    other = make_statement_with_renderings(
        speaker_name="Alan Turing", text="Machines can think, he wrote.", outlets=1
    )
    log_in_as_journalist(live_server, page, then=f"/statements/{statement.pk}/")
    page.get_by_label("Find a statement to merge into this one").fill("machines")
    page.get_by_role("button", name="Preview the merge").click()
    expect(page.locator("#merge-preview")).to_contain_text("The speakers differ")
    screenshot("journalist-merge-preview")
    page.get_by_role("button", name="Merge anyway").click()
    expect(page.locator(".card")).to_have_count(2)
    expect(page.locator(".history")).to_contain_text(f"see statement {other.pk}")
    assert csp_violations == []
