"""Journalists' review queue (the machine's least certain decisions first) and their agreement on labels."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles import corrections
from articles.models import Label, Quote
from articles.nlp.diff import propose_label
from articles.review import agreement, queue
from articles.roles import can_annotate, require
from articles.views.statements import page_number

PAGE_SIZE = 25


@require_GET
@require(can_annotate)
def review_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(queue().select_related("statement__reference"), PAGE_SIZE).get_page(
        page_number(request.GET.get("page"))
    )
    for quote in page.object_list:
        # the label the statement page proposes, against the same reference; none once a journalist labelled
        reference = quote.statement.reference if quote.statement else None
        quote.proposal = None
        if reference and quote.label_confidence is not None and not quote.labelled:
            proposal = propose_label(reference=reference.text, other=quote.text, other_kind=quote.kind)
            quote.proposal = (Label(proposal.label).label, proposal.evidence)
    return render(request, "articles/review_queue.html", {"page": page})


@require_POST
@require(can_annotate)
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    quote = get_object_or_404(Quote.objects.select_related("speaker", "statement"), pk=pk)
    decision = request.POST.get("decision", "")
    try:
        corrections.confirm_decision(actor=request.user, quote=quote, decision=decision)
    except ValidationError as error:
        messages.error(request, f"Nothing confirmed: {' '.join(error.messages)}.")
    else:
        messages.success(
            request,
            f"Confirmed the {decision} of “{quote.text[:60]}”: the decision left the queue (undo from its statement's"
            " history).",
        )
    return redirect(reverse("review_queue") + f"?page={page_number(request.GET.get('page'))}")


@require_GET
@require(can_annotate)
def review_agreement(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/review_agreement.html", {"pairs": agreement()})
