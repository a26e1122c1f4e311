"""Article text carrying markup is shown as text on every page, in a real browser under the strict CSP.

The article, its title, outlet and quote contain a <script>, event handlers and javascript: links. Each page
must show them as characters: no script of theirs runs, no element of theirs exists, and the browser reports
no Content Security Policy violation (a blocked inline script would be one: it must not even be attempted).
"""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from articles.ingest import ingest_sources
from articles.models import Article, IngestJob, IngestJobFile, Quote
from articles.sources import Source

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = 'Minister <img src=x onerror="window.__xss=1"> speaks'
SCRIPT = "<script>window.__xss=2</script>"
TEXT = (
    "The minister, Ana Silva, said on Monday in Lisbon: "
    f'“We will {SCRIPT} open <a href="javascript:window.__xss=3">the port</a> '
    '<b onmouseover="window.__xss=4">today</b> and not one day later.”\n\n'
    'Critics said the plan <iframe src="javascript:window.__xss=5"></iframe> came too late.'
)
OUTLET = "<svg onload=window.__xss=6>Gazette"


@pytest.fixture
def hostile():
    source = Source(source_name="hostile.txt", title=TITLE, text=TEXT, outlet=OUTLET)
    # A second outlet quoting the same words: the statement list shows statements reported more than once.
    rewrite = Source(
        source_name="rewrite.txt",
        title="Port to open",
        text="Reuters reported: " + TEXT,
        outlet="Other Times",
    )
    outcomes = list(ingest_sources(sources=[source, rewrite]))
    assert [o.status for o in outcomes] == ["created", "created"], outcomes
    article = Article.objects.get(source_name="hostile.txt")
    quote = Quote.objects.filter(article=article, statement__isnull=False, text__contains=SCRIPT).first()
    assert quote is not None and SCRIPT in quote.text
    job = IngestJob.objects.create(status="succeeded", files_total=1, files_done=1)
    IngestJobFile.objects.create(
        job=job,
        position=1,
        name='<img src=x onerror="window.__xss=7">.txt',
        stored_as="jobs/x/001.txt",
        status="done",
        outcomes=[{"status": "created", "source_name": "hostile.txt", "message": SCRIPT, "line": None,
                   "article_id": article.pk, "quotes": 1, "statements": [quote.statement_id]}],
    )  # fmt: skip
    return {"article": article, "quote": quote, "job": job}


def log_in_as_admin(page: Page, live_server) -> None:
    admin = User.objects.create_user("ada", password="correct horse battery staple")
    admin.groups.add(Group.objects.get(name="admin"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Upload", exact=True)).to_be_visible()


def test_markup_in_articles_is_shown_as_text_on_every_page(live_server, page: Page, hostile, csp_violations):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in_as_admin(page, live_server)  # admins see every page, the upload job's too
    article, quote, job = hostile["article"], hostile["quote"], hostile["job"]
    pages = {
        "statements": "/",
        "search": "/?q=__xss%3D2",  # searching for the markup itself
        "statement": f"/statements/{quote.statement_id}/",
        "article": f"/articles/{article.pk}/",
        "speaker": f"/speakers/{quote.speaker_id}/" if quote.speaker_id else None,
        "outlet": f"/outlets/{article.outlet_id}/",
        "job": f"/upload/jobs/{job.pk}/",
    }
    shown = {
        "statements": SCRIPT,
        "search": SCRIPT,
        "statement": SCRIPT,
        "article": SCRIPT,
        "speaker": SCRIPT,
        "outlet": "<svg onload",
        "job": "onerror",
    }
    for name, path in pages.items():
        if path is None:
            continue
        page.goto(live_server.url + path)
        body = page.locator("body")
        expect(body, f"the {name} page shows the markup as text").to_contain_text(
            shown[name]
        )  # the markup is there, as characters
        for selector in ["script:text('__xss')", "img[onerror]", "svg[onload]", "b[onmouseover]", "iframe",
                         "a[href^='javascript:']", "[onmouseover]", "[onerror]", "[onload]"]:  # fmt: skip
            expect(page.locator(selector)).to_have_count(0)
        assert page.evaluate("window.__xss === undefined"), name
    assert dialogs == []
    assert csp_violations == []
