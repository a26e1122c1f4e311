"""JSON for other tools: the same data as the statement pages."""

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from articles.forms import StatementFilterForm
from articles.models import Quote, QuoteChange, QuoteKind, Statement
from articles.review import confidences
from articles.views.statements import renderings_of

PAGE_SIZE = 50


def statement_json(statement: Statement) -> dict:
    return {
        "id": statement.pk,
        "label": statement.label,
        "speaker": statement.speaker.name if statement.speaker else None,
        "occasion_date": statement.occasion_date.isoformat() if statement.occasion_date else None,
        "reference": statement.reference_id,
        "renderings": statement.rendering_count,
        "outlets": statement.outlet_count,
        "divergence": round(statement.divergence, 4),
        "primary_source": _primary_source(statement.reference),
        "url": f"/statements/{statement.pk}/",
    }


def _primary_source(reference: Quote | None) -> dict | None:
    """What was actually said, when a primary source's sentence is the statement's reference."""
    if reference is None or reference.kind != QuoteKind.PRIMARY:
        return None
    article = reference.article
    return {"text": reference.text, "article": article.pk, "title": article.title, "url": article.link}


def rendering_json(quote: Quote) -> dict:
    article = quote.article
    return {
        "id": quote.pk,
        "text": quote.text,
        "kind": quote.kind,
        "start": quote.start,
        "end": quote.end,
        "speaker": quote.speaker.name if quote.speaker else None,
        "speaker_as_written": quote.speaker_as_written,
        "speaker_in_article": quote.speaker_in_article,
        "speaker_decided_by": quote.speaker_decided_by,
        "cue": quote.cue,
        "relay": quote.relay,
        "statement_decided_by": quote.statement_decided_by,
        **confidences(quote, labelled=any(not label.proposed for label in quote.labels.all())),
        "article": {
            "id": article.pk,
            "title": article.title,
            "source_name": article.source_name,
            "outlet": article.outlet.name if article.outlet else None,
            "published": article.published.isoformat() if article.published else None,
            "url": article.url,
        },
    }


@require_GET
def statement_list(request: HttpRequest) -> JsonResponse:
    form = StatementFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    statements = form.filter(
        Statement.objects.select_related("speaker", "reference__article").defer("search_text")
    )
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [statement_json(s) for s in page.object_list],
        }
    )


@require_GET
def statement_detail(request: HttpRequest, pk: int) -> JsonResponse:
    statement = (
        Statement.objects.select_related("speaker", "reference__article")
        .defer("search_text")
        .filter(pk=pk)
        .first()
    )
    if statement is None:
        return JsonResponse({"error": f"no statement {pk}"}, status=404)
    data = statement_json(statement)
    data["renderings"] = [rendering_json(q) for q in renderings_of(statement)]
    data["changed_after_publication"] = [
        change_json(change) for change in statement.changes.select_related("article__outlet", "version")
    ]
    return JsonResponse(data)


def change_json(change: QuoteChange) -> dict:
    return {
        "kind": change.kind,
        "article": change.article_id,
        "outlet": change.article.outlet.name if change.article.outlet else None,
        "before": {
            "text": change.before_text,
            "speaker": change.before_speaker,
            "from": change.version.stored_at.isoformat(),
        },
        "after": {
            "text": change.after_text,
            "speaker": change.after_speaker,
            "from": change.version.replaced_at.isoformat(),
        },
        "quote": change.quote_id,
    }
