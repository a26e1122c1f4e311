import datetime
import json
from pathlib import Path

import pytest

from articles.nlp.text import prepare_text
from articles.sources import read_paths

STORY = (
    "The council approved new flood defences on Monday after a long debate.\n\n"
    "“We cannot wait for the next flood,” councillor Mary Jones said.\n\n"
    "Work on the river banks will start in the spring."
)


def paragraphs(result):
    return result.body[result.title_end :].strip("\n").split("\n\n")


def test_body_is_title_blank_line_then_paragraphs_kept_exactly():
    text = "  First\u00a0paragraph with “curly” quotes.  \r\n\r\n\r\nSecond line one\r\nline two.\n"
    result = prepare_text(title=" Flood plan ", text=text)
    assert result.title == "Flood plan"
    assert (
        result.body == "Flood plan\n\nFirst\u00a0paragraph with “curly” quotes.\n\nSecond line one\nline two."
    )
    assert result.body[: result.title_end] == "Flood plan"
    assert (result.outlet, result.published, result.removed) == (None, None, ())


def test_without_a_title_the_body_starts_with_the_first_paragraph():
    result = prepare_text(title=None, text=STORY)
    assert (result.title, result.title_end) == ("", 0)
    assert result.body == STORY


def test_a_paragraph_repeating_the_title_is_dropped():
    result = prepare_text(title="Flood plan approved", text="Flood  plan approved\n\n" + STORY)
    assert paragraphs(result)[0].startswith("The council approved")
    assert result.removed == ("Flood  plan approved",)


def test_a_site_slogan_given_as_title_gives_way_to_the_headline_below_it():
    text = "Council approves flood defences for the river\n\n" + STORY
    result = prepare_text(title="Your Trusted Source Every Single Day", text=text)
    assert result.title == "Council approves flood defences for the river"
    assert result.removed == ("Your Trusted Source Every Single Day",)
    assert paragraphs(result)[0].startswith("The council approved")


def test_a_real_title_is_not_swapped_for_a_deck():
    text = "Mayor says the vote came just in time\n\n" + STORY
    result = prepare_text(title="Council approves flood defences", text=text)
    assert result.title == "Council approves flood defences"


@pytest.mark.parametrize(
    "debris",
    [
        "Advertisement",
        "- Advertisement -",
        "ADVERTISEMENT",
        "Advertisement'; }",
        "Story continues below advertisement",
        "googletag.cmd.push(function() { googletag.display('div-gpt-ad-1'); });",
        "Share this article",
        "Share on Facebook Share on Twitter Email",
        "Facebook Twitter WhatsApp Telegram",
        "Leave a comment",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "12 Comments",
        "This site uses cookies to give you the best experience. By browsing you accept our Privacy Policy.",
        "Sign up for our morning newsletter and get the news in your inbox.",
        "Subscribe to our newsletter",
        "Follow us on Twitter and Facebook",
        "Read more in our WhatsApp channel",
        "READ MORE: Storm floods coastal villages",
    ],
)
def test_page_debris_is_removed(debris):
    text = STORY.replace("\n\n“We", f"\n\n{debris}\n\n“We")
    result = prepare_text(title="Flood plan", text=text)
    assert result.removed == (debris,)
    assert paragraphs(result) == STORY.split("\n\n")


def test_a_teaser_around_a_read_more_marker_is_removed_on_both_sides():
    text = STORY.replace(
        "\n\n“We", "\n\nStorm hits coast again\n\nRead more\n\nStorm hits coast again\n\n“We"
    )
    result = prepare_text(title="Flood plan", text=text)
    assert result.removed == ("Storm hits coast again", "Read more", "Storm hits coast again")
    assert paragraphs(result) == STORY.split("\n\n")


def test_see_also_lists_with_dates_and_question_headlines_are_removed():
    tail = (
        "\n\nSee also:\n\nMayor: ‘We Will Rebuild’ the Old Bridge (Sept. 8, 2022)\n\n"
        "Will the river flood again?\n\nRelated posts"
    )
    result = prepare_text(title="Flood plan", text=STORY + tail)
    assert paragraphs(result) == STORY.split("\n\n")
    assert len(result.removed) == 4


def test_a_run_of_headline_lines_after_the_story_is_removed():
    teasers = [
        "Bridge reopens after repairs",
        "School wins national prize",
        "New mayor sworn in at city hall",
    ]
    result = prepare_text(title="Flood plan", text=STORY + "\n\n" + "\n\n".join(teasers))
    assert result.removed == tuple(teasers)


def test_short_real_paragraphs_and_a_single_subheading_stay():
    text = (
        "The council approved new flood defences on Monday.\n\n"
        "“No,” she said.\n\n"
        "What happens next\n\n"
        "“Why not?”\n\n"
        "Work starts in spring.\n\n"
        "Photo: Workers on the river bank, March 3, 2024."
    )
    result = prepare_text(title="Flood plan", text=text)
    assert result.removed == ()


def test_list_items_ending_with_semicolons_stay():
    text = STORY + "\n\nThe plan includes:\n\n- higher banks;\n\n- new pumps;\n\n- a warning system"
    assert prepare_text(title="Flood plan", text=text).removed == ()


def test_a_quoted_question_next_to_a_marker_is_kept():
    text = STORY + "\n\n“Why did it take so long?”\n\nRelated"
    result = prepare_text(title="Flood plan", text=text)
    assert result.removed == ("Related",)


def test_a_story_mentioning_cookies_or_advertising_is_kept():
    text = (
        "The bakery sold 10,000 cookies on Saturday, its owner said.\n\n"
        "Advertising revenue at the newspaper fell 12% last year, the company said."
    )
    assert prepare_text(title="Bakery", text=text).removed == ()


@pytest.mark.parametrize(
    ("first", "outlet", "published"),
    [
        (
            "RT, December 25, 2022 — The ties are strong, the minister said.",
            "RT",
            datetime.date(2022, 12, 25),
        ),
        ("WASHINGTON (Reuters) — The ties are strong, the minister said.", "Reuters", None),
        ("MOSCOW, Dec 25 (AP) - The ties are strong, the minister said.", "AP", None),
        ("LONDON, March 3, 2024 — The ties are strong, the minister said.", None, datetime.date(2024, 3, 3)),
        ("Moscow ( – The ties are strong, the minister said.", None, None),
        ("9:58 23.02.2023 •", None, datetime.date(2023, 2, 23)),
        ("Published: 12 March 2024", None, datetime.date(2024, 3, 12)),
        ("By Jane Doe | AP | Jan 3, 2024", "AP", datetime.date(2024, 1, 3)),
        ("2024-03-12 10:45", None, datetime.date(2024, 3, 12)),
        ("Posted on 2024-03-12T10:45:00Z by admin", None, datetime.date(2024, 3, 12)),
        ("03/04/2024", None, None),
        ("25/12/2022", None, datetime.date(2022, 12, 25)),
        ("31.02.2023 •", None, None),
    ],
)
def test_outlet_and_date_come_from_header_shapes(first, outlet, published):
    result = prepare_text(title="Ties", text=f"{first}\n\n{STORY}")
    assert (result.outlet, result.published) == (outlet, published)


def test_a_header_line_is_removed_but_a_dateline_paragraph_is_kept():
    result = prepare_text(
        title="Ties", text=f"9:58 23.02.2023 •\n\nRT, December 25, 2022 — Ties grew.\n\n{STORY}"
    )
    assert result.removed == ("9:58 23.02.2023 •",)
    assert paragraphs(result)[0] == "RT, December 25, 2022 — Ties grew."


def test_dates_in_the_story_or_a_photo_caption_are_not_the_publication_date():
    text = (
        "Illustration photo – The minister at the Munich Security Conference, February 18, 2023.\n\n"
        "Moscow – On February 22, 2023 the minister met his counterpart.\n\n"
        "The talks, held on 2023-02-22, lasted three hours."
    )
    result = prepare_text(title="Talks", text=text)
    assert (result.outlet, result.published) == (None, None)


def test_a_published_label_further_down_counts_and_beats_updated():
    text = STORY + "\n\nUpdated: March 14, 2024 | Published: March 12, 2024"
    result = prepare_text(title="Flood plan", text=text)
    assert result.published == datetime.date(2024, 3, 12)
    assert paragraphs(result) == STORY.split("\n\n")


def test_no_header_means_no_guess():
    result = prepare_text(title="Flood plan", text=STORY)
    assert (result.outlet, result.published) == (None, None)


SEEDS = {
    "000_b963d35d37b4f98e.txt": ("RT", datetime.date(2022, 12, 25)),
    "001_227b2405f0c5c29e.txt": (None, datetime.date(2023, 2, 23)),
    "002_9966eecab13d3be7.txt": (None, None),
    "003_bbd98aaf2d756552.txt": (None, None),
    "004_e474bb9dcb4c5a3e.txt": (None, None),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_articles_keep_every_gold_quote_and_read_only_stated_metadata(name):
    root = Path(__file__).resolve().parents[2]
    gold = json.loads((root / "tests/data/seeds/gold.json").read_text(encoding="utf-8"))
    (source,) = read_paths([root / "demo/articles" / name])
    result = prepare_text(title=source.title, text=source.text)
    assert (result.outlet, result.published) == SEEDS[name]
    for quote in gold["quotes"]:
        if quote["file"] == name:
            assert quote["text"] in result.body
    for excluded in gold["excluded"]:
        if excluded["file"] == name and "teaser" in excluded["why"]:
            assert excluded["text"] not in result.body


def test_control_characters_are_not_kept():
    prepared = prepare_text(title="A\x00 title", text="He said\x00 “yes”\x07 today.\r\n\r\nMore\x1b text.")
    assert "\x00" not in prepared.body and "\x07" not in prepared.body and "\x1b" not in prepared.body
    assert prepared.title == "A title" and "He said “yes” today." in prepared.body
