"""Primary sources: a transcript's sentences land in the statements outlets rendered (and nowhere else), become
their reference, and every rendering is judged against the actual words."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from articles.ingest import ingest_sources
from articles.models import Article, Quote, Statement
from articles.primary import store_primary, turns
from articles.sources import Source

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 5, 14)

PRESS_CONFERENCE = """Press conference of the finance minister, 14 May 2024

BERG: Good morning, and thank you for coming at such short notice.
Today the government presents its budget for the coming year. We will build twenty new hospitals in the \
northern provinces before the end of the decade. The fuel tax will rise by two cents in January. Pensions \
will not be cut, whatever the markets say. We expect growth of one and a half percent next year.

Q: Minister, will the deficit grow?
BERG: The deficit will shrink for the third year in a row. Nobody should fear for their savings.
Q: And the teachers' strike?
BERG: I will meet the unions on Thursday to discuss their pay. Schools must stay open while we talk.
KOWAL: The central bank sees no reason to change its course after this budget. Inflation is falling faster \
than we expected in March.
"""


def news(name: str, outlet: str, *paragraphs: str, published: datetime.date = DAY) -> Source:
    return Source(name, "\n\n".join(paragraphs), "Budget presented", outlet=outlet, published=published)


def ingest(*sources: Source) -> None:
    assert all(o.status == "created" for o in ingest_sources(sources=sources))


def the_cut_pensions() -> Statement:
    """One outlet renders the minister's "Pensions will not be cut" without its "not"; its statement."""
    ingest(
        news(
            "a.txt",
            "Valley Post",
            "“Pensions will be cut, whatever the markets say,” said minister Anna Berg.",
        )
    )
    return statement_of("Pensions will be cut")


def statement_of(words: str) -> Statement:
    return Quote.objects.exclude(kind="primary").get(text__contains=words).statement


def test_the_turns_of_a_transcript_are_told_apart():
    found = [(t.label, PRESS_CONFERENCE[t.start : t.end].split()[0]) for t in turns(PRESS_CONFERENCE)]
    assert found == [
        (None, "Press"),
        ("BERG", "Good"),
        ("Q", "Minister,"),
        ("BERG", "The"),
        ("Q", "And"),
        ("BERG", "I"),
        ("KOWAL", "The"),
    ]


def test_a_press_conference_lands_in_the_statements_outlets_rendered_and_nowhere_else():
    ingest(
        news(
            "a.txt",
            "Valley Post",
            "The government presented its budget on Tuesday.",
            "“We will build twenty new hospitals in the northern provinces before the end of the decade,” "
            "said Finance Minister Anna Berg.",
        ),
        news(
            "b.txt",
            "Coast News",
            "Finance Minister Anna Berg said the deficit “will shrink for the third year in a row”.",
        ),
    )
    hospitals, deficit = statement_of("twenty new hospitals"), statement_of("will shrink")
    article, joined = store_primary(
        text=PRESS_CONFERENCE,
        speakers=["Anna Berg", "Jan Kowal"],
        published=DAY,
        url="https://gov.example/pc",
    )
    assert joined == {hospitals.pk, deficit.pk}
    for statement in (hospitals, deficit):
        statement.refresh_from_db()
        assert statement.reference.kind == "primary" and statement.reference.article == article
    hospitals.refresh_from_db()
    assert hospitals.reference.text.startswith("We will build twenty new hospitals")
    assert hospitals.reference.speaker.name == "Anna Berg"
    sentences = article.quotes.all()
    assert sentences.filter(statement__isnull=True).count() == sentences.count() - 2  # unquoted: nowhere
    assert not sentences.filter(text__contains="deficit grow").exists()  # the questions are nobody's
    assert Statement.objects.count() == 2

    data = Client().get(reverse("api_statement_detail", args=[hospitals.pk])).json()
    assert data["primary_source"] == {
        "text": hospitals.reference.text,
        "article": article.pk,
        "title": "Press conference of the finance minister, 14 May 2024",
        "url": "https://gov.example/pc",
    }
    assert (
        Client().get(reverse("api_statement_detail", args=[deficit.pk])).json()["primary_source"]["article"]
        == article.pk
    )
    html = Client().get(reverse("statement_detail", args=[hospitals.pk])).content.decode()
    assert '<span class="badge primary">primary source</span> What was actually said' in html
    assert 'href="https://gov.example/pc"' in html


def test_a_rendering_that_negates_or_changes_a_number_of_the_primary_is_proposed_as_meaning_altered(client):
    store_primary(text=PRESS_CONFERENCE, speakers=["Anna Berg"], published=DAY)
    ingest(  # news after the primary source: its statements find their sentences as they are filed
        news(
            "c.txt",
            "Harbour Gazette",
            "“Pensions will be cut, whatever the markets say,” said minister Anna Berg.",
        ),
        news(
            "d.txt",
            "Daily Ledger",
            "“We will build twelve new hospitals in the northern provinces before the end of the decade,” "
            "said Anna Berg, the finance minister.",
        ),
    )
    for words in ("Pensions will be cut", "twelve new hospitals"):
        statement = statement_of(words)
        assert statement.reference.kind == "primary", words
        html = client.get(reverse("statement_detail", args=[statement.pk])).content.decode()
        assert "meaning altered?" in html, words


def test_two_speakers_in_one_transcript_each_get_their_own_sentences():
    article, _ = store_primary(text=PRESS_CONFERENCE, speakers=["Anna Berg", "Jan Kowal"], published=DAY)
    by_speaker = {q.text.split()[0]: q.speaker.name for q in article.quotes.select_related("speaker")}
    assert by_speaker["Inflation"] == "Jan Kowal" and by_speaker["Schools"] == "Anna Berg"
    ingest(
        news(
            "e.txt",
            "Valley Post",
            "“The central bank sees no reason to change its course after this budget,” said governor Jan Kowal.",
        )
    )
    statement = statement_of("central bank sees no reason")
    assert statement.reference.kind == "primary" and statement.reference.speaker.name == "Jan Kowal"


def test_a_sentence_of_another_speaker_or_another_week_is_not_joined():
    ingest(
        news(
            "f.txt",
            "Valley Post",
            "“Schools must stay open while we talk,” said union leader Marta Lind.",  # Berg's words, Lind's mouth
        ),
        news(
            "g.txt",
            "Coast News",
            "“Nobody should fear for their savings,” said Finance Minister Anna Berg.",
            published=DAY + datetime.timedelta(days=60),
        ),
    )
    _, joined = store_primary(text=PRESS_CONFERENCE, speakers=["Anna Berg"], published=DAY)
    assert joined == set()


def test_a_primary_source_needs_a_speaker_or_turns():
    with pytest.raises(ValueError, match="say who speaks"):
        store_primary(text="We will build hospitals in the north.", speakers=[], published=DAY)
    with pytest.raises(ValueError, match="empty"):
        store_primary(text="  \n ", speakers=["Anna Berg"], published=DAY)
    with pytest.raises(ValueError, match="the text is too long: 1,100,000 characters"):
        store_primary(text="We will. " * 122_222 + "ab", speakers=["Anna Berg"], published=DAY)
    assert not Article.objects.exists()


# --- where it is added, and how the lists show it ------------------------------------------------------------


def two_statements_one_with_a_primary_source():
    ingest(
        news(
            "a.txt",
            "Valley Post",
            "“We will build twelve new hospitals in the northern provinces before the end of the decade,” "
            "said Finance Minister Anna Berg.",
        ),
        news(
            "h.txt",
            "Coast News",
            "“The harbour will reopen in June after the repairs,” said mayor Ines Duarte.",
        ),
    )
    store_primary(text=PRESS_CONFERENCE, speakers=["Anna Berg"], published=DAY)
    return statement_of("twelve new hospitals"), statement_of("harbour will reopen")


def test_the_list_filters_statements_with_a_primary_source_and_sorts_by_distance_from_it(client):
    with_primary, without = two_statements_one_with_a_primary_source()
    listed = client.get(reverse("statement_list"), {"primary": "on"}).context["page"].object_list
    assert [s.pk for s in listed] == [with_primary.pk]
    listed = client.get(reverse("statement_list"), {"sort": "primary"}).context["page"].object_list
    assert [s.pk for s in listed] == [with_primary.pk, without.pk]
    html = client.get(reverse("statement_detail", args=[without.pk])).content.decode()
    assert "No primary source yet" in html


def test_a_journalist_adds_a_primary_source_from_a_statement_page(client):
    from tests.factories import make_user

    statement = the_cut_pensions()
    client.force_login(make_user("journalist"))
    html = client.get(reverse("statement_detail", args=[statement.pk])).content.decode()
    add = reverse("add_primary") + f"?statement={statement.pk}"
    assert f'href="{add}"' in html
    form = client.get(add).context["form"]
    assert (form.initial["speakers"], form.initial["published"]) == ("Anna Berg", DAY)
    missing = client.post(add, {"speakers": "Anna Berg", "published": "2024-05-14"})
    assert "Paste the text or give its address." in missing.content.decode()
    response = client.post(
        add, {"text": PRESS_CONFERENCE, "speakers": "Anna Berg", "published": "2024-05-14"}
    )
    assert response.status_code == 302 and response.url == reverse("statement_detail", args=[statement.pk])
    html = client.get(response.url).content.decode()
    assert "now compared with it" in html and "meaning altered?" in html


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_a_linked_primary_source_is_read_by_the_worker_and_its_page_follows_it(client, web, database_tasks):
    from django.core.management import call_command

    from articles.models import PrimarySourceJob
    from tests.factories import make_user
    from tests.web import Reply, page

    statement = the_cut_pensions()
    web.routes["/speech"] = Reply(
        page("Minister's speech", "Pensions will not be cut, whatever the markets say.")
    )
    client.force_login(make_user("journalist"))
    add = reverse("add_primary") + f"?statement={statement.pk}"
    given = {"link": web.url("/speech"), "speakers": "Anna Berg", "published": "2024-05-14"}
    response = client.post(add, given)
    job = PrimarySourceJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("primary_job", args=[job.pk])
    html = client.get(response.url).content.decode()
    assert "Waiting for a worker" in html and 'hx-trigger="every 1s"' in html
    assert not Article.objects.filter(kind=Article.Kind.PRIMARY).exists()  # the web process fetched nothing

    call_command("db_worker", "--batch", "--no-startup-delay")
    html = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html  # done: the page stops asking
    assert "1 statement now compared with it" in html
    assert reverse("statement_detail", args=[statement.pk]) in html
    assert Statement.objects.get(pk=statement.pk).reference.kind == "primary"


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_a_primary_source_the_worker_cannot_read_says_why_and_stores_nothing(client, web, database_tasks):
    from django.core.management import call_command

    from articles.models import PrimarySourceJob
    from tests.factories import make_user

    client.force_login(make_user("journalist"))
    given = {"link": web.url("/gone"), "speakers": "Anna Berg", "published": "2024-05-14"}
    job_page = client.post(reverse("add_primary"), given).url
    call_command("db_worker", "--batch", "--no-startup-delay")
    html = client.get(job_page).content.decode()
    assert "not stored" in html and "Nothing was stored:" in html and "404" in html
    assert not Article.objects.exists()
    job = PrimarySourceJob.objects.get()
    assert job.status == "failed" and job.finished_at is not None
    from articles.primary import run_primary_job

    assert run_primary_job(job.pk) == "not queued"  # a task enqueued twice does the work once


def test_a_primary_source_job_without_a_worker_says_so(client, database_tasks):
    from articles.models import PrimarySourceJob
    from tests.factories import make_user

    client.force_login(make_user("journalist"))
    given = {"text": PRESS_CONFERENCE, "speakers": "Anna Berg", "published": "2024-05-14"}
    job_page = client.post(reverse("add_primary"), given).url
    PrimarySourceJob.objects.update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    )
    html = client.get(job_page).content.decode()
    assert "the worker may have stopped" in html and "add it again" in html


def test_only_journalists_and_admins_add_primary_sources(client):
    from tests.factories import make_user

    assert client.post(reverse("add_primary"), {"text": "x"}).status_code == 403
    client.force_login(make_user(None, username="reader"))
    assert client.get(reverse("add_primary")).status_code == 403


def test_the_command_adds_a_primary_source_from_a_file_or_a_link(tmp_path, web):
    import io

    from django.core.management import CommandError, call_command

    from tests.web import Reply, page

    the_cut_pensions()
    path = tmp_path / "press.txt"
    path.write_text(PRESS_CONFERENCE)
    out = io.StringIO()
    call_command(
        "primary_source", str(path), "--speaker", "Anna Berg", "--published", "2024-05-14", stdout=out
    )
    assert "1 statement(s) now compared with it" in out.getvalue()

    web.routes["/speech"] = Reply(
        page("Minister's speech", "Pensions will not be cut, whatever the markets say.")
    )
    out = io.StringIO()
    call_command(
        "primary_source",
        web.url("/speech"),
        "--speaker",
        "Anna Berg",
        "--published",
        "2024-05-20",
        stdout=out,
    )
    assert "primary source stored" in out.getvalue()
    assert Article.objects.get(url=web.url("/speech")).title == "Minister's speech"
    with pytest.raises(CommandError, match="the server answered 404"):
        call_command(
            "primary_source", web.url("/gone"), "--speaker", "Anna Berg", "--published", "2024-05-20"
        )
    with pytest.raises(CommandError, match="missing.txt: cannot read file"):
        call_command(
            "primary_source", str(tmp_path / "missing.txt"), "--speaker", "X", "--published", "2024-05-20"
        )
