"""Admins' uploads: the upload form, the list of recent jobs and a job's page, which polls while the job runs.

Permission checks are here (admins only, 403 otherwise); the work is in articles.uploads and the worker.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from articles.forms import UploadForm
from articles.models import Article, IngestJob, Statement
from articles.roles import can_upload, require
from articles.sources import ACCEPTED
from articles.uploads import create_upload, current_limits, human_size, looks_stalled

RECENT_JOBS = 5
PAGE_SIZE = 25


def limits_context() -> dict:
    limits = current_limits()
    return {
        "max_files": limits.max_files,
        "max_file": human_size(limits.max_file_bytes),
        "max_batch": human_size(limits.max_batch_bytes),
        "max_pasted": human_size(limits.max_pasted_bytes),
        "max_archive": human_size(limits.max_archive_bytes),
        "max_links": limits.max_links,
        "accepted": ", ".join(ACCEPTED),
    }


@require_http_methods(["GET", "POST"])
@require(can_upload)
@csrf_protect
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            job = create_upload(
                files=data["files"],
                text=data["text"],
                links=data["links"],
                outlet=data["outlet"],
                published=data["published"],
                url=data["url"],
                user=request.user,
            )
            return redirect("job_detail", pk=job.pk)
    else:
        form = UploadForm()
    recent = IngestJob.objects.recent()[:RECENT_JOBS]
    return render(request, "articles/upload.html", {"form": form, "limits": limits_context(), "jobs": recent})


@require_GET
@require(can_upload)
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(IngestJob.objects.recent(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/job_list.html", {"page": page, "jobs": page.object_list})


@require_GET
@require(can_upload)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(IngestJob.objects.select_related("created_by"), pk=pk)
    files = list(job.files.order_by("position"))
    outcomes = [outcome for file in files for outcome in file.outcomes]
    articles = Article.objects.select_related("outlet").in_bulk(
        {o["article_id"] for o in outcomes if o.get("article_id")}
    )
    statements = Statement.objects.select_related("speaker", "reference").in_bulk(
        {pk for o in outcomes for pk in o.get("statements") or ()}
    )
    rows = [
        {
            "file": file,
            "outcomes": [
                {
                    **outcome,
                    "article": articles.get(outcome.get("article_id")),
                    "joined": [statements[pk] for pk in outcome.get("statements") or () if pk in statements],
                }
                for outcome in file.outcomes
            ],
        }
        for file in files
    ]
    context = {"job": job, "rows": rows, "stalled": looks_stalled(job)}
    name = "articles/job_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        name += "#status"
    return render(request, name, context)
