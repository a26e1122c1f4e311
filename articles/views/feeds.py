"""Admins' feeds: follow an RSS or Atom feed, see what each poll found, poll now, pause.

Permission checks are here (admins only); the polling is in articles.feeds and runs in the worker.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.feeds import poll_now, schedule, with_last_poll
from articles.forms import FeedForm
from articles.models import Feed
from articles.roles import can_upload, require

RECENT_POLLS = 20
RECENT_ITEMS = 50


@require_http_methods(["GET", "POST"])
@require(can_upload)
def feed_list(request: HttpRequest) -> HttpResponse:
    form = FeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feed = form.save(commit=False)
        feed.created_by = request.user
        feed.save()
        schedule()
        messages.success(request, f"Following {feed.url}: its first poll is due now.")
        return redirect("feed_detail", pk=feed.pk)
    rows = [{"feed": feed, "poll": poll} for feed, poll in with_last_poll()]
    return render(request, "articles/feed_list.html", {"form": form, "rows": rows})


@require_GET
@require(can_upload)
def feed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(Feed, pk=pk)
    polls = feed.polls.order_by("-started_at", "-pk")[:RECENT_POLLS]
    items = feed.items.select_related("article").order_by("-first_seen", "-pk")[:RECENT_ITEMS]
    return render(request, "articles/feed_detail.html", {"feed": feed, "polls": polls, "items": items})


@require_POST
@require(can_upload)
def feed_action(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(Feed, pk=pk)
    action = request.POST.get("action")
    if action == "poll" and feed.active:
        poll_now(feed)
        messages.success(
            request, "The feed will be polled in a moment: this page shows the poll when it is done."
        )
    elif action in {"pause", "resume"}:
        Feed.objects.filter(pk=feed.pk).update(active=action == "resume")
        schedule()
        messages.success(request, "Paused: it keeps what it brought." if action == "pause" else "Resumed.")
    else:
        messages.error(request, "Nothing done: unknown action, or a paused feed asked to poll.")
    return redirect("feed_detail", pk=feed.pk)
