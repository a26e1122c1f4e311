"""Statements with their renderings and labels, as CSV and JSON, for journalists' own analysis."""

import json

from django.db.models import Prefetch
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from articles.models import Quote, Statement, VariantLabel
from articles.roles import can_annotate, require
from articles.spreadsheet import SafeWriter
from articles.views.api import rendering_json, statement_json

CSV_FIELDS = [
    "statement", "statement_label", "speaker", "occasion_date", "divergence", "reference", "rendering", "text",
    "kind", "outlet", "published", "article", "rendering_speaker", "speaker_as_written", "relay", "labels",
]  # fmt: skip


def statements_with_renderings():
    renderings = Quote.objects.filter(not_a_quote=False).select_related("article__outlet", "speaker")
    labels = VariantLabel.objects.filter(proposed=False).select_related("author")
    return (
        Statement.objects.select_related("speaker")
        .prefetch_related(Prefetch("renderings", renderings.prefetch_related(Prefetch("labels", labels))))
        .order_by("pk")
    )


def statement_record(statement: Statement) -> dict:
    """The API's statement, with every rendering and the labels people gave it."""
    return {
        **statement_json(statement),
        "renderings": [
            {
                **rendering_json(quote),
                "labels": [
                    {
                        "label": label.label,
                        "severity": label.severity,
                        "note": label.note,
                        "author": label.author.username if label.author else None,
                    }
                    for label in quote.labels.all()
                ],  # fmt: skip
            }
            for quote in statement.renderings.all()
        ],
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@require(can_annotate)
def statements_csv(request: HttpRequest) -> StreamingHttpResponse:
    writer = SafeWriter(_Echo())

    def rows():
        yield writer.writerow(CSV_FIELDS)
        for statement in statements_with_renderings().iterator(chunk_size=500):
            record = statement_record(statement)
            for r in record["renderings"]:
                labels = "; ".join(f"{x['label']}/{x['severity']} by {x['author']}" for x in r["labels"])
                article = r["article"]
                yield writer.writerow([
                    record["id"], record["label"], record["speaker"], record["occasion_date"], record["divergence"],
                    record["reference"], r["id"], r["text"], r["kind"], article["outlet"], article["published"],
                    article["source_name"], r["speaker"], r["speaker_as_written"], r["relay"], labels,
                ])  # fmt: skip

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="statements.csv"'
    return response


@require_GET
@require(can_annotate)
def statements_json(request: HttpRequest) -> StreamingHttpResponse:
    def chunks():
        yield "["
        for n, statement in enumerate(statements_with_renderings().iterator(chunk_size=500)):
            yield ("," if n else "") + json.dumps(statement_record(statement), ensure_ascii=False)
        yield "]"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="statements.json"'
    return response
