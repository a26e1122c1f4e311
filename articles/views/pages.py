"""Article, speaker and outlet pages."""

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.comparison import segments
from articles.forms import typed_text
from articles.models import Article, AuditEvent, Outlet, Quote, QuoteChange, Speaker, Statement
from articles.roles import can_annotate
from articles.versions import history

PAGE_SIZE = 50
SUGGESTIONS = 20  # names offered as a journalist types


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    quotes = list(
        article.quotes.filter(not_a_quote=False).select_related("speaker", "statement").order_by("start")
    )
    context = {
        "article": article,
        "quotes": quotes,
        "segments": segments(article.body, quotes),
        "history": history(article),
    }
    return render(request, "articles/article_detail.html", context)


@require_GET
def speaker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return speaker_page(request, pk)


def speaker_page(request: HttpRequest, pk: int, *, error: str = "") -> HttpResponse:
    """The speaker page, also after a refused merge (`error`, shown at the merge form)."""
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
    merges = AuditEvent.objects.filter(object_type="speaker", object_id=str(speaker.pk)).select_related(
        "actor"
    )
    context = {
        "speaker": speaker,
        "page": page,
        "outlets": outlets,
        "merges": merges.order_by("-pk")[:20],
        "can_annotate": can_annotate(request.user),
        "error": error,
    }
    return render(request, "articles/speaker_detail.html", context)


@require_GET
def speaker_suggestions(request: HttpRequest) -> HttpResponse:
    """Known speakers whose name or alias holds what was typed, as <option>s for a field's datalist."""
    typed = typed_text(request.GET.get("name", request.GET.get("other_name")), limit=100)
    speakers = Speaker.objects.none()
    if len(typed) >= 2:
        found = Q(name__icontains=typed) | Q(aliases__name__icontains=typed)
        speakers = Speaker.objects.filter(found).distinct().order_by("name")[:SUGGESTIONS]
    return render(request, "articles/speaker_options.html", {"speakers": speakers})


@require_GET
def outlet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outlet = get_object_or_404(Outlet, pk=pk)
    articles = outlet.articles.annotate(quote_count=Count("quotes")).order_by("-published", "-pk")
    renderings = Quote.objects.filter(article__outlet=outlet, statement__isnull=False, not_a_quote=False)
    total = renderings.count()
    # A rendering "differs" when its words are not those of its statement's reference.
    differing = renderings.exclude(statement__reference__normalized=F("normalized")).count() if total else 0
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    changes = QuoteChange.objects.filter(article__outlet=outlet).count()
    context = {
        "outlet": outlet,
        "page": page,
        "renderings": total,
        "differing": differing,
        "changes": changes,
    }
    return render(request, "articles/outlet_detail.html", context)
