"""Labels and corrections: each writes an audit event and can be undone; manual decisions survive re-ingest."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from articles import corrections
from articles.models import AuditEvent, Decision, Quote, Speaker, SpeakerAlias, Statement
from tests.factories import make_quote, make_statement_with_renderings, make_user

pytestmark = pytest.mark.django_db
TEXT = "The engine weaves algebraic patterns just as the loom weaves flowers and leaves."


@pytest.fixture
def journalist():
    return make_user("journalist")


def snapshot() -> dict:
    return {
        "quotes": sorted(Quote.objects.values_list("pk", "statement_id", "speaker_id", "not_a_quote")),
        "statements": sorted(
            Statement.objects.values_list("pk", "speaker_id", "reference_id", "rendering_count")
        ),
        "speakers": sorted(Speaker.objects.values_list("pk", "name")),
        "aliases": sorted(SpeakerAlias.objects.values_list("name", "speaker_id")),
    }


def test_a_label_records_its_author_and_an_audit_event(journalist):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    label = corrections.add_label(
        actor=journalist, quote=statement.reference, label="trimmed", severity=1, note="x"
    )
    assert (label.author, label.proposed) == (journalist, False)
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.statement) == (journalist, "label", statement)


def test_confirming_the_proposed_label_stores_it_with_its_evidence(journalist):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    quote = statement.renderings.exclude(pk=statement.reference_id).first()
    label = corrections.confirm_proposed_label(actor=journalist, quote=quote)
    assert label.label == "verbatim" and label.evidence


def test_bad_labels_are_refused(journalist):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    with pytest.raises(ValidationError):
        corrections.add_label(actor=journalist, quote=statement.reference, label="rumour", severity=1)
    with pytest.raises(ValidationError):
        corrections.add_label(actor=journalist, quote=statement.reference, label="trimmed", severity=7)


def correction_cases():
    def move_to_new(actor, a, b):
        corrections.move_quote(actor=actor, quote=a.renderings.first(), to=None)

    def move_to_other(actor, a, b):
        corrections.move_quote(actor=actor, quote=a.renderings.first(), to=b)

    def merge(actor, a, b):
        corrections.merge_statements(actor=actor, into=a, other=b)

    def speaker(actor, a, b):
        corrections.change_speaker(actor=actor, quote=a.renderings.first(), name="Charles Babbage")

    def merge_speakers(actor, a, b):
        corrections.merge_speakers(actor=actor, into=a.speaker, other=b.speaker)

    def reject(actor, a, b):
        corrections.reject_quote(actor=actor, quote=a.renderings.first())

    def reference(actor, a, b):
        corrections.set_reference(
            actor=actor, statement=a, quote=a.renderings.exclude(pk=a.reference_id).first()
        )

    return [move_to_new, move_to_other, merge, speaker, merge_speakers, reject, reference]


@pytest.mark.parametrize("correct", correction_cases(), ids=lambda f: f.__name__)
def test_each_correction_is_audited_and_can_be_undone(journalist, correct):
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    b = make_statement_with_renderings(
        speaker_name="Alan Turing", text="Machines can think, said the paper.", outlets=2
    )
    before = snapshot()
    correct(journalist, a, b)
    assert snapshot() != before
    event = AuditEvent.objects.exclude(action__endswith="(arrived)").get()
    assert event.actor == journalist and event.before["rows"]
    corrections.undo(actor=journalist, event=event)
    assert snapshot() == before
    assert AuditEvent.objects.filter(action=f"undo {event.action}").exists()
    with pytest.raises(ValidationError):
        corrections.undo(actor=journalist, event=event)  # only once


def test_a_correction_cannot_be_undone_under_a_later_one(journalist):
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    quote = a.renderings.first()
    corrections.change_speaker(actor=journalist, quote=quote, name="Charles Babbage")
    corrections.change_speaker(actor=journalist, quote=quote, name="Mary Somerville")
    first = AuditEvent.objects.order_by("at").first()
    with pytest.raises(ValidationError, match="later correction"):
        corrections.undo(actor=journalist, event=first)


def test_merging_speakers_makes_the_other_an_alias_that_ingest_then_uses(journalist, tmp_path):
    (tmp_path / "a.txt").write_text("Speech\n\n“We will build it,” Mayor Jon Smyth said on Monday.")
    call_command("ingest", str(tmp_path / "a.txt"), stdout=io.StringIO())
    smyth = Speaker.objects.get(name="Jon Smyth")
    smith = Speaker.objects.create(name="Jon Smith")
    corrections.merge_speakers(actor=journalist, into=smith, other=smyth)
    assert SpeakerAlias.objects.get(name="Jon Smyth").speaker == smith
    (tmp_path / "b.txt").write_text("Later\n\n“It will be finished,” Mayor Jon Smyth told reporters.")
    call_command("ingest", str(tmp_path / "b.txt"), stdout=io.StringIO())
    assert Quote.objects.get(text="It will be finished,").speaker == smith


def test_manual_moves_and_rejections_survive_a_reingest_of_new_content(journalist, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(
        "Council meets\n\n“The budget is balanced,” Mayor Ann Lee said.\n\nShe called the plan “a fresh start”."
    )
    call_command("ingest", str(story), stdout=io.StringIO())
    balanced = Quote.objects.get(text__startswith="The budget")
    fresh = Quote.objects.get(text="a fresh start")
    target = corrections.move_quote(actor=journalist, quote=balanced, to=None)
    corrections.reject_quote(actor=journalist, quote=fresh)

    story.write_text(
        "Council meets\n\nUpdated at noon.\n\n“The budget is balanced,” Mayor Ann Lee said.\n\n"
        "She called the plan “a fresh start”."
    )
    out = io.StringIO()
    call_command("ingest", str(story), stdout=out)
    assert "1 updated" in out.getvalue()
    balanced = Quote.objects.get(text__startswith="The budget")
    assert balanced.statement == target and balanced.statement_decided_by == Decision.MANUAL
    assert Quote.objects.get(text="a fresh start").not_a_quote


def test_reingesting_the_same_files_keeps_every_manual_decision(journalist):
    seeds = Path(__file__).parent.parent / "demo" / "articles"
    call_command("ingest", str(seeds), stdout=io.StringIO())
    quote = Quote.objects.filter(statement__isnull=False).first()
    corrections.change_speaker(actor=journalist, quote=quote, name="Someone Else")
    corrections.add_label(actor=journalist, quote=quote, label="misattribution", severity=3)
    before = snapshot()
    call_command("ingest", str(seeds), stdout=io.StringIO())
    assert snapshot() == before


def test_undo_restores_the_speakers_the_statement_refresh_wrote(journalist):
    """A "…,” she added" rendering follows the speaker of the quote it continues, in another statement; a
    correction of that speaker reaches it through the refresh, and undo brings it back too."""
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    led = a.renderings.first()
    article = led.article
    added = "We may say most aptly that it weaves."
    article.body += f" “{added}” she added."
    article.save(update_fields=["body"])
    follower = make_quote(
        article=article, text=added, statement=Statement.objects.create(), speaker_follows=led
    )
    Statement.objects.filter(pk__in=[a.pk, follower.statement_id]).recompute()
    follower.refresh_from_db()
    assert follower.speaker.name == "Ada Lovelace"
    before = snapshot()
    corrections.change_speaker(actor=journalist, quote=led, name="Charles Babbage")
    follower.refresh_from_db()
    assert follower.speaker.name == "Charles Babbage"
    event = AuditEvent.objects.get()
    assert str(follower.pk) in event.before["rows"]["quote"]  # recorded, not recomputed on faith
    corrections.undo(actor=journalist, event=event)
    assert snapshot() == before


def test_undo_restores_a_snapshot_recorded_before_a_field_was_renamed(journalist):
    """Snapshots outlive migrations: one recorded when fields had other names (here a statement's `label` as
    `title`, a quote's `speaker_as_written` as `speaker_text`) and held a field dropped since still restores
    the rows, re-creating the deleted statement."""
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    quote = a.renderings.get()
    Quote.objects.filter(pk=quote.pk).update(speaker_as_written="Lovelace")
    before = snapshot()
    corrections.reject_quote(actor=journalist, quote=quote)  # its statement, left empty, is deleted
    assert not Statement.objects.filter(pk=a.pk).exists()
    event = AuditEvent.objects.get()
    rows = event.before["rows"]
    for row in rows["statement"].values():
        row["title"] = row.pop("label")
        row["dropped_since"] = 7
    for row in rows["quote"].values():
        row["speaker_text"] = row.pop("speaker_as_written")
    event.save(update_fields=["before"])
    corrections.undo(actor=journalist, event=event)
    assert snapshot() == before
    assert Quote.objects.get(pk=quote.pk).speaker_as_written == "Lovelace"  # unknown to the snapshot: kept
    assert Statement.objects.get(pk=a.pk).label  # recomputed from its rendering
