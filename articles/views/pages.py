"""Article, speaker and outlet pages."""

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.comparison import segments
from articles.models import Article, Outlet, Quote, Speaker, Statement

PAGE_SIZE = 50


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    quotes = list(
        article.quotes.filter(not_a_quote=False).select_related("speaker", "statement").order_by("start")
    )
    context = {"article": article, "quotes": quotes, "segments": segments(article.body, quotes)}
    return render(request, "articles/article_detail.html", context)


@require_GET
def speaker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    speaker = get_object_or_404(Speaker.objects.prefetch_related("aliases"), pk=pk)
    statements = (
        Statement.objects.filter(speaker=speaker)
        .select_related("reference")
        .order_by("-occasion_date", "-outlet_count", "pk")
    )
    outlets = (
        Outlet.objects.filter(articles__quotes__speaker=speaker)
        .annotate(renderings=Count("articles__quotes", distinct=True))
        .order_by("-renderings", "name")
    )
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "articles/speaker_detail.html", {"speaker": speaker, "page": page, "outlets": outlets}
    )


@require_GET
def outlet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outlet = get_object_or_404(Outlet, pk=pk)
    articles = outlet.articles.annotate(quote_count=Count("quotes")).order_by("-published", "-pk")
    renderings = Quote.objects.filter(article__outlet=outlet, statement__isnull=False, not_a_quote=False)
    total = renderings.count()
    # A rendering "differs" when its words are not those of its statement's reference.
    differing = renderings.exclude(statement__reference__normalized=F("normalized")).count() if total else 0
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"outlet": outlet, "page": page, "renderings": total, "differing": differing}
    return render(request, "articles/outlet_detail.html", context)
