from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from articles.feeds import poll_due_feeds, schedule, with_last_poll
from articles.forms import FeedForm
from articles.models import Feed


class Command(BaseCommand):
    help = (
        "Feeds the worker polls: `add URL [--outlet NAME] [--interval MINUTES]`, `list`, and `poll` (the feeds "
        "due now, or every active one with --all; what the worker does, here and at once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Follow a feed.")
        add.add_argument("url")
        add.add_argument(
            "--outlet", default="", help="The outlet of its articles (else what each page says)."
        )
        add.add_argument("--interval", type=int, default=60, help="Minutes between polls (5 to 10,080).")
        actions.add_parser("list", help="The feeds followed, with their last poll.")
        poll = actions.add_parser("poll", help="Poll the feeds that are due.")
        poll.add_argument("--all", action="store_true", help="Every active feed, due or not.")

    def handle(self, *, action, **options) -> None:
        getattr(self, f"_{action}")(**options)

    def _add(self, *, url, outlet, interval, **options) -> None:
        form = FeedForm({"url": url, "outlet": outlet, "interval": interval})
        if not form.is_valid():
            problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
            raise CommandError(f"{url}: {problems}")
        feed = form.save()
        schedule()
        self.stdout.write(f"following {feed.url} (feed {feed.pk}), polled every {feed.interval} minutes")

    def _list(self, **options) -> None:
        for feed, poll in with_last_poll():
            last = (
                f"{poll.get_status_display()} at {poll.started_at:%Y-%m-%d %H:%M}"
                if poll
                else "not polled yet"
            )
            state = "" if feed.active else " (paused)"
            error = f": {feed.last_error}" if feed.last_error else ""
            self.stdout.write(f"{feed.pk}\t{feed}{state}\t{last}{error}")

    def _poll(self, *, all, **options) -> None:
        if all:
            Feed.objects.filter(active=True).update(next_poll_at=timezone.now())
        polls = poll_due_feeds()
        for poll in polls:
            found = f"{poll.items_seen} item(s), {poll.items_new} new, {poll.articles_stored} stored, {poll.items_failed} failed"
            self.stdout.write(
                f"{poll.feed.url}: {poll.get_status_display()}"
                + (f": {poll.error}" if poll.error else f", {found}")
            )
        schedule()
        if not polls:
            self.stdout.write("no feed is due")
        if any(poll.status == poll.Status.FAILED for poll in polls):
            raise CommandError(f"{sum(p.status == p.Status.FAILED for p in polls)} feed(s) failed")
