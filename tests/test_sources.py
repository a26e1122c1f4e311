import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest

from articles.sources import Limits, Source, SourceError, read_bytes, read_pasted, read_paths, web_address

DATA = Path(__file__).parent / "data" / "sources"
STORY = "Harbour strike ends\n\nDock workers returned on Tuesday.\n\n“It is fair,” Baker said.\n"


def only(results):
    results = list(results)
    assert len(results) == 1, results
    return results[0]


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- plain text -------------------------------------------------------------------------------------------


def test_a_txt_file_gives_the_headline_as_title_and_the_rest_as_text(tmp_path):
    (tmp_path / "000_x.txt").write_text("\n\n" + STORY, encoding="utf-8")
    source = only(read_paths([tmp_path / "000_x.txt"]))
    assert source == Source(
        source_name="000_x.txt",
        title="Harbour strike ends",
        text="Dock workers returned on Tuesday.\n\n“It is fair,” Baker said.",
    )


def test_windows_line_endings_and_a_bom_are_normalised(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf" + STORY.replace("\n", "\r\n").encode())
    source = only(read_paths([tmp_path / "a.txt"]))
    assert source.title == "Harbour strike ends"
    assert "\r" not in source.text and source.warnings == ()


def test_non_breaking_spaces_are_kept(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nTom\u00a0Baker said it.")
    assert only(read_paths([tmp_path / "a.txt"])).text == "Tom\u00a0Baker said it."


def test_cp1252_text_is_decoded_with_a_warning(tmp_path):
    (tmp_path / "old.txt").write_bytes("Café talks\n\n“Fine,” he said – twice.".encode("cp1252"))
    source = only(read_paths([tmp_path / "old.txt"]))
    assert source.title == "Café talks"
    assert source.text == "“Fine,” he said – twice."
    assert source.warnings == ("not UTF-8: decoded as cp1252",)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, encoding):
    (tmp_path / "wide.txt").write_bytes(STORY.encode(encoding))
    source = only(read_paths([tmp_path / "wide.txt"]))
    assert source.title == "Harbour strike ends" and source.warnings == ()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "binary file (PNG image)"),
        (b"\xff\xd8\xff\xe0JFIF", "binary file (JPEG image)"),
        (b"%PDF-1.7\n...", "binary file (PDF document)"),
        (zip_bytes({"a.txt": b"x"}), "binary file (zip archive; name it .zip to read it)"),
        (b"Title\n\nText\x00\x01 with a NUL", "binary file (contains NUL bytes)"),
        (b"", "empty file"),
        (b" \n\t\r\n ", "file contains only whitespace"),
        (b"Only a headline\n\n", "only a headline, no article text"),
    ],
)
def test_unreadable_text_files_are_errors(data, reason):
    assert only(read_bytes("x.txt", data)) == SourceError("x.txt", reason)


def test_a_file_over_the_size_limit_is_refused_with_the_figures(tmp_path):
    (tmp_path / "big.txt").write_text("T\n\n" + "a" * 2000)
    error = only(read_paths([tmp_path / "big.txt"], limits=Limits(max_file_bytes=1000)))
    assert error == SourceError("big.txt", "file too large: 2,003 bytes (limit 1,000)")


def test_an_unknown_extension_names_it_and_the_accepted_ones():
    error = only(read_bytes("report.docx", b"text"))
    assert isinstance(error, SourceError)
    assert "'.docx'" in error.reason and ".txt" in error.reason and ".jsonl" in error.reason


def test_a_missing_path_is_an_error_not_an_exception(tmp_path):
    assert isinstance(only(read_paths([tmp_path / "nope.txt"])), SourceError)


# --- directories ------------------------------------------------------------------------------------------


def test_a_directory_is_read_recursively_sorted_skipping_hidden_files(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "b.txt").write_text(STORY)
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "sub" / "x.txt").write_text(STORY)
    (tmp_path / "sub" / "deeper" / "y.txt").write_text(STORY)
    (tmp_path / ".hidden.txt").write_text(STORY)
    (tmp_path / ".git" / "config.txt").write_text(STORY)
    names = [s.source_name for s in read_paths([tmp_path])]
    assert names == ["a.txt", "b.txt", "sub/deeper/y.txt", "sub/x.txt"]


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "c.txt").write_text(STORY)
    results = list(read_paths([tmp_path]))
    assert [type(r) for r in results] == [Source, SourceError, Source]


# --- JSON -------------------------------------------------------------------------------------------------


def test_a_json_object_gives_its_fields():
    data = {
        "title": "Port deal",
        "body": "Workers returned.\r\n\r\nShips sail.",
        "outlet": "Courier",
        "url": "https://courier.example/a",
        "published": "2024-03-12T08:15:00+01:00",
    }
    source = only(read_bytes("one.json", json.dumps(data).encode()))
    assert source == Source(
        source_name="https://courier.example/a",
        title="Port deal",
        text="Workers returned.\n\nShips sail.",
        outlet="Courier",
        url="https://courier.example/a",
        published=datetime.date(2024, 3, 12),
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "http:no-host",
    ],
)
def test_only_http_addresses_are_kept_from_json_and_pages(url):
    source = only(read_bytes("one.json", json.dumps({"text": "Workers returned.", "url": url}).encode()))
    assert source.url is None and source.source_name == "one.json"
    assert any("not an http(s) address" in w for w in source.warnings)
    page = f'<html><head><meta property="og:url" content="{url}"></head><body><p>Workers returned.</p></body></html>'
    assert only(read_bytes("one.html", page.encode())).url is None


def test_web_address_keeps_http_and_https():
    assert web_address(" https://courier.example/a?b=1 ") == "https://courier.example/a?b=1"
    assert web_address("HTTP://courier.example/") == "HTTP://courier.example/"
    assert web_address("") is None and web_address(None) is None


def test_a_json_object_without_name_or_url_is_named_after_the_file():
    assert only(read_bytes("one.json", b'{"text": "Workers returned."}')).source_name == "one.json"


def test_malformed_json_names_the_line():
    error = only(read_bytes("one.json", b'{\n "title": "x",\n "text": "y"\n "outlet": "z"}'))
    assert error == SourceError("one.json", "not valid JSON: Expecting ',' delimiter (line 4)", line=4)


def test_a_json_object_without_text_names_the_missing_field():
    error = only(read_bytes("one.json", b'{"title": "x", "source_name": "mine"}'))
    assert error == SourceError("mine", "missing field 'text' (or 'body')")


def test_a_bad_published_value_is_named():
    error = only(read_bytes("one.json", b'{"text": "x", "published": "12/03/2024"}'))
    assert isinstance(error, SourceError) and "'12/03/2024'" in error.reason


def test_jsonl_yields_good_lines_and_an_error_for_the_bad_one():
    lines = [
        json.dumps({"text": "First story.", "source_name": "first"}),
        "",
        '{"text": "broken",',
        json.dumps({"text": "Third story."}),
        json.dumps(["not", "an", "object"]),
    ]
    results = list(read_bytes("feed.jsonl", "\n".join(lines).encode()))
    assert results[0] == Source(source_name="first", text="First story.", title=None, line=1)
    assert isinstance(results[1], SourceError) and results[1].line == 3
    assert results[1].source_name == "feed.jsonl:3" and "not valid JSON" in results[1].reason
    assert results[2] == Source(source_name="feed.jsonl:4", text="Third story.", title=None, line=4)
    assert results[3] == SourceError("feed.jsonl:5", "expected a JSON object, found an array", line=5)


# --- zip archives -----------------------------------------------------------------------------------------


def test_zip_members_are_named_after_the_archive(tmp_path):
    (tmp_path / "batch.zip").write_bytes(
        zip_bytes({"inner/b.txt": STORY.encode(), "a.json": b'{"text": "x"}', ".DS_Store": b"\x00"})
    )
    names = [s.source_name for s in read_paths([tmp_path / "batch.zip"])]
    assert names == ["batch.zip/a.json", "batch.zip/inner/b.txt"]


def test_zip_slip_members_are_refused_by_name_and_the_rest_is_read():
    data = zip_bytes(
        {"../evil.txt": STORY.encode(), "/etc/evil.txt": STORY.encode(), "ok.txt": STORY.encode()}
    )
    results = list(read_bytes("up.zip", data))
    errors = {r.source_name: r.reason for r in results if isinstance(r, SourceError)}
    assert set(errors) == {"up.zip/../evil.txt", "up.zip//etc/evil.txt"}
    assert all("unsafe path" in reason for reason in errors.values())
    assert [r.source_name for r in results if isinstance(r, Source)] == ["up.zip/ok.txt"]


def test_a_zip_inside_a_zip_is_read_but_a_third_level_is_refused():
    level3 = zip_bytes({"c.txt": STORY.encode()})
    level2 = zip_bytes({"b.txt": STORY.encode(), "deep.zip": level3})
    results = list(read_bytes("outer.zip", zip_bytes({"inner.zip": level2})))
    assert isinstance(results[0], Source) and results[0].source_name == "outer.zip/inner.zip/b.txt"
    assert isinstance(results[1], SourceError) and results[1].source_name == "outer.zip/inner.zip/deep.zip"
    assert "nested too deep" in results[1].reason


def test_a_zip_bomb_is_refused_from_its_headers():
    bomb = zip_bytes({"bomb.txt": b"a" * 200_000})
    error = only(read_bytes("bomb.zip", bomb, limits=Limits(max_archive_bytes=100_000)))
    assert error == SourceError(
        "bomb.zip", "archive too large when uncompressed: 200,000 bytes (limit 100,000)"
    )


def test_a_zip_bomb_with_lying_headers_is_stopped_while_reading():
    bomb = bytearray(zip_bytes({"a.txt": b"T\n\n" + b"a" * 50_000, "b.txt": b"T\n\n" + b"b" * 200_000}))
    with zipfile.ZipFile(io.BytesIO(bytes(bomb))) as archive:
        local = archive.getinfo("b.txt").header_offset
    central = bomb.index(b"b.txt", bomb.index(b"PK\x01\x02")) - 46
    # b.txt claims 10 bytes in both headers; its inflated stream is still 200 kB.
    bomb[central + 24 : central + 28] = (10).to_bytes(4, "little")
    bomb[local + 22 : local + 26] = (10).to_bytes(4, "little")
    results = list(read_bytes("liar.zip", bytes(bomb), limits=Limits(max_archive_bytes=100_000)))
    assert isinstance(results[0], Source) and results[0].source_name == "liar.zip/a.txt"
    assert isinstance(results[1], SourceError) and results[1].source_name == "liar.zip/b.txt"
    assert len(results) == 2


def test_bytes_are_counted_across_nested_archives():
    inner = zip_bytes({"a.txt": b"T\n\n" + b"a" * 60_000})
    # Each inner archive is small compressed and honest, but together they inflate past the limit.
    outer = zip_bytes({"1.zip": inner, "2.zip": inner})
    results = list(read_bytes("outer.zip", outer, limits=Limits(max_archive_bytes=100_000)))
    assert isinstance(results[0], Source) and results[0].source_name == "outer.zip/1.zip/a.txt"
    assert isinstance(results[1], SourceError) and results[1].source_name == "outer.zip/2.zip"
    assert "too large when uncompressed" in results[1].reason


def test_too_many_members_are_refused():
    data = zip_bytes({f"{n}.txt": STORY.encode() for n in range(5)})
    error = only(read_bytes("many.zip", data, limits=Limits(max_archive_members=4)))
    assert error == SourceError("many.zip", "too many files in archive: 5 (limit 4)")


def test_a_corrupt_zip_is_an_error():
    assert only(read_bytes("bad.zip", b"PK\x03\x04 not really")).reason.startswith("not a valid zip archive")


# --- HTML -------------------------------------------------------------------------------------------------


def test_an_html_page_gives_title_metadata_and_only_the_article_paragraphs():
    source = only(read_paths([DATA / "wire_story.html"]))
    assert source.title == "Harbour strike ends after pay deal"
    assert (source.outlet, source.url) == (
        "The Coastal Courier",
        "https://courier.example/news/harbour-strike-ends",
    )
    assert source.published == datetime.date(2024, 3, 12)
    assert source.text.split("\n\n") == [
        "Dock workers at the port returned to work on Tuesday after union leaders accepted a 6% pay rise, "
        "ending a strike that had lasted nine days.",
        "“This is a fair deal and our members can hold their heads high,” said union secretary Tom Baker.",
        "The port authority said shipping would be back to normal by the weekend.",
        "Ferries ran as usual.",  # a line break inside a paragraph separates paragraphs
        "What happens next",
        "“We will review the schedule,” a spokesperson said.",
        "Talks on working hours resume next month.",
    ]


def test_an_article_inside_a_page_wide_wrapper_named_for_its_sidebar_is_read():
    source = only(read_paths([DATA / "wrapped_in_sidebar_layout.html"]))
    assert (source.title, source.outlet) == ("Ferry timetable cut for winter", "Island Herald")
    paragraphs = source.text.split("\n\n")
    assert paragraphs[0].startswith("The ferry company will run two crossings a day instead of five")
    assert (
        paragraphs[-1] == "The council has asked the company to publish its recruitment figures every month."
    )
    assert len(paragraphs) == 4
    for debris in ("Most read", "Lifeboat", "Weather", "All rights reserved"):
        assert debris not in source.text


def test_a_body_written_in_spans_and_line_breaks_is_read_rather_than_the_list_of_headlines_beside_it():
    source = only(read_paths([DATA / "body_in_line_breaks.html"]))
    assert source.title == "Mill reopens as museum"
    paragraphs = source.text.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("The old wool mill on the river opened its doors as a museum on Saturday")
    assert "“My grandmother worked on these machines for forty years,” said volunteer guide Peter Lamb." in (
        source.text
    )
    assert "Latest" not in source.text and "Bus routes" not in source.text


def test_captions_and_the_byline_are_not_article_text():
    source = only(read_paths([DATA / "captions_and_byline.html"]))
    assert source.text.split("\n\n") == [
        "The town bridge was closed to traffic on Wednesday after engineers found a crack in one of its "
        "supports.",
        "“Safety has to come first, even if it means a long detour for a while,” said highways manager "
        "Carla Reyes.",
        "Buses will be diverted through the industrial estate, adding about fifteen minutes to each journey.",
        "Engineers expect to know by the end of the month how long the repairs will take.",
    ]


def dated_page(head: str) -> bytes:
    story = "<p>The council voted on the harbour plan on Friday night after a long debate.</p>" * 3
    body = f"<article><h1>Harbour vote</h1>{story}</article>"
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_a_timestamp_with_an_offset_gives_the_date_as_the_publisher_wrote_it():
    page = dated_page('<meta property="article:published_time" content="2024-03-01T23:30:00-05:00">')
    assert only(read_bytes("vote.html", page)).published == datetime.date(2024, 3, 1)


def test_a_timestamp_in_utc_gives_way_to_the_local_date_in_the_pages_address():
    page = dated_page(
        '<meta property="article:published_time" content="2024-03-02T04:30:00Z">'
        '<meta property="og:url" content="https://courier.example/2024/03/01/harbour-vote">'
    )
    assert only(read_bytes("vote.html", page)).published == datetime.date(2024, 3, 1)


def test_json_ld_gives_the_publication_date_and_the_publisher():
    linked = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Harbour vote",
        "datePublished": "2024-03-01T23:30:00-05:00",
        "dateModified": "2024-03-04T09:00:00-05:00",
        "publisher": {"@type": "Organization", "name": "The Coastal Courier"},
    }
    page = dated_page(f'<script type="application/ld+json">{json.dumps(linked)}</script>')
    source = only(read_bytes("vote.html", page))
    assert (source.published, source.outlet) == (datetime.date(2024, 3, 1), "The Coastal Courier")


def test_a_page_without_article_markup_gives_its_paragraphs_and_its_title_without_the_site_name():
    page = """<html><head><title>Flood defences approved - Valley Post</title></head><body>
    <div id="top"><a href="/">Home</a> <a href="/x">Weather</a></div>
    <div class="col">
      <p>The council approved new flood defences for the river on Monday night after a long debate.</p>
      <p>&ldquo;We cannot wait for the next flood,&rdquo; councillor Mary Jones said.</p>
      <p>Work starts in the spring.</p>
    </div>
    <script>var x = "<p>not text</p>";</script>
    </body></html>"""
    source = only(read_bytes("flood.htm", page.encode("utf-8")))
    assert source.title == "Flood defences approved"
    assert source.text.split("\n\n") == [
        "The council approved new flood defences for the river on Monday night after a long debate.",
        "“We cannot wait for the next flood,” councillor Mary Jones said.",
        "Work starts in the spring.",
    ]


def test_an_h1_is_the_title_when_there_is_no_og_title_and_a_declared_charset_is_used():
    page = '<html><head><meta charset="windows-1252"></head><body><h1>Caf\xe9 closes</h1><p>It shut.</p></body></html>'
    source = only(read_bytes("cafe.html", page.encode("cp1252")))
    assert (source.title, source.text) == ("Café closes", "It shut.")
    assert source.warnings == ("not UTF-8: decoded as windows-1252",)


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
        b"<html></html>",
        b"<!-- nothing but a comment -->",
        b"<html><body><script>document.write('hi')</script></body></html>",
    ],
)
def test_a_page_without_text_is_an_error(page):
    error = only(read_bytes("empty.html", page))
    assert error == SourceError("empty.html", "no article text found in the page")


def test_a_page_nested_too_deeply_to_read_is_an_error():
    page = b"<html><body>" + b"<div>" * 100_000 + b"<p>Lost.</p>" + b"</div>" * 100_000 + b"</body></html>"
    error = only(read_bytes("deep.html", page))
    assert error == SourceError("deep.html", "the page's HTML is nested too deeply to read (over 255 levels)")


def test_the_text_before_too_deep_nesting_is_read_with_a_warning():
    story = (
        "<p>The council approved new flood defences for the river on Monday night after a long debate.</p>"
    )
    page = f"<html><body><article>{story * 3}</article>{'<div>' * 300}<p>Lost.</p></body></html>"
    source = only(read_bytes("deep.html", page.encode()))
    assert source.text.startswith("The council approved") and "Lost." not in source.text
    assert source.warnings == ("HTML nested over 255 levels deep: the text after that point was not read",)


def test_a_failure_inside_the_extractor_is_an_error_for_that_page_only(monkeypatch):
    def fail(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("articles.sources.trafilatura.bare_extraction", fail)
    error = only(read_bytes("odd.html", b"<html><body><p>Text.</p></body></html>"))
    assert error == SourceError("odd.html", "cannot read the page's HTML (RecursionError)")


def test_the_extractors_warnings_stay_out_of_the_logs(caplog):
    with caplog.at_level("DEBUG"):
        list(read_bytes("empty.html", b"<html><body></body></html>"))
        list(read_paths([DATA / "wire_story.html"]))
    assert not [r for r in caplog.records if r.name.split(".")[0] in {"trafilatura", "htmldate", "courlan"}]


# --- pasted text ------------------------------------------------------------------------------------------


def test_pasted_text_takes_a_headline_shaped_first_line_as_title():
    source = only(read_pasted("Port deal agreed\r\n\r\nWorkers returned.", name="paste"))
    assert source == Source(source_name="paste", title="Port deal agreed", text="Workers returned.")


def test_pasted_text_starting_with_a_sentence_has_no_title():
    source = only(read_pasted("Workers returned on Tuesday.\nShips sail again."))
    assert source.title is None and source.source_name == "pasted text"
    assert source.text == "Workers returned on Tuesday.\nShips sail again."


def test_pasted_html_is_read_as_a_page():
    source = only(
        read_pasted("<html><body><h1>Deal</h1><p>Workers returned.</p><script>x()</script></body></html>")
    )
    assert (source.title, source.text) == ("Deal", "Workers returned.")


def test_empty_pasted_text_is_an_error():
    assert only(read_pasted("  \n ")) == SourceError("pasted text", "empty text")


def test_a_metadata_file_beside_the_articles_gives_each_its_outlet_date_and_address(tmp_path):
    (tmp_path / "a.txt").write_text("Harbour levy\n\nThe mayor said “the walls will pay for themselves”.\n")
    (tmp_path / "b.txt").write_text("Harbour vote\n\nThe council said “the vote is on Monday”.\n")
    (tmp_path / "metadata.csv").write_text(
        "file,outlet,published,url\n"
        "a.txt,Coastal Gazette,2024-05-02,https://gazette.example/levy\n"
        "b.txt,,last week,\n"
        "c.txt,Nobody,,\n"
    )
    items = list(read_paths([tmp_path]))
    sources = {i.source_name: i for i in items if isinstance(i, Source)}
    errors = [i.reason for i in items if isinstance(i, SourceError)]
    assert sorted(sources) == ["a.txt", "b.txt"]  # the metadata file is no article
    a = sources["a.txt"]
    assert (a.outlet, a.published, a.url) == (
        "Coastal Gazette",
        datetime.date(2024, 5, 2),
        "https://gazette.example/levy",
    )
    assert sources["b.txt"].published is None  # its row is refused, the article still read
    assert errors == [
        "metadata.csv line 3: 'last week' is not a date in YYYY-MM-DD form",
        "metadata.csv line 4: no file 'c.txt' in the folder",
    ]
