import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Exists, OuterRef

from articles.models import Quote, VariantLabel
from articles.review import confidences
from articles.spreadsheet import SafeDictWriter

FIELDS = [
    "article", "outlet", "published", "title", "text", "start", "end", "kind", "speaker", "speaker_as_written",
    "speaker_decided_by", "speaker_confidence", "cue", "relay", "statement", "statement_label",
    "statement_decided_by", "statement_confidence", "label_confidence",
]  # fmt: skip


def quote_records():
    quotes = (
        Quote.objects.filter(not_a_quote=False)
        .select_related("article__outlet", "speaker", "statement")
        .annotate(labelled=Exists(VariantLabel.objects.filter(quote=OuterRef("pk"), proposed=False)))
        .order_by("article__source_name", "start")
    )
    for quote in quotes.iterator(chunk_size=2000):
        article = quote.article
        # how likely each decision is right, 0-1 (articles.nlp.confidence); 1.0 for a person's decision
        confidence = confidences(quote, labelled=quote.labelled)
        yield {
            "article": article.source_name,
            "outlet": article.outlet.name if article.outlet else None,
            "published": article.published.isoformat() if article.published else None,
            "title": article.title,
            "text": quote.text,
            "start": quote.start,
            "end": quote.end,
            "kind": quote.kind,
            "speaker": quote.attributed_to,
            "speaker_as_written": quote.speaker_as_written,
            "speaker_decided_by": quote.speaker_decided_by,
            "speaker_confidence": confidence["speaker_confidence"],
            "cue": quote.cue,
            "relay": quote.relay,
            "statement": str(quote.statement_id) if quote.statement_id else None,
            "statement_label": quote.statement.label if quote.statement else None,
            "statement_decided_by": quote.statement_decided_by,
            "statement_confidence": confidence["statement_confidence"],
            # of the label proposed against the statement's reference (None for the reference's own wording)
            "label_confidence": confidence["label_confidence"],
        }


class Command(BaseCommand):
    help = "Write every stored quote, one record each, as JSON lines (default) or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *, format, output, **options) -> None:
        stream = output.open("w", encoding="utf-8", newline="") if output else None
        sink = Sink(stream.write if stream else lambda text: self.stdout.write(text, ending=""))
        try:
            if format == "csv":
                writer = SafeDictWriter(sink, fieldnames=FIELDS)
                writer.writeheader()
                writer.writerows(quote_records())
            else:
                for record in quote_records():
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
        finally:
            if stream:
                stream.close()


class Sink:
    """A file-like writer over a file or the command's stdout (so call_command(stdout=...) captures it)."""

    def __init__(self, write) -> None:
        self.write = write
