from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.models import Article, Statement

PAGE_SIZE = 25


@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    statements = (
        Statement.objects.search(query)
        .with_counts()
        .select_related("speaker", "reference__article__outlet")
        .order_by("-outlet_count", "-rendering_count", "-occasion_date", "pk")
    )
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "articles/statement_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    context = {"page": page, "q": query, "article_count": Article.objects.count()}
    return render(request, template, context)
