import datetime
import itertools
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import InterfaceError, OperationalError

from articles.fetching import is_link, read_link
from articles.ingest import Outcome, Overrides, ingest_sources
from articles.parsing import ParserStopped, default_workers
from articles.sources import read_paths, web_address


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form") from None


class Command(BaseCommand):
    help = (
        "Extract quotations from article files (.txt, .html, .json, .jsonl, directories, .zip) or web pages "
        "(http(s) links) with spaCy, attribute them and file them under statements. Safe to re-run: unchanged "
        "articles are skipped; a link fetched again with changed text updates its article."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", help="Files, directories, zip archives or links (http:// or https://)."
        )
        parser.add_argument("--outlet", help="Outlet name for every article given.")
        parser.add_argument(
            "--published", type=iso_date, help="Publication date (YYYY-MM-DD) for every article."
        )
        parser.add_argument("--url", help="URL for every article given.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; write nothing.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Parser processes beside the writer (default: as many as the cores and the writer's pace make"
            f" worth it, {default_workers()} here).",
        )

    def handle(self, *, paths, outlet, published, url, dry_run, workers, verbosity, **options) -> None:
        worth_it = default_workers()
        if workers is None:
            workers = worth_it
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if workers > worth_it:
            self.stderr.write(
                f"note: {workers} parser processes here may ingest slower than {worth_it}: the one writer "
                "keeps pace with no more here (see README, Performance)"
            )
        if url is not None and not web_address(url):
            raise CommandError(f"--url {url!r}: not an http(s) address")
        links = [p for p in paths if is_link(p)]
        files = [Path(p) for p in paths if not is_link(p)]
        missing = [str(p) for p in files if not p.exists()]
        for path in missing:
            self.stderr.write(f"{path}: no such file or directory")
        # Files are read at once (to count them); links are fetched one by one as the parser asks for them.
        read = list(read_paths([p for p in files if p.exists()]))
        sources = itertools.chain(read, (item for link in links for item in read_link(link)))
        overrides = Overrides(outlet=outlet, published=published, url=url)
        counts = {"created": 0, "unchanged": 0, "updated": 0, "failed": len(missing)}
        progress = Progress(self.stdout, total=len(read) + len(links), enabled=verbosity > 0)
        outcomes = ingest_sources(sources=sources, overrides=overrides, dry_run=dry_run, workers=workers)
        try:
            for outcome in outcomes:
                counts[outcome.status] += 1
                progress.step(outcome)
                if outcome.status == "failed":
                    self.stderr.write(describe_failure(outcome))
                elif verbosity > 1:
                    self.stdout.write(f"{outcome.source_name}: {outcome.status}, {outcome.quotes} quote(s)")
                for warning in outcome.warnings:  # e.g. a file that was not UTF-8, read as cp1252
                    self.stderr.write(f"{outcome.source_name}: warning: {warning}")
        except (OperationalError, InterfaceError) as error:
            # The database is down or went away: one line, not a traceback. Each article is its own
            # transaction, so what was stored is whole and a second run skips it.
            progress.done()
            reason = next(
                (line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__
            )
            raise CommandError(
                f"database unavailable: {reason} (stored before it failed: {summarise(counts)}); "
                "run the command again to carry on"
            ) from None
        except ParserStopped as error:  # killed or out of memory: what was stored is whole, as above
            progress.done()
            raise CommandError(
                f"ingest stopped: {error} (stored before it stopped: {summarise(counts)}); "
                "run the command again to carry on"
            ) from None
        progress.done()
        prefix = "dry run, nothing written: " if dry_run else ""
        summary = summarise(counts)
        self.stdout.write(f"{prefix}{summary}")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} source(s) failed")


def summarise(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {status}" for status, n in counts.items())


def describe_failure(outcome: Outcome) -> str:
    where = outcome.source_name
    if outcome.line and not where.endswith(f":{outcome.line}"):
        where += f":{outcome.line}"
    return f"{where}: {outcome.message}"


class Progress:
    """A one-line progress bar, drawn only on a terminal (logs and tests get the summary line alone)."""

    def __init__(self, stream, *, total: int, enabled: bool) -> None:
        self.stream, self.total, self.done_count = stream, total, 0
        self.enabled = enabled and total > 0 and getattr(stream, "isatty", lambda: False)()

    def step(self, outcome: Outcome) -> None:
        self.done_count += 1
        if self.enabled:
            width = 30
            filled = width * self.done_count // self.total
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(
                f"\r[{bar}] {self.done_count}/{self.total} {outcome.source_name[:40]:40}", ending=""
            )
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("")
