"""Links: web pages fetched from a real local server by `manage.py ingest URL` and by the upload page."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article, IngestJob, Quote
from tests.web import Reply, page

pytestmark = pytest.mark.django_db

STORY = (
    "Dock workers returned to the quays of Port Ellis on Tuesday after a four-week strike.",
    "“The agreement is fair to every crew on the harbour,” said union leader Marta Kowal.",
    "The port authority said ships would be unloaded again by the end of the week.",
)


def ingest(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}\n")
    return out.getvalue(), err.getvalue()


def test_a_link_is_fetched_and_stored_as_an_article_named_by_its_address(web):
    web.routes["/2024/strike"] = Reply(page("Harbour strike ends", *STORY))
    web.routes["/short"] = Reply(status=301, headers={"Location": "/2024/strike"})
    out, err = ingest(web.url("/short"))
    assert "1 created" in out and not err
    article = Article.objects.get()
    assert (article.source_name, article.url) == (web.url("/short"), web.url("/2024/strike"))
    assert (article.title, article.outlet.name, str(article.published)) == (
        "Harbour strike ends",
        "Harbour Gazette",
        "2024-03-05",
    )
    quote = Quote.objects.get()
    assert (
        quote.text == "The agreement is fair to every crew on the harbour,"
        and quote.speaker.name == "Marta Kowal"
    )
    assert web.requests[0][1]["User-Agent"].startswith("Verbatim/")


def test_the_same_link_with_changed_text_updates_its_article(web):
    web.routes["/strike"] = Reply(page("Harbour strike ends", *STORY))
    ingest(web.url("/strike"))
    web.routes["/strike"] = Reply(page("Harbour strike ends", *STORY, "Shipping lines welcomed the news."))
    out, _ = ingest(web.url("/strike"))
    assert "1 updated" in out
    assert Article.objects.count() == 1 and "Shipping lines welcomed" in Article.objects.get().body
    out, _ = ingest(web.url("/strike"))
    assert "1 unchanged" in out


def test_every_bad_link_is_named_and_nothing_stored_is_lost(web, settings):
    web.routes["/good"] = Reply(page("Harbour strike ends", *STORY))
    web.routes["/paper.pdf"] = Reply(b"%PDF-1.7\n...", content_type="application/pdf")
    huge = b"<html><body><p>" + b"word " * (10 * 1024 * 1024) + b"</p></body></html>"  # 50 MB
    web.routes["/huge"] = Reply(huge)
    web.routes["/loop"] = Reply(status=302, headers={"Location": "/loop2"})
    web.routes["/loop2"] = Reply(status=302, headers={"Location": "/loop"})
    web.routes["/empty"] = Reply(b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    ingest(web.url("/good"))
    out, err = ingest(
        web.url("/gone"),
        web.url("/paper.pdf"),
        web.url("/huge"),
        web.url("/loop"),
        web.url("/empty"),
        "http://no-such-host.invalid/story",
        "http://127.0.0.1.nip.invalid/",
        web.url("/good"),
    )
    lines = err.splitlines()
    assert lines[:7] == [
        f"{web.url('/gone')}: the server answered 404 Not Found for {web.url('/gone')}",
        f"{web.url('/paper.pdf')}: not a web page: the server sent application/pdf",
        f"{web.url('/huge')}: the page is too large: {len(huge):,} bytes (limit 5,242,880)",
        f"{web.url('/loop')}: redirect loop: {web.url('/loop')} was reached twice",
        f"{web.url('/empty')}: no article text found in the page",
        lines[5],
        lines[6],
    ]
    assert lines[5].startswith("http://no-such-host.invalid/story: cannot find the host no-such-host.invalid")
    assert lines[-1] == "CommandError: 7 source(s) failed"
    assert "1 unchanged" in out and Article.objects.count() == 1


def test_a_link_to_a_private_address_is_refused_by_default(web, settings):
    web.routes["/good"] = Reply(page("Harbour strike ends", *STORY))
    settings.FETCH_ALLOWED_NETWORKS = []
    _, err = ingest(web.url("/good"))
    assert err.splitlines()[0] == (
        f"{web.url('/good')}: 127.0.0.1 is a private, loopback or reserved address (127.0.0.1): not fetched"
    )
    assert not web.requests and not Article.objects.exists()


def test_links_and_files_mix_in_one_command(web, tmp_path):
    web.routes["/strike"] = Reply(page("Harbour strike ends", *STORY))
    (tmp_path / "council.txt").write_text(
        "Council approves budget\n\n“We kept every library open,” said mayor Ines Duarte on Monday.\n"
    )
    out, err = ingest(str(tmp_path / "council.txt"), web.url("/strike"))
    assert "2 created" in out and not err


# --- the upload page --------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    user = User.objects.create_user("ada", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name="admin"))
    client.force_login(user)
    return client


def test_links_given_on_the_upload_page_are_fetched_by_the_job(admin_client, web):
    web.routes["/strike"] = Reply(page("Harbour strike ends", *STORY))
    links = f"{web.url('/strike')}\n\n  {web.url('/gone')}  \n{web.url('/strike')}\n"
    response = admin_client.post(reverse("upload"), {"links": links})
    job = IngestJob.objects.get()
    assert response.status_code == 302
    rows = list(job.files.order_by("position").values_list("name", "kind", "status", "error"))
    assert [row[:3] for row in rows] == [
        (web.url("/strike"), "link", "done"),
        (web.url("/gone"), "link", "failed"),
    ]
    job.refresh_from_db()
    assert (job.status, job.articles_created, job.sources_failed) == ("failed", 1, 1)
    html = admin_client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert f"the server answered 404 Not Found for {web.url('/gone')}" in html
    assert Article.objects.get().source_name == web.url(
        "/strike"
    )  # no "upload N:" prefix: a link is its name


def test_every_line_of_the_links_box_that_is_no_address_is_named(admin_client):
    response = admin_client.post(
        reverse("upload"), {"links": "https://example.org/a\nexample dot org\nftp://example.org/b\n"}
    )
    assert response.status_code == 200 and not IngestJob.objects.exists()
    assert response.context["form"].errors["links"] == [
        "Line 2 (example dot org) is not an http or https address; "
        "line 3 (ftp://example.org/b) is not an http or https address."
    ]


def test_a_page_is_read_in_the_charset_its_server_declares(web):
    body = (
        "<html><body><article><h1>Café reopens</h1><p>“Our crêpes are back,” said owner Zoë Martin on Monday.</p>"
        "<p>The café had been closed for a month after the flood damaged its kitchen.</p></article></body></html>"
    )
    web.routes["/cafe"] = Reply(body.encode("cp1252"), content_type="text/html; charset=windows-1252")
    out, err = ingest(web.url("/cafe"))
    assert "1 created" in out and "not UTF-8" not in err
    assert "“Our crêpes are back,” said owner Zoë Martin" in Article.objects.get().body
