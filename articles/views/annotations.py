"""Journalists' writes: labels and corrections. Every view is POST-only, CSRF-checked and permission-checked here.

An htmx request gets the statement's comparison re-rendered in place; a plain form post is redirected back.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from articles import corrections
from articles.forms import errors_text, typed_id, typed_text
from articles.models import AuditEvent, Label, Quote, Speaker, Statement
from articles.nlp.matching import TUNING
from articles.roles import can_annotate, require
from articles.views.pages import speaker_page
from articles.views.statements import FormAt, statement_page


class LabelForm(forms.Form):
    label = forms.ChoiceField(choices=Label.choices)
    severity = forms.IntegerField(min_value=0, max_value=3, initial=0)
    note = forms.CharField(required=False, max_length=2000)


def back_to_statement(
    request: HttpRequest, statement_id: int | None, error: str = "", at: FormAt | None = None
) -> HttpResponse:
    """The statement page after a write; an error is shown at the form it came from (`at`)."""
    if statement_id is None:
        return redirect("statement_list")
    if not Statement.objects.filter(pk=statement_id).exists():
        # removed by the correction: its page says so and offers undo (a whole page, not the comparison part)
        url = reverse("statement_detail", args=[statement_id])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return statement_page(request, statement_id, error=error, error_at=at, fragment=True)
    if error:
        return statement_page(request, statement_id, error=error, error_at=at)
    return redirect("statement_detail", statement_id)


def posted(rows, request: HttpRequest, field: str, *, source=None, **within):
    """The row (of a model or queryset) a form names by id, from the POST unless `source` says otherwise
    (typed by a person: anything else than a known id gives None)."""
    pk = typed_id((request.POST if source is None else source).get(field))
    rows = rows.objects.all() if isinstance(rows, type) else rows
    return None if pk is None else rows.filter(pk=pk, **within).first()


def quote_for_update(pk: int) -> Quote:
    return get_object_or_404(Quote.objects.select_related("statement__reference", "speaker"), pk=pk)


@require_POST
@require(can_annotate)
def label_quote(request: HttpRequest, pk: int) -> HttpResponse:
    quote = quote_for_update(pk)
    form = LabelForm(request.POST)
    if not form.is_valid():
        return back_to_statement(
            request,
            quote.statement_id,
            error=f"Label not saved: {errors_text(form)}",
            at=FormAt("label", quote.pk),
        )
    corrections.add_label(actor=request.user, quote=quote, **form.cleaned_data)
    return back_to_statement(request, quote.statement_id)


@require_POST
@require(can_annotate)
def confirm_label(request: HttpRequest, pk: int) -> HttpResponse:
    quote = quote_for_update(pk)
    corrections.confirm_proposed_label(actor=request.user, quote=quote)
    return back_to_statement(request, quote.statement_id)


@require_POST
@require(can_annotate)
def move_quote(request: HttpRequest, pk: int) -> HttpResponse:
    quote = quote_for_update(pk)
    origin = quote.statement_id
    target = request.POST.get("statement", "").strip()
    to = None
    if target and target != "new":
        to = posted(Statement, request, "statement")
        if to is None:
            return back_to_statement(
                request,
                origin,
                error=f"No statement {target!r} to move the rendering to.",
                at=FormAt("move", quote.pk),
            )
    try:
        to = corrections.move_quote(actor=request.user, quote=quote, to=to)
    except ValidationError as error:
        return back_to_statement(request, origin, error=" ".join(error.messages), at=FormAt("move", quote.pk))
    return back_to_statement(request, origin if Statement.objects.filter(pk=origin).exists() else to.pk)


@require_POST
@require(can_annotate)
def change_speaker(request: HttpRequest, pk: int) -> HttpResponse:
    quote = quote_for_update(pk)
    name = request.POST.get("name", "")
    if name.strip() and not request.POST.get("new") and corrections.known_speaker(name) is None:
        # a typo must not create a speaker: a new one is an explicit choice
        error = f"No known speaker “{typed_text(name)}”: choose a name offered as you type, or tick “a new speaker”."
        return back_to_statement(request, quote.statement_id, error=error, at=FormAt("speaker", quote.pk))
    try:
        corrections.change_speaker(actor=request.user, quote=quote, name=name)
    except ValidationError as error:
        return back_to_statement(
            request, quote.statement_id, error=" ".join(error.messages), at=FormAt("speaker", quote.pk)
        )
    return back_to_statement(request, quote.statement_id)


@require_POST
@require(can_annotate)
def reject_quote(request: HttpRequest, pk: int) -> HttpResponse:
    quote = quote_for_update(pk)
    statement_id = quote.statement_id
    corrections.reject_quote(actor=request.user, quote=quote)
    return back_to_statement(request, statement_id)


@require_POST
@require(can_annotate)
def merge_statements(request: HttpRequest, pk: int) -> HttpResponse:
    into = get_object_or_404(Statement, pk=pk)
    other = posted(Statement, request, "other")
    if other is None:
        return back_to_statement(
            request,
            into.pk,
            error=f"No statement {request.POST.get('other')!r} to merge.",
            at=FormAt("merge"),
        )
    try:
        corrections.merge_statements(actor=request.user, into=into, other=other)
    except ValidationError as error:
        return back_to_statement(request, into.pk, error=" ".join(error.messages), at=FormAt("merge"))
    return back_to_statement(request, into.pk)


@require_POST
@require(can_annotate)
def set_reference(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(Statement, pk=pk)
    quote = posted(Quote, request, "quote", statement=statement)
    if quote is None:
        return back_to_statement(request, statement.pk, error="Choose one of this statement's renderings.")
    corrections.set_reference(actor=request.user, statement=statement, quote=quote)
    return back_to_statement(request, statement.pk)


@require_POST
@require(can_annotate)
def merge_speakers(request: HttpRequest, pk: int) -> HttpResponse:
    into = get_object_or_404(Speaker, pk=pk)
    typed = request.POST.get("other_name", "")
    other = posted(Speaker, request, "other") or (corrections.known_speaker(typed) if typed.strip() else None)
    if other is None:
        error = (
            f"No known speaker “{typed_text(typed)}” to merge."
            if typed.strip()
            else "Choose a speaker to merge."
        )
        return speaker_page(request, into.pk, error=error)
    if other.pk == into.pk:
        return speaker_page(request, into.pk, error=f"{into.name} is this speaker: choose another one.")
    corrections.merge_speakers(actor=request.user, into=into, other=other)
    return redirect("speaker_detail", into.pk)


@require_POST
@require(can_annotate)
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent, pk=pk)
    if event.object_type == "speaker":  # a merge of speakers, undone from the speaker's page
        try:
            corrections.undo(actor=request.user, event=event)
        except ValidationError as error:
            return speaker_page(request, int(event.object_id), error=" ".join(error.messages))
        return redirect("speaker_detail", int(event.object_id))
    try:
        corrections.undo(actor=request.user, event=event)
    except ValidationError as error:
        return back_to_statement(request, event.statement_id, error=" ".join(error.messages))
    event.refresh_from_db()  # undoing a removal links the correction to its statement again
    return back_to_statement(request, event.statement_id)


# --- choosing a statement to merge ------------------------------------------------------------------------

MERGE_CANDIDATES = 10  # statements offered for a search


@require_GET
@require(can_annotate)
def merge_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Statements to merge into this one, found by words, speaker or outlet."""
    into = get_object_or_404(Statement, pk=pk)
    typed = typed_text(request.GET.get("find"))
    found = Statement.objects.none()
    if len(typed) >= 2:
        found = (
            Statement.objects.search(typed)  # words, speakers and outlets
            .exclude(pk=into.pk)
            .select_related("speaker")
            .order_by("-outlet_count", "-pk")[:MERGE_CANDIDATES]
        )
    context = {"statement": into, "candidates": found, "typed": typed}
    return render(request, "articles/merge_candidates.html", context)


@require_GET
@require(can_annotate)
def merge_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What merging would join, with a warning where the two disagree, and the button that does it."""
    into = get_object_or_404(Statement.objects.select_related("speaker", "reference"), pk=pk)
    other = posted(
        Statement.objects.select_related("speaker", "reference"), request, "other", source=request.GET
    )
    if other is None or other.pk == into.pk:
        return HttpResponse('<p class="error" role="alert">Choose another statement.</p>')
    warnings = []
    if into.speaker_id and other.speaker_id and into.speaker_id != other.speaker_id:
        warnings.append(f"The speakers differ: {into.speaker.name} here, {other.speaker.name} there.")
    if into.occasion_date and other.occasion_date:
        days = abs((into.occasion_date - other.occasion_date).days)
        if days > TUNING.same_occasion_days:
            warnings.append(f"The dates are {days} days apart: perhaps two occasions.")
    context = {"statement": into, "other": other, "warnings": warnings}
    return render(request, "articles/merge_preview.html", context)
