"""Feeds: the worker polls each RSS or Atom feed an admin follows and ingests its new items.

One `poll_feeds` task waits in the queue for the next feed due (`schedule` keeps it so: after every poll, when
a feed is added or changed, and when a worker starts). A poll claims its feed by pushing `next_poll_at` on (a
lease), asks with the ETag and Last-Modified of the last answer, reads the feed with feedparser, remembers
every item (`FeedItem`) and ingests the new ones through the same path as links (`fetching.read_link`, then
`ingest_sources`), recording the poll (`FeedPoll`). A feed that fails (unreachable, garbage, gone) fails alone,
named on its poll and its page, and is polled again later, less often with each failure in a row.
"""

import datetime
import hashlib
import logging
import time
from dataclasses import replace

import feedparser
from django.db import transaction
from django.db.models import Min, OuterRef, Subquery
from django.tasks import TaskResultStatus, task
from django.utils import timezone

from articles.fetching import FEED_TYPES, FetchError, FetchLimits, fetch, is_link, read_link
from articles.ingest import Overrides, ingest_sources
from articles.models import Feed, FeedItem, FeedPoll
from articles.sources import Source

logger = logging.getLogger(__name__)

__all__ = ["poll_due_feeds", "poll_feed", "poll_feeds", "poll_now", "schedule", "with_last_poll"]

# A poll in progress holds its feed this long; it renews the hold after each item it ingests.
LEASE = datetime.timedelta(minutes=10)
MAX_BACKOFF = datetime.timedelta(days=1)
MAX_ITEMS_PER_POLL = 100  # newest first; a feed of a thousand items is read over several polls
MAX_ATTEMPTS = 3  # an item whose page keeps failing is given up after this many polls
FEED_LIMITS = FetchLimits(max_bytes=10 * 1024 * 1024)


def poll_due_feeds(*, now: datetime.datetime | None = None) -> list[FeedPoll]:
    """Poll every active feed that is due, one after another; one feed's failure never stops the others."""
    now = now or timezone.now()
    due = Feed.objects.filter(active=True, next_poll_at__lte=now).order_by("next_poll_at")
    polls = []
    for feed_id in list(due.values_list("pk", flat=True)):
        try:
            if poll := poll_feed(feed_id, now=now):
                polls.append(poll)
        except Exception:  # a bug, not bad input: logged with its traceback, the next feed still polled
            logger.exception("polling feed %s failed", feed_id)
    return polls


def with_last_poll() -> list[tuple[Feed, FeedPoll | None]]:
    """Every feed and its latest poll, in two queries."""
    latest = FeedPoll.objects.filter(feed=OuterRef("pk")).order_by("-started_at", "-pk").values("pk")[:1]
    feeds = list(Feed.objects.annotate(last_poll=Subquery(latest)))
    polls = FeedPoll.objects.in_bulk([feed.last_poll for feed in feeds if feed.last_poll])
    return [(feed, polls.get(feed.last_poll)) for feed in feeds]


def poll_now(feed: Feed) -> None:
    """An admin's "poll now": due at once, and a task to do it."""
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
    schedule()


def poll_feed(
    feed_id: int, *, now: datetime.datetime | None = None, limits: FetchLimits = FEED_LIMITS
) -> FeedPoll | None:
    """Poll one feed if it is due and no one else holds it. Returns the poll, or None if not claimed."""
    now = now or timezone.now()
    claimed = Feed.objects.filter(pk=feed_id, active=True, next_poll_at__lte=now).update(
        next_poll_at=now + LEASE
    )
    if not claimed:
        return None
    feed = Feed.objects.get(pk=feed_id)
    # A poll left "in progress" by a worker that died is over.
    feed.polls.filter(status=FeedPoll.Status.RUNNING).update(
        status=FeedPoll.Status.FAILED, finished_at=now, error="The worker stopped during this poll."
    )
    poll = FeedPoll.objects.create(feed=feed, started_at=now)
    try:
        fetched = fetch(
            feed.url, accept=FEED_TYPES, etag=feed.etag, last_modified=feed.last_modified, limits=limits
        )
    except FetchError as error:
        return _failed(feed, poll, error.reason, now=now)
    if fetched.not_modified:
        return _finished(feed, poll, FeedPoll.Status.NOT_MODIFIED, now=now)
    parsed = feedparser.parse(fetched.body, response_headers={"content-type": fetched.content_type})
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({_first_line(problem)})" if problem else ""
        return _failed(feed, poll, f"not an RSS or Atom feed{detail}", now=now)
    title = str(parsed.feed.get("title") or "").strip()[:300]
    Feed.objects.filter(pk=feed.pk).update(
        title=feed.title or title, etag=fetched.etag, last_modified=fetched.last_modified
    )
    entries = parsed.entries[:MAX_ITEMS_PER_POLL]
    poll.items_seen = len(entries)
    due = []
    for entry in entries:
        item, new = _remember(feed, entry, now=now)
        if item is None:
            continue
        poll.items_new += new
        if item.status == FeedItem.Status.FAILED and new:
            poll.items_failed += 1  # an entry with no web address to fetch: failed once, when first seen
        elif item.status == FeedItem.Status.PENDING or (
            item.status == FeedItem.Status.FAILED and item.attempts < MAX_ATTEMPTS
        ):
            due.append(item)
    poll.articles_stored, failed = _ingest(feed, due)
    poll.items_failed += failed
    return _finished(feed, poll, FeedPoll.Status.OK, now=now)


def _remember(feed: Feed, entry, *, now: datetime.datetime) -> tuple[FeedItem | None, bool]:
    """The feed's item for this entry and whether it is new; an entry without a web address to fetch is
    remembered as failed (never tried); None for an entry with neither an id nor a link."""
    link = str(entry.get("link") or "").strip()
    key = str(entry.get("id") or link).strip()
    if not key:
        return None, False
    if len(key) > 500:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    fetchable = is_link(link) and len(link) <= 2000
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    defaults = {
        "url": link[:2000] if fetchable else "",
        "title": str(entry.get("title") or "").strip()[:500],
        "published": datetime.date(*published[:3]) if published else None,
        "first_seen": now,
    }
    if not fetchable:
        defaults |= {
            "status": FeedItem.Status.FAILED,
            "attempts": MAX_ATTEMPTS,
            "error": "no web address to fetch",
        }
    return FeedItem.objects.get_or_create(feed=feed, key=key, defaults=defaults)


def _ingest(feed: Feed, items: list[FeedItem]) -> tuple[int, int]:
    """Fetch and ingest the items' pages in one batch (a page is parsed while the next is fetched). Returns
    how many articles were stored or updated, and how many items failed."""
    waiting: dict[str, list[FeedItem]] = {}
    for item in items:
        waiting.setdefault(item.url, []).append(item)
        item.attempts += 1
        item.status, item.error = FeedItem.Status.STORED, ""
    sources = (_with_item_facts(source, item) for item in items for source in read_link(item.url))
    stored = 0
    for outcome in ingest_sources(sources=sources, overrides=Overrides(outlet=feed.outlet or None)):
        item = waiting[outcome.source_name].pop(0)
        if outcome.status == "failed":
            item.status, item.error = FeedItem.Status.FAILED, outcome.message
        else:
            item.article_id = outcome.article_id
            stored += outcome.status in {"created", "updated"}
        item.save(update_fields=["attempts", "status", "error", "article"])
        Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() + LEASE)  # still polling
    return stored, sum(item.status == FeedItem.Status.FAILED for item in items)


def _with_item_facts(source, item: FeedItem):
    """What the feed says of an item fills what its page does not: the date, the title."""
    if isinstance(source, Source):
        return replace(
            source, published=source.published or item.published, title=source.title or item.title or None
        )
    return source


def _finished(feed: Feed, poll: FeedPoll, status: str, *, now: datetime.datetime) -> FeedPoll:
    poll.status, poll.finished_at = status, timezone.now()
    poll.save()
    Feed.objects.filter(pk=feed.pk).update(
        failures=0,
        last_error="",
        last_polled_at=now,
        next_poll_at=now + datetime.timedelta(minutes=feed.interval),
    )
    return poll


def _failed(feed: Feed, poll: FeedPoll, reason: str, *, now: datetime.datetime) -> FeedPoll:
    poll.status, poll.error, poll.finished_at = FeedPoll.Status.FAILED, reason, timezone.now()
    poll.save()
    failures = feed.failures + 1
    wait = min(datetime.timedelta(minutes=feed.interval) * 2 ** min(failures, 16), MAX_BACKOFF)
    Feed.objects.filter(pk=feed.pk).update(
        failures=failures, last_error=reason, last_polled_at=now, next_poll_at=now + wait
    )
    return poll


def _first_line(problem: object) -> str:
    text = str(problem).strip().splitlines()
    return text[0][:200] if text else type(problem).__name__


# --- scheduling -------------------------------------------------------------------------------------------


def schedule() -> None:
    """Leave exactly one `poll_feeds` task waiting, for the earliest time an active feed is due (none when no
    feed is active). Called after every poll, when a feed changes and when a worker starts."""
    if not poll_feeds.get_backend().supports_defer:  # the in-process backend of tests has no clock
        return
    from django_tasks_db.models import DBTaskResult

    next_due = Feed.objects.filter(active=True).aggregate(due=Min("next_poll_at"))["due"]
    with transaction.atomic():
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=poll_feeds.module_path)
        if next_due is None:
            waiting.delete()
            return
        due = max(next_due, timezone.now())
        if waiting.filter(run_after__lte=due).exists():
            waiting.filter(run_after__gt=due).delete()
            return
        waiting.delete()
        poll_feeds.using(run_after=due).enqueue()


@task
def poll_feeds() -> int:
    """Poll the feeds that are due, then wait for the next. Returns how many were polled."""
    started = time.monotonic()
    try:
        polls = poll_due_feeds()
    finally:
        schedule()
    logger.info("polled %d feed(s) in %.1f s", len(polls), time.monotonic() - started)
    return len(polls)
