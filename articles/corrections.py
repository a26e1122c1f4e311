"""Journalists' labels and corrections: each one is a service that writes an AuditEvent and can be undone.

Undo is generic: every correction records the rows it touched as they were before (and which rows it created),
the rows the statement refresh then rewrites included, so undoing restores those rows — re-creating deleted
ones with their old ids — and deletes the created ones. Manual decisions are marked `Decision.MANUAL`, which
ingest never overrides.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from articles.models import (
    UNDO,
    AuditEvent,
    AuditRow,
    Decision,
    Label,
    Quote,
    Speaker,
    SpeakerAlias,
    Statement,
    VariantLabel,
)
from articles.nlp.confidence import MANUAL as MANUAL_CONFIDENCE
from articles.nlp.diff import propose_label
from articles.statements import recompute

# Models a correction may touch, by the name used in audit records.
MODELS: dict[str, type[models.Model]] = {
    "quote": Quote,
    "statement": Statement,
    "speaker": Speaker,
    "speakeralias": SpeakerAlias,
    "variantlabel": VariantLabel,
}


def _row(instance: models.Model) -> dict:
    return {f.attname: _json(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@dataclass
class _Record:
    """Rows as they were before a correction, and rows it created."""

    before: dict[str, dict[str, dict]] = field(default_factory=dict)
    created: dict[str, list[int]] = field(default_factory=dict)
    # Statements the correction removed, with the events of their history (which the removal unlinks)
    history: dict[str, list[int]] = field(default_factory=dict)

    def keep(self, *instances: models.Model) -> None:
        for instance in instances:
            name = instance._meta.model_name
            if instance.pk in self.created.get(name, ()):
                continue  # undo deletes it: nothing to restore
            rows = self.before.setdefault(name, {})
            rows.setdefault(str(instance.pk), _row(instance))

    def keep_rows(self, rows: Iterable[models.Model]) -> None:
        self.keep(*rows)

    def touched(self) -> set[tuple[str, int]]:
        kept = {(name, int(pk)) for name, rows in self.before.items() for pk in rows}
        return kept | {(name, pk) for name, pks in self.created.items() for pk in pks}

    def new(self, instance: models.Model) -> None:
        self.created.setdefault(instance._meta.model_name, []).append(instance.pk)


def _audit(
    *, actor: AbstractBaseUser, action: str, target: models.Model, record: _Record, statement: Statement | None,
    summary: dict, refers_to: int | None = None,
) -> AuditEvent:  # fmt: skip
    """`refers_to`: the other statement the correction touched (merged in, moved to), linked from the history."""
    event = AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=target._meta.model_name,
        object_id=str(target.pk),
        # A statement emptied by the correction is gone: its history then lives on in the rows kept for undo.
        statement=statement if statement and Statement.objects.filter(pk=statement.pk).exists() else None,
        before={
            "rows": record.before,
            "summary": summary.get("before"),
            "statement": statement.pk if statement else None,
            "history": record.history,
            "refers_to": refers_to,
        },
        after={"created": record.created, "summary": summary.get("after")},
    )
    AuditRow.objects.bulk_create(
        AuditRow(event=event, model=name, object_id=pk) for name, pk in sorted(record.touched())
    )
    return event


# --- labels -----------------------------------------------------------------------------------------------


def add_label(
    *, actor: AbstractBaseUser, quote: Quote, label: str, severity: int, note: str = "", evidence: str = ""
) -> VariantLabel:
    if label not in Label.values:
        raise ValidationError(f"{label!r} is not a label")
    if not 0 <= severity <= 3:
        raise ValidationError("severity must be between 0 and 3")
    with transaction.atomic():
        record = _Record()
        variant = VariantLabel.objects.create(
            quote=quote,
            label=label,
            severity=severity,
            note=note,
            evidence=evidence,
            author=actor,
            proposed=False,
        )
        record.new(variant)
        _audit(
            actor=actor, action="label", target=quote, record=record, statement=quote.statement,
            summary={"after": f"{Label(label).label} ({severity}){': ' + note if note else ''}"},
        )  # fmt: skip
    return variant


def confirm_proposed_label(*, actor: AbstractBaseUser, quote: Quote) -> VariantLabel:
    """The machine's proposal against the statement's reference, confirmed by a journalist in one click."""
    reference = quote.statement.reference if quote.statement and quote.statement.reference else quote
    proposal = propose_label(reference=reference.text, other=quote.text, other_kind=quote.kind)
    return add_label(
        actor=actor, quote=quote, label=proposal.label, severity=proposal.severity, evidence=proposal.evidence
    )


# --- corrections ----------------------------------------------------------------------------------------------


def move_quote(*, actor: AbstractBaseUser, quote: Quote, to: Statement | None) -> Statement:
    """File a rendering under another statement, or under a new one when `to` is None."""
    with transaction.atomic():
        record = _Record()
        old = quote.statement
        record.keep(quote, *(s for s in [old, to] if s))
        if to is None:
            to = Statement.objects.create(speaker=quote.speaker)
            record.new(to)
        if old and old.pk == to.pk:
            raise ValidationError("the rendering is already filed under that statement")
        quote.statement, quote.statement_decided_by = to, Decision.MANUAL
        quote.save(update_fields=["statement", "statement_decided_by"])
        _refresh(record, [old.pk if old else None, to.pk])
        _audit(
            actor=actor, action="move rendering", target=quote, record=record, statement=old,
            summary={"before": f"statement {old.pk if old else None}", "after": f"statement {to.pk}"},
            refers_to=to.pk,
        )  # fmt: skip
        _audit_mirror(actor=actor, action="move rendering", target=quote, statement=to)
    return to


def merge_statements(*, actor: AbstractBaseUser, into: Statement, other: Statement) -> Statement:
    """Every rendering of `other` joins `into`; `other` is removed."""
    if into.pk == other.pk:
        raise ValidationError("a statement cannot be merged with itself")
    with transaction.atomic():
        record = _Record()
        quotes = list(other.renderings.all())
        record.keep(into, other, *quotes)
        for quote in quotes:
            quote.statement, quote.statement_decided_by = into, Decision.MANUAL
        Quote.objects.bulk_update(quotes, ["statement", "statement_decided_by"])
        AuditEvent.objects.filter(statement=other).update(statement=into)
        other_pk = other.pk
        merged = f"statement {other_pk} (“{other.label}”{', ' + other.speaker.name if other.speaker else ''})"
        other.delete()  # (its pk is None from here)
        _refresh(record, [into.pk])
        _audit(
            actor=actor, action="merge statements", target=into, record=record, statement=into,
            summary={"before": merged, "after": f"merged into statement {into.pk}"}, refers_to=other_pk,
        )  # fmt: skip
    return into


# A decision journalists confirm: who decided it, and how sure of it we are (a person's is 1.0).
CONFIRMABLE = {
    "speaker": ("speaker_decided_by", "speaker_confidence"),
    "statement": ("statement_decided_by", "statement_confidence"),
}


def confirm_decision(*, actor: AbstractBaseUser, quote: Quote, decision: str) -> Quote:
    """A journalist says the machine's speaker, statement or proposed label for a rendering is right: it becomes
    a person's decision, which leaves the review queue and which ingest keeps."""
    if decision == "label":
        if quote.labels.filter(proposed=False).exists():
            raise ValidationError("this rendering is already labelled by a person")
        confirm_proposed_label(actor=actor, quote=quote)
        return quote
    if decision not in CONFIRMABLE:
        raise ValidationError(f"{decision!r} is not a decision to confirm: speaker, statement or label")
    column, confidence = CONFIRMABLE[decision]
    if getattr(quote, column) == Decision.MANUAL:
        raise ValidationError(f"the {decision} of this rendering is already a person's decision")
    with transaction.atomic():
        record = _Record()
        record.keep(quote)
        setattr(quote, column, Decision.MANUAL)
        setattr(quote, confidence, MANUAL_CONFIDENCE)
        quote.save(update_fields=[column, confidence])
        shown = (
            (quote.attributed_to or "unknown") if decision == "speaker" else f"statement {quote.statement_id}"
        )
        _audit(
            actor=actor, action=f"confirm {decision}", target=quote, record=record, statement=quote.statement,
            summary={"before": f"{shown} (automatic)", "after": f"{shown} (confirmed)"},
        )  # fmt: skip
    return quote


def change_speaker(*, actor: AbstractBaseUser, quote: Quote, name: str) -> Speaker:
    """Credit a rendering to the named speaker (an existing one, by name or alias, or a new one)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("give the speaker's name")
    longest = Speaker._meta.get_field("name").max_length
    if len(name) > longest:
        raise ValidationError(f"a speaker's name has at most {longest} characters")
    if not name.isprintable():
        raise ValidationError("a speaker's name cannot hold control characters")
    with transaction.atomic():
        record = _Record()
        record.keep(quote)
        speaker = known_speaker(name)
        if speaker is None:
            speaker = Speaker.objects.create(name=name)
            record.new(speaker)
        before = quote.speaker.name if quote.speaker else None
        quote.speaker, quote.speaker_decided_by = speaker, Decision.MANUAL
        quote.save(update_fields=["speaker", "speaker_decided_by"])
        _refresh(record, [quote.statement_id])
        _audit(
            actor=actor, action="change speaker", target=quote, record=record, statement=quote.statement,
            summary={"before": before, "after": speaker.name},
        )  # fmt: skip
    return speaker


def known_speaker(name: str) -> Speaker | None:
    """The speaker of that name or alias, whatever its case and spacing."""
    name = " ".join(name.split())
    return (
        Speaker.objects.filter(name__iexact=name).first()
        or Speaker.objects.filter(aliases__name__iexact=name).first()
    )


def set_reference(*, actor: AbstractBaseUser, statement: Statement, quote: Quote) -> None:
    """A person chooses the rendering the others are compared with; ingest keeps the choice."""
    if quote.statement_id != statement.pk:
        raise ValidationError("the reference must be one of the statement's renderings")
    with transaction.atomic():
        record = _Record()
        record.keep(statement)
        before = statement.reference.text if statement.reference else None
        statement.reference, statement.reference_decided_by = quote, Decision.MANUAL
        statement.save(update_fields=["reference", "reference_decided_by"])
        _refresh(record, [statement.pk])
        _audit(
            actor=actor, action="set reference", target=statement, record=record, statement=statement,
            summary={"before": before, "after": quote.text[:200]},
        )  # fmt: skip


def merge_speakers(*, actor: AbstractBaseUser, into: Speaker, other: Speaker) -> Speaker:
    """`other` becomes an alias of `into`: its renderings, statements and aliases move over."""
    if into.pk == other.pk:
        raise ValidationError("a speaker cannot be merged with itself")
    with transaction.atomic():
        record = _Record()
        quotes, statements = list(other.quotes.all()), list(other.statements.all())
        aliases = list(other.aliases.all())
        record.keep(into, other, *quotes, *statements, *aliases)
        Quote.objects.filter(speaker=other).update(speaker=into)
        Statement.objects.filter(speaker=other).update(speaker=into)
        SpeakerAlias.objects.filter(speaker=other).update(speaker=into)
        name = other.name
        other.delete()
        alias = SpeakerAlias.objects.create(
            speaker=into, name=name, decided_by=Decision.MANUAL, evidence=f"merged by {actor}"
        )
        record.new(alias)
        _audit(
            actor=actor, action="merge speakers", target=into, record=record, statement=None,
            summary={"before": f"{into.name} and {name}", "after": f"{into.name} (alias {name})"},
        )  # fmt: skip
    return into


def reject_quote(*, actor: AbstractBaseUser, quote: Quote) -> None:
    """Mark a span as not a quotation: it leaves its statement and stays out of it on re-ingest."""
    with transaction.atomic():
        record = _Record()
        statement = quote.statement
        record.keep(quote, *([statement] if statement else []))
        quote.not_a_quote, quote.statement = True, None
        quote.statement_decided_by = Decision.MANUAL
        quote.save(update_fields=["not_a_quote", "statement", "statement_decided_by"])
        _refresh(record, [statement.pk if statement else None])
        _audit(
            actor=actor, action="not a quotation", target=quote, record=record, statement=statement,
            summary={"before": quote.text[:200], "after": "not a quotation"},
        )  # fmt: skip


def undo(*, actor: AbstractBaseUser, event: AuditEvent) -> AuditEvent:
    """Restore the rows a correction touched and delete those it created; recorded as its own event.

    Checked and restored in one transaction, the event locked (on PostgreSQL) so that two journalists undoing
    it at once cannot both succeed."""
    if event.action.startswith(UNDO):
        raise ValidationError("an undo cannot itself be undone; make the correction again")
    with transaction.atomic():
        event = AuditEvent.objects.select_for_update().get(pk=event.pk)
        if event.undone:
            raise ValidationError("this correction was already undone")
        if _changed_later(event):
            raise ValidationError("a later correction changed the same rows: undo that one first")
        rows = event.before.get("rows", {})
        # Re-create what was deleted before restoring references to it, then delete what the change created.
        for name in ["speaker", "statement", "quote", "speakeralias", "variantlabel"]:
            model = MODELS[name]
            # Only fields the model still has: a snapshot outlives migrations that rename or drop a field
            # (a field added since keeps its current value, or its default for a re-created row).
            current = {f.attname for f in model._meta.concrete_fields} - {"id"}
            for pk, values in rows.get(name, {}).items():
                fields = {k: v for k, v in values.items() if k in current}
                if name == "statement":
                    fields["reference_id"] = None  # set again below, once its quotes point back here
                model.objects.update_or_create(pk=int(pk), defaults=fields)
        for name, values in rows.get("statement", {}).items():
            Statement.objects.filter(pk=int(name)).update(reference_id=values.get("reference_id"))
        for name, pks in event.after.get("created", {}).items():
            MODELS[name].objects.filter(pk__in=pks).delete()
        statements = [int(pk) for pk in rows.get("statement", {})]
        statements += [v.get("statement_id") for v in rows.get("quote", {}).values()]
        recompute(statements)
        # A removed statement comes back with its history, this correction included.
        for pk, events in event.before.get("history", {}).items():
            AuditEvent.objects.filter(pk__in=events, statement__isnull=True).update(statement_id=int(pk))
        recorded = event.before.get("statement")
        if event.statement_id is None and recorded and Statement.objects.filter(pk=recorded).exists():
            event.statement_id = recorded
            event.save(update_fields=["statement"])
        return AuditEvent.objects.create(
            actor=actor,
            action=f"{UNDO} {event.action}",
            object_type="auditevent",
            object_id=AuditEvent.undo_object_id(event.pk),
            statement=event.statement
            if event.statement and Statement.objects.filter(pk=event.statement_id).exists()
            else None,
            before={"summary": event.after.get("summary")},
            after={"summary": event.before.get("summary")},
        )


def _changed_later(event: AuditEvent) -> bool:
    """Whether a later correction (not an undo) recorded one of the rows this one changed or created."""
    mine: dict[str, list[int]] = {}
    for name, pk in AuditRow.objects.filter(event=event).values_list("model", "object_id"):
        mine.setdefault(name, []).append(pk)
    if not mine:
        return False
    same_rows = Q()
    for name, pks in mine.items():
        same_rows |= Q(model=name, object_id__in=pks)
    later = AuditRow.objects.filter(same_rows, event__pk__gt=event.pk)
    return later.exclude(event__action__startswith=UNDO).exists()


def _refresh(record: _Record, statement_ids: Iterable[int | None]) -> None:
    """Recompute the statements; every row the refresh rewrites or deletes is kept for undo first, and the
    history of a statement it removes (left without renderings) is noted, for undo to link back."""
    ids = [pk for pk in statement_ids if pk]
    history: dict[int, list[int]] = {}
    for event, statement in AuditEvent.objects.filter(statement__in=ids).values_list("pk", "statement_id"):
        history.setdefault(statement, []).append(event)
    recompute(ids, keep=record.keep_rows)
    for gone in set(ids) - set(Statement.objects.filter(pk__in=ids).values_list("pk", flat=True)):
        record.history[str(gone)] = history.get(gone, [])


def _audit_mirror(
    *, actor: AbstractBaseUser, action: str, target: models.Model, statement: Statement
) -> None:
    """The destination statement's history shows a moved-in rendering too (a note; undo runs from the origin)."""
    if statement.pk:
        AuditEvent.objects.create(
            actor=actor, action=f"{action} (arrived)", object_type=target._meta.model_name,
            object_id=str(target.pk), statement=statement,
        )  # fmt: skip
