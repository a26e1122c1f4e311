"""Adding a primary source (journalists and admins): pasted or fetched, then compared with the statements."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from articles.forms import PrimarySourceForm, typed_id
from articles.models import Statement
from articles.primary import read_primary, store_primary
from articles.roles import can_annotate, require


@require_http_methods(["GET", "POST"])
@require(can_annotate)
def add_primary(request: HttpRequest) -> HttpResponse:
    statement = (
        Statement.objects.select_related("speaker").filter(pk=typed_id(request.GET.get("statement"))).first()
    )
    if request.method == "POST":
        form = PrimarySourceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                text, title, url = (
                    (data["text"], "", "") if data["text"].strip() else read_primary(data["link"])
                )
                article, joined = store_primary(
                    text=text,
                    speakers=data["speakers"],
                    published=data["published"],
                    title=data["title"] or title,
                    url=data["url"] or url or data["link"] or "",
                    source_name=data["link"] or "",
                )
            except ValueError as error:
                form.add_error(None, f"Nothing was stored: {error}.")
            else:
                sentences = article.quotes.count()
                messages.success(
                    request,
                    f"Primary source stored: {sentences} sentence{'s' if sentences != 1 else ''} of its speakers; "
                    f"{len(joined) or 'no'} statement{'s' if len(joined) != 1 else ''} now compared with it.",
                )
                if statement is not None and statement.pk in joined:
                    return redirect("statement_detail", pk=statement.pk)
                if len(joined) == 1:
                    return redirect("statement_detail", pk=next(iter(joined)))
                return redirect("article_detail", pk=article.pk)
    else:
        initial = {}
        if statement is not None:
            initial = {
                "speakers": statement.speaker.name if statement.speaker else "",
                "published": statement.occasion_date,
            }
        form = PrimarySourceForm(initial=initial)
    return render(request, "articles/primary_add.html", {"form": form, "statement": statement})
