"""Adding a primary source (journalists and admins): pasted or fetched by the worker, then compared with the
statements. The request only records what was given (PrimarySourceJob); the job page follows the worker."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from articles.forms import PrimarySourceForm, typed_id
from articles.models import PrimarySourceJob, Statement
from articles.primary import add_primary_source
from articles.roles import can_annotate, require

# A job running this long without an outcome has most likely lost its worker (one takes seconds).
SILENT_AFTER = datetime.timedelta(minutes=3)


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
            job = PrimarySourceJob.objects.create(
                created_by=request.user,
                text=data["text"] if data["text"].strip() else "",
                link=data["link"] or "",
                speakers=data["speakers"],
                published=data["published"],
                title=data["title"],
                url=data["url"] or "",
                statement=statement,
            )
            add_primary_source.enqueue(job_id=job.pk)
            job.refresh_from_db()
            if job.status == PrimarySourceJob.Status.FAILED:  # done at once (an in-process task backend)
                form.add_error(None, job.error)
            elif job.status == PrimarySourceJob.Status.SUCCEEDED:
                return _to_result(request, job)
            else:
                return redirect("primary_job", pk=job.pk)
    else:
        initial = {}
        if statement is not None:
            initial = {
                "speakers": statement.speaker.name if statement.speaker else "",
                "published": statement.occasion_date,
            }
        form = PrimarySourceForm(initial=initial)
    return render(request, "articles/primary_add.html", {"form": form, "statement": statement})


@require_GET
@require(can_annotate)
def primary_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(PrimarySourceJob.objects.select_related("article", "statement"), pk=pk)
    joined = Statement.objects.filter(pk__in=job.joined).select_related("speaker", "reference")
    context = {
        "job": job,
        "joined": joined,
        "silent": job.is_active and timezone.now() - job.created_at > SILENT_AFTER,
    }
    name = "articles/primary_job.html"
    if request.htmx and not request.htmx.history_restore_request:
        name += "#status"
    return render(request, name, context)


def _to_result(request: HttpRequest, job: PrimarySourceJob) -> HttpResponse:
    """Where a stored primary source is best seen: the statement it was added from, the one statement it
    joined, or its own page."""
    joined = len(job.joined)
    messages.success(
        request,
        f"Primary source stored: {job.sentences} sentence{'s' if job.sentences != 1 else ''} of its speakers; "
        f"{joined or 'no'} statement{'s' if joined != 1 else ''} now compared with it.",
    )
    if job.statement_id is not None and job.statement_id in job.joined:
        return redirect("statement_detail", pk=job.statement_id)
    if joined == 1:
        return redirect("statement_detail", pk=job.joined[0])
    return redirect("article_detail", pk=job.article_id)
