"""Feeds polled from a real local server: new items ingested once, polls recorded, failures alone and retried."""

import datetime
import subprocess
import time

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.feeds import MAX_ATTEMPTS, poll_due_feeds, poll_feed, schedule
from articles.fetching import FetchLimits
from articles.models import Article, Feed, FeedItem, FeedPoll
from tests.test_uploads import ROOT
from tests.web import Reply, page

pytestmark = pytest.mark.django_db

QUOTES = {
    "strike": (
        "Harbour strike ends",
        "“The agreement is fair to every crew,” said union leader Marta Kowal.",
    ),
    "budget": ("Council approves budget", "“We kept every library open,” said mayor Ines Duarte on Monday."),
    "bridge": ("Bridge reopens", "“Traffic will flow again by noon,” said engineer Tomas Berg."),
}


def rss(*slugs: str, base: str) -> bytes:
    items = "".join(
        f"<item><title>{QUOTES[slug][0]}</title><link>{base}/news/{slug}</link><guid>{base}/news/{slug}</guid>"
        "<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate></item>"
        for slug in slugs
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>'
        f"<link>{base}/</link><description>News</description>{items}</channel></rss>"
    ).encode()


def serve(web, *slugs: str, etag: str = "") -> None:
    headers = {"ETag": etag} if etag else {}
    web.routes["/feed.xml"] = Reply(
        rss(*slugs, base=web.base), content_type="application/rss+xml", headers=headers
    )
    for slug in QUOTES:
        web.routes[f"/news/{slug}"] = Reply(page(QUOTES[slug][0], "Reported on Tuesday.", QUOTES[slug][1]))


def later(feed: Feed) -> datetime.datetime:
    """A moment when the feed is due again."""
    feed.refresh_from_db()
    return feed.next_poll_at + datetime.timedelta(seconds=1)


def test_a_poll_ingests_the_feed_items_and_the_next_only_the_new_ones(web):
    serve(web, "strike", "budget")
    feed = Feed.objects.create(url=web.url("/feed.xml"), interval=30)
    poll = poll_feed(feed.pk)
    assert (poll.status, poll.items_seen, poll.items_new, poll.articles_stored, poll.items_failed) == (
        "ok",
        2,
        2,
        2,
        0,
    )
    feed.refresh_from_db()
    assert feed.title == "Harbour Gazette" and feed.failures == 0
    assert feed.next_poll_at == poll.started_at + datetime.timedelta(minutes=30)
    article = Article.objects.get(source_name=web.url("/news/strike"))
    assert (article.outlet.name, str(article.published)) == ("Harbour Gazette", "2024-03-05")

    assert poll_feed(feed.pk) is None  # not due yet: nobody polls it early
    serve(web, "bridge", "strike", "budget")  # the feed gains an item
    poll = poll_feed(feed.pk, now=later(feed))
    assert (poll.items_seen, poll.items_new, poll.articles_stored) == (3, 1, 1)
    assert Article.objects.count() == 3 and FeedItem.objects.filter(status="stored").count() == 3
    fetched = [path for path, _ in web.requests if path.startswith("/news/")]
    assert sorted(fetched) == ["/news/bridge", "/news/budget", "/news/strike"]  # each page fetched once


def test_an_unchanged_feed_costs_one_conditional_request(web):
    serve(web, "strike", etag='"v1"')
    feed = Feed.objects.create(url=web.url("/feed.xml"))
    poll_feed(feed.pk)

    def not_modified(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304, content_type="")
        return Reply(rss("strike", base=web.base), content_type="application/rss+xml")

    web.routes["/feed.xml"] = not_modified
    poll = poll_feed(feed.pk, now=later(feed))
    assert (poll.status, poll.items_seen) == ("not_modified", 0)


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (
            Reply(b"<html><body>Sorry, we moved.</body></html>", content_type="text/html"),
            "not an RSS or Atom feed",
        ),
        (Reply(b"\x00\x01garbage\xff", content_type="application/xml"), "not an RSS or Atom feed"),
        (Reply(status=404), "the server answered 404 Not Found for "),
        (Reply(b"%PDF-1.7", content_type="application/pdf"), "not a feed: the server sent application/pdf"),
    ],
)
def test_a_broken_feed_fails_alone_named_and_is_retried_later_less_often(web, reply, error):
    serve(web, "strike")
    good = Feed.objects.create(url=web.url("/feed.xml"), interval=10)
    web.routes["/broken.xml"] = reply
    broken = Feed.objects.create(url=web.url("/broken.xml"), interval=10)
    now = timezone.now()
    polls = {poll.feed_id: poll for poll in poll_due_feeds(now=now)}
    assert polls[good.pk].status == "ok" and Article.objects.count() == 1
    assert polls[broken.pk].status == "failed" and polls[broken.pk].error.startswith(error)
    broken.refresh_from_db()
    assert (broken.failures, broken.last_error) == (1, polls[broken.pk].error)
    assert broken.next_poll_at == now + datetime.timedelta(minutes=20)  # twice its interval
    poll_feed(broken.pk, now=later(broken))
    broken.refresh_from_db()
    assert broken.failures == 2 and broken.next_poll_at > broken.last_polled_at + datetime.timedelta(
        minutes=39
    )

    web.routes["/broken.xml"] = Reply(rss("budget", base=web.base), content_type="application/rss+xml")
    assert poll_feed(broken.pk, now=later(broken)).status == "ok"
    broken.refresh_from_db()
    assert (broken.failures, broken.last_error) == (0, "")


def test_a_feed_that_does_not_answer_in_time_fails_named(web):
    web.routes["/slow.xml"] = Reply(rss(base=web.base), content_type="application/rss+xml", delay=2)
    feed = Feed.objects.create(url=web.url("/slow.xml"))
    poll = poll_feed(feed.pk, limits=FetchLimits(read_timeout=0.3))
    assert (poll.status, poll.error) == (
        "failed",
        "127.0.0.1 accepted the connection but sent nothing for 0.3 s",
    )


def test_an_item_whose_page_fails_is_tried_again_on_later_polls_then_given_up(web):
    serve(web, "strike")
    web.routes["/news/strike"] = Reply(status=500)
    feed = Feed.objects.create(url=web.url("/feed.xml"))
    poll = poll_feed(feed.pk)
    assert (poll.status, poll.items_new, poll.items_failed, poll.articles_stored) == ("ok", 1, 1, 0)
    item = FeedItem.objects.get()
    assert item.status == "failed" and item.error.startswith("the server answered 500")
    for _ in range(MAX_ATTEMPTS + 1):
        poll_feed(feed.pk, now=later(feed))
    item.refresh_from_db()
    assert item.attempts == MAX_ATTEMPTS and not Article.objects.exists()


def test_a_poll_left_running_by_a_dead_worker_is_closed_by_the_next(web):
    serve(web, "strike")
    feed = Feed.objects.create(url=web.url("/feed.xml"))
    FeedPoll.objects.create(feed=feed)  # "running" forever
    poll_feed(feed.pk)
    assert list(feed.polls.order_by("pk").values_list("status", "error")) == [
        ("failed", "The worker stopped during this poll."),
        ("ok", ""),
    ]


def test_a_paused_feed_is_not_polled(web):
    serve(web, "strike")
    Feed.objects.create(url=web.url("/feed.xml"), active=False)
    assert poll_due_feeds() == [] and not web.requests


# --- scheduling: one task waits for the next feed due -----------------------------------------------------


def waiting_polls() -> list[datetime.datetime]:
    return sorted(
        DBTaskResult.objects.filter(status="READY", task_path="articles.feeds.poll_feeds").values_list(
            "run_after", flat=True
        )
    )


def test_exactly_one_poll_task_waits_for_the_earliest_feed_due(database_tasks):
    now = timezone.now()
    schedule()
    assert waiting_polls() == []  # no feed: nothing waits
    late = Feed.objects.create(
        url="https://example.org/late.xml", next_poll_at=now + datetime.timedelta(hours=2)
    )
    schedule()
    schedule()
    assert waiting_polls() == [late.next_poll_at]
    soon = Feed.objects.create(
        url="https://example.org/soon.xml", next_poll_at=now + datetime.timedelta(minutes=5)
    )
    schedule()
    assert waiting_polls() == [soon.next_poll_at]
    Feed.objects.update(active=False)
    schedule()
    assert waiting_polls() == []


# --- the pages ----------------------------------------------------------------------------------------------


def login(client, role: str | None):
    user = User.objects.create_user(f"user-{role}", password="pw-for-tests-only")
    if role:
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def test_an_admin_follows_a_feed_and_sees_each_poll(client, web):
    serve(web, "strike")
    web.routes["/broken.xml"] = Reply(b"<html>moved</html>", content_type="text/html")
    login(client, "admin")
    response = client.post(reverse("feed_list"), {"url": web.url("/feed.xml"), "outlet": "", "interval": 30})
    feed = Feed.objects.get()
    assert response.status_code == 302 and response.url == reverse("feed_detail", args=[feed.pk])
    assert feed.created_by.username == "user-admin"
    html = client.get(response.url).content.decode()
    assert "Following " in html and "Not polled yet" in html

    client.post(reverse("feed_action", args=[feed.pk]), {"action": "poll"})  # the in-process backend: at once
    poll_due_feeds()
    html = client.get(reverse("feed_detail", args=[feed.pk])).content.decode()
    assert "Harbour strike ends" in html and ">read<" in html

    client.post(reverse("feed_list"), {"url": web.url("/broken.xml"), "interval": 30})
    poll_due_feeds()
    html = client.get(reverse("feed_list")).content.decode()
    assert "not an RSS or Atom feed" in html and "Harbour Gazette" in html

    again = client.post(reverse("feed_list"), {"url": web.url("/feed.xml"), "interval": 30})
    assert "This feed is already followed." in again.content.decode() and Feed.objects.count() == 2
    wrong = client.post(reverse("feed_list"), {"url": "ftp://example.org/feed", "interval": 2})
    errors = wrong.context["form"].errors
    assert set(errors) == {"url", "interval"}

    client.post(reverse("feed_action", args=[feed.pk]), {"action": "pause"})
    feed.refresh_from_db()
    assert not feed.active
    assert "paused" in client.get(reverse("feed_list")).content.decode()


@pytest.mark.parametrize("role", [None, "journalist"])
def test_only_admins_manage_feeds(client, role):
    feed = Feed.objects.create(url="https://example.org/feed.xml")
    login(client, role)
    assert client.get(reverse("feed_list")).status_code == 403
    assert (
        client.post(reverse("feed_list"), {"url": "https://example.org/b.xml", "interval": 60}).status_code
        == 403
    )
    assert client.post(reverse("feed_action", args=[feed.pk]), {"action": "pause"}).status_code == 403
    assert Feed.objects.count() == 1 and Feed.objects.get().active


# --- end to end: a real worker polls a feed that gains items ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_db_worker_polls_a_feed_that_gains_items_between_polls(web, tmp_path):
    from tests.test_uploads import worker_environment

    serve(web, "strike")
    env, manage, query, shell = worker_environment(tmp_path)
    env["FETCH_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    feed_url = web.url("/feed.xml")

    shell(f"from articles.models import Feed\nFeed.objects.create(url={feed_url!r}, interval=5)")
    worker = subprocess.Popen(
        [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:

        def wait_for(sql: str, expected, what: str):
            deadline = time.monotonic() + 120
            while (found := query(sql)) != expected:
                assert worker.poll() is None, "the worker stopped"
                assert time.monotonic() < deadline, f"{what}: {found}"
                time.sleep(0.1)

        wait_for("SELECT COUNT(*) FROM articles_article", (1,), "the first poll stored nothing")
        serve(
            web, "strike", "bridge"
        )  # the feed gains an item; the feed is due again (as if 5 minutes passed)
        shell(
            "from django.utils import timezone\nfrom articles.feeds import schedule\nfrom articles.models import Feed\n"
            "Feed.objects.update(next_poll_at=timezone.now())\nschedule()"
        )
        wait_for("SELECT COUNT(*) FROM articles_article", (2,), "the second poll stored nothing new")
        wait_for("SELECT COUNT(*) FROM articles_feedpoll WHERE status = 'ok'", (2,), "polls recorded")
        assert query(
            "SELECT items_seen, items_new, articles_stored FROM articles_feedpoll ORDER BY id DESC"
        ) == (2, 1, 1)
        # and the next poll waits in the queue
        wait_for(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE task_path = 'articles.feeds.poll_feeds' AND status = 'READY'",
            (1,),
            "no poll waiting",
        )
    finally:
        worker.terminate()
        worker.wait(10)


# --- the command line -------------------------------------------------------------------------------------


def test_feeds_are_added_listed_and_polled_on_the_command_line(web):
    import io

    from django.core.management import CommandError, call_command

    serve(web, "strike", "budget")
    web.routes["/garbage.xml"] = Reply(b"\x00garbage", content_type="application/xml")

    def run(*args: str) -> str:
        out = io.StringIO()
        call_command("feeds", *args, stdout=out)
        return out.getvalue()

    assert run("add", web.url("/feed.xml"), "--interval", "15").startswith(
        f"following {web.url('/feed.xml')}"
    )
    with pytest.raises(CommandError, match="This feed is already followed"):
        run("add", web.url("/feed.xml"))
    with pytest.raises(CommandError, match="interval: Ensure this value is greater than or equal to 5"):
        run("add", web.url("/other.xml"), "--interval", "1")
    run("add", web.url("/garbage.xml"))
    assert "not polled yet" in run("list")
    with pytest.raises(CommandError, match="1 feed\\(s\\) failed"):
        run("poll")
    assert Article.objects.count() == 2  # the good feed's items are stored all the same
    listed = run("list")
    assert "Harbour Gazette\tread at" in listed and "not an RSS or Atom feed" in listed
    assert run("poll") == "no feed is due\n"
    Feed.objects.filter(url=web.url("/garbage.xml")).update(active=False)
    assert run("poll", "--all") == f"{web.url('/feed.xml')}: read, 2 item(s), 0 new, 0 stored, 0 failed\n"


def test_an_item_without_a_web_address_fails_once_named_and_is_not_tried_again(web):
    feed_body = rss("strike", base=web.base).replace(
        b"</channel>", b"<item><title>Radio bulletin</title><guid>bulletin-1</guid></item></channel>"
    )
    serve(web, "strike")
    web.routes["/feed.xml"] = Reply(feed_body, content_type="application/rss+xml")
    feed = Feed.objects.create(url=web.url("/feed.xml"))
    first = poll_feed(feed.pk)
    assert (first.items_seen, first.items_new, first.items_failed, first.articles_stored) == (2, 2, 1, 1)
    item = FeedItem.objects.get(key="bulletin-1")
    assert (item.status, item.error, item.title) == ("failed", "no web address to fetch", "Radio bulletin")
    again = poll_feed(feed.pk, now=later(feed))
    assert (again.items_new, again.items_failed) == (0, 0)
