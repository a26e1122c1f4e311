from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.comparison import compare, counted_in, counted_wordings
from articles.forms import StatementFilterForm, errors_text, typed_id
from articles.models import Article, AuditEvent, Label, Quote, Statement, VariantLabel
from articles.roles import can_annotate

ARTICLES_PER_PAGE = 20
ARTICLE_COUNT_SECONDS = 60


def page_number(value: str | None) -> int:
    """The asked page: 1 unless a positive whole number (Django's "before the first is the last" needs the exact
    count that CappedPaginator avoids; bounded because it goes into SQL as a limit)."""
    try:
        return min(max(int(value or 1), 1), 10**6)
    except ValueError:
        return 1


class CappedPaginator(Paginator):
    """Counts matching rows only up to the first multiple of `step` past the asked page: an exact COUNT(*) over
    100k filtered statements costs more than the page itself. When more rows match, `count` is limit + 1 and
    `capped` is true: the page then says "more than {limit}" (always past the asked page)."""

    def __init__(self, object_list, per_page: int, *, number: int, step: int) -> None:
        super().__init__(object_list, per_page)
        self.limit = step * (number * per_page // step + 1)

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.limit + 1].count()

    def page(self, number):
        """Past the first page, the page's ids first (from the sort index alone), then only those rows with their
        joins: OFFSET over the joined rows made page 40 fetch 1,000 speakers and references to show 25."""
        page = super().page(number)
        rows = self.object_list
        if page.number > 1 and not rows.query.distinct:  # (a DISTINCT query cannot select its ids alone)
            start = (page.number - 1) * self.per_page
            page.object_list = rows.filter(pk__in=rows.values("pk")[start : start + self.per_page])
        return page

    @property
    def capped(self) -> bool:
        return self.count > self.limit

    @property
    def full_pages(self) -> int:
        """Pages known to be full when the count is capped ("page 3 of more than 40")."""
        return self.limit // self.per_page


def wants_fragment(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    form = StatementFilterForm(request.GET)
    statements = Statement.objects.select_related("speaker", "reference").defer("search_text")
    form.is_valid()  # the filters that are valid apply; the others are named in a message
    statements = form.filter(statements)
    number = page_number(request.GET.get("page"))
    page = CappedPaginator(
        statements, settings.STATEMENTS_PAGE_SIZE, number=number, step=settings.STATEMENTS_COUNT_STEP
    ).get_page(number)
    template = "articles/statement_list.html"
    if wants_fragment(request):
        template += "#results"
    context = {
        "page": page,
        "form": form,
        "filter_errors": errors_text(form),
        "speaker": form.cleaned_data.get("speaker"),
        "article_count": stored_articles,  # called by the full page only, not by its htmx updates
    }
    return render(request, template, context)


def stored_articles() -> int:
    """How many articles are stored, counted at most once a minute: counting reads the whole table, which
    grows with every article, and the page says it only as background."""
    return cache.get_or_set("stored_articles", Article.objects.count, ARTICLE_COUNT_SECONDS)


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


@dataclass(frozen=True)
class FormAt:
    """Which form of the statement page an error belongs to: shown there, with the focus on it."""

    form: str  # "label", "move", "speaker", "merge"
    quote: int | None = None


def statement_page(
    request: HttpRequest, pk: int, *, error: str = "", error_at: FormAt | None = None, fragment: bool = False
) -> HttpResponse:
    """The statement page (or its #comparison fragment), also rendered after a journalist's correction: its
    wordings aligned, and its renderings by article, ARTICLES_PER_PAGE articles a page."""
    statement = Statement.objects.select_related("speaker").defer("search_text").filter(pk=pk).first()
    if statement is None:
        return _removed(request, pk)
    chosen = request.GET.get("ref")
    number = page_number(request.GET.get("page"))
    if statement.rendering_count <= ARTICLES_PER_PAGE:  # the usual statement: all of it in one query
        quotes = renderings_of(statement)
        stored = _chosen(quotes, str(statement.reference_id))
        reference = _chosen(quotes, chosen) or stored or min(quotes, key=lambda q: q.pk, default=None)
        articles = sorted({q.article_id: q.article for q in quotes}.values(), key=_article_order)
        page = Paginator(articles, ARTICLES_PER_PAGE).get_page(number)
        counted = counted_in(quotes, reference) if reference else ([], 0)
        shown = {a.pk for a in page.object_list}
        quotes = [q for q in quotes if q.article_id in shown]
    else:  # a wire story a thousand outlets carried: counted by the database, one page of articles read
        rendered = statement.renderings.filter(not_a_quote=False)
        stored = _reference(rendered, chosen=None, stored=statement.reference_id)
        reference = _reference(rendered, chosen=chosen, stored=statement.reference_id) if chosen else stored
        by_published = Article.objects.filter(pk__in=rendered.values("article_id")).select_related("outlet")
        page = Paginator(by_published.order_by(F("published").asc(nulls_last=True), "pk"), ARTICLES_PER_PAGE)
        page = page.get_page(number)
        quotes = list(
            rendered.filter(article__in=[a.pk for a in page.object_list])
            .select_related("article__outlet", "speaker")
            .prefetch_related(Prefetch("labels", VariantLabel.objects.select_related("author")))
            .order_by("start")
        )
        counted = counted_wordings(statement.pk, reference) if reference else ([], 0)
    comparison = None
    if reference is not None:
        wordings, total = counted
        comparison = compare(
            reference=reference, wordings=wordings, wordings_total=total, quotes=quotes, stored=stored
        )
    changes = list(
        statement.changes.select_related("article__outlet", "version").order_by("-version__replaced_at")
    )
    history = list(statement.audit_events.select_related("actor").order_by("-at")[:50])
    # corrections already undone keep their place in the history, without an Undo button
    undone = AuditEvent.objects.undone_among(event for event in history if event.undoable)
    template = "articles/statement_detail.html" + ("#comparison" if fragment else "")
    context = {
        "statement": statement,
        "comparison": comparison,
        "page": page,
        "history": history,
        "undone": undone,
        "changes": changes,
        "changed_articles": {change.article_id for change in changes},
        "can_annotate": can_annotate(request.user),
        "labels": Label.choices,
        "error": error,
        "error_at": error_at,
    }
    return render(request, template, context)


def _removed(request: HttpRequest, pk: int) -> HttpResponse:
    """A statement a correction removed (its last rendering marked not a quotation, merged into another): say
    which correction, and offer to undo it; a number that never was a statement is a plain 404."""
    removal = (
        AuditEvent.objects.corrections()
        .filter(rows__model="statement", rows__object_id=pk)
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    if removal is None or removal.undone:
        raise Http404("No such statement.")
    context = {"pk": pk, "removal": removal, "can_annotate": can_annotate(request.user)}
    return render(request, "articles/statement_removed.html", context, status=404)


def _article_order(article: Article) -> tuple:
    return (article.published is None, article.published, article.pk)


def _chosen(quotes: list[Quote], wanted: str | None) -> Quote | None:
    return next((q for q in quotes if str(q.pk) == wanted), None)


def _reference(rendered, *, chosen: str | None, stored: int | None) -> Quote | None:
    """The rendering asked for (?ref=), else the statement's reference, else its first rendering."""
    with_article = rendered.select_related("article__outlet")
    pk = typed_id(chosen)
    found = with_article.filter(pk=pk).first() if pk is not None else None
    if found is not None:
        return found
    return (stored and with_article.filter(pk=stored).first()) or with_article.order_by("pk").first()
