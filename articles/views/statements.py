from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.comparison import compare
from articles.forms import StatementFilterForm
from articles.models import Article, Label, Quote, Statement, VariantLabel
from articles.roles import can_annotate

PAGE_SIZE = 25


def wants_fragment(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    form = StatementFilterForm(request.GET)
    statements = Statement.objects.select_related("speaker", "reference")
    statements = form.filter(statements) if form.is_valid() else statements.none()
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "articles/statement_list.html"
    if wants_fragment(request):
        template += "#results"
    context = {
        "page": page,
        "form": form,
        "speaker": form.cleaned_data.get("speaker") if form.is_valid() else None,
        "article_count": Article.objects.count(),
    }
    return render(request, template, context)


def renderings_of(statement: Statement) -> list[Quote]:
    return list(
        statement.renderings.filter(not_a_quote=False)
        .select_related("article__outlet", "speaker")
        .prefetch_related(Prefetch("labels", VariantLabel.objects.select_related("author")))
        .order_by("article__published", "article_id", "start")
    )


@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return statement_page(request, pk, fragment=wants_fragment(request))


def statement_page(request: HttpRequest, pk: int, *, error: str = "", fragment: bool = False) -> HttpResponse:
    """The statement page (or its #comparison fragment), also rendered after a journalist's correction."""
    statement = get_object_or_404(Statement.objects.select_related("speaker"), pk=pk)
    quotes = renderings_of(statement)
    reference = next((q for q in quotes if str(q.pk) == request.GET.get("ref")), None)
    reference = reference or next((q for q in quotes if q.pk == statement.reference_id), None)
    if reference is None and quotes:
        reference = quotes[0]
    comparison = compare(quotes=quotes, reference=reference) if reference else None
    history = statement.audit_events.select_related("actor").order_by("-at")[:50]
    template = "articles/statement_detail.html" + ("#comparison" if fragment else "")
    context = {
        "statement": statement,
        "comparison": comparison,
        "articles": {q.article_id for q in quotes},
        "history": history,
        "can_annotate": can_annotate(request.user),
        "labels": Label.choices,
        "error": error,
    }
    return render(request, template, context)
