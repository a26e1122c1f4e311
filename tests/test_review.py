"""The review queue (the machine's least certain decisions first, confirmed in one click, undoable, kept on
re-ingest) and journalists' agreement on labels (Cohen's kappa, disputed renderings)."""

import importlib
import types

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from articles import corrections
from articles.ingest import ingest_sources
from articles.management.commands.export_quotes import quote_records
from articles.models import AuditEvent, Quote, Speaker, Statement, VariantLabel
from articles.nlp.confidence import LABEL_CERTAINTY, MANUAL
from articles.review import agreement, kappa, queue
from articles.sources import Source
from tests.factories import make_article, make_quote, make_statement_with_renderings, make_user

pytestmark = pytest.mark.django_db
TEXT = "The engine weaves algebraic patterns just as the loom weaves flowers and leaves."


def renderings(n: int = 3) -> list[Quote]:
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=n)
    return list(statement.renderings.order_by("pk"))


def test_the_queue_puts_the_least_confident_decision_first_and_leaves_out_what_a_person_decided():
    a, b, c = renderings()
    Quote.objects.filter(pk=a.pk).update(speaker_confidence=0.9, statement_confidence=0.8)
    Quote.objects.filter(pk=b.pk).update(speaker_confidence=0.3, statement_confidence=0.95)
    Quote.objects.filter(pk=c.pk).update(
        speaker_confidence=0.1, speaker_decided_by="manual", statement_confidence=0.6
    )
    assert [(q.pk, round(q.doubt, 2)) for q in queue()] == [(b.pk, 0.3), (c.pk, 0.6), (a.pk, 0.8)]
    Quote.objects.filter(pk=c.pk).update(statement_decided_by="manual")
    assert c.pk not in {q.pk for q in queue()}


def test_a_journalist_confirms_a_speaker_in_one_click_and_can_undo_it(client):
    a, b = renderings(2)
    Quote.objects.filter(pk__in=[a.pk, b.pk]).update(speaker_confidence=0.4, statement_confidence=0.9)
    journalist = make_user("journalist")
    client.force_login(journalist)
    html = client.get(reverse("review_queue")).content.decode()
    assert "40% sure" in html and "Speaker is right" in html
    response = client.post(reverse("review_confirm", args=[a.pk]), {"decision": "speaker"}, follow=True)
    assert "left the queue" in response.content.decode()
    a.refresh_from_db()
    assert (a.speaker_decided_by, a.speaker_confidence) == ("manual", 1.0)
    assert [q.doubt for q in queue() if q.pk == a.pk] == [0.9]
    event = AuditEvent.objects.get(action="confirm speaker")
    assert (event.before["summary"], event.after["summary"]) == (
        "Ada Lovelace (automatic)",
        "Ada Lovelace (confirmed)",
    )
    again = client.post(reverse("review_confirm", args=[a.pk]), {"decision": "speaker"}, follow=True)
    assert "already a person" in again.content.decode()
    corrections.undo(actor=journalist, event=event)
    a.refresh_from_db()
    assert (a.speaker_decided_by, a.speaker_confidence) == ("auto", 0.4)


def test_a_confirmed_speaker_is_kept_when_the_article_is_ingested_again():
    words = "“We will rebuild the harbour wall before the winter storms,” said mayor Ines Duarte on Monday."
    [outcome] = ingest_sources(sources=[Source("wall.txt", words, "Harbour wall", outlet="Valley Post")])
    quote = Quote.objects.get()
    corrections.confirm_decision(actor=make_user("journalist"), quote=quote, decision="speaker")
    list(
        ingest_sources(
            sources=[Source("wall.txt", words + " The council agreed.", "Harbour wall", outlet="Valley Post")]
        )
    )
    assert Quote.objects.get().speaker_decided_by == "manual"


def test_only_speaker_statement_or_label_can_be_confirmed(client):
    [a] = renderings(1)
    client.force_login(make_user("journalist"))
    response = client.post(reverse("review_confirm", args=[a.pk]), {"decision": "reference"}, follow=True)
    assert "is not a decision to confirm: speaker, statement or label" in response.content.decode()
    assert not AuditEvent.objects.exists()


HARBOUR = "We will rebuild the harbour wall before the winter storms and we will pay for every stone of it ourselves."
TRIMMED = "We will rebuild the harbour wall"
REWORDED = "We are going to repair the sea wall ahead of the storms and pay for every stone of it ourselves."


def statement_of(*texts: str) -> list[Quote]:
    """One statement whose renderings are `texts`, each in its own article (the first, longest, the reference)."""
    speaker = Speaker.objects.create(name="Ines Duarte")
    statement = Statement.objects.create(speaker=speaker)
    quotes = [
        make_quote(
            article=make_article(body=f"Wall\n\nThe mayor said: “{text}”"), text=text, statement=statement
        )
        for text in texts
    ]
    Statement.objects.filter(pk=statement.pk).recompute()
    for quote in quotes:
        quote.refresh_from_db()
    return quotes


def test_each_rendering_keeps_the_confidence_of_the_label_proposed_against_its_reference():
    reference, trimmed, reworded = statement_of(HARBOUR, TRIMMED, REWORDED)
    assert reference.label_confidence is None  # nothing to propose: the others are judged against it
    assert trimmed.label_confidence == LABEL_CERTAINTY["trimmed"]
    assert 0.5 <= reworded.label_confidence < trimmed.label_confidence
    corrections.set_reference(actor=make_user("journalist"), statement=reference.statement, quote=reworded)
    reference.refresh_from_db(), reworded.refresh_from_db()
    assert reworded.label_confidence is None and reference.label_confidence is not None


def test_the_migration_fills_existing_renderings_as_the_statement_refresh_does():
    expected = {quote.pk: quote.label_confidence for quote in statement_of(HARBOUR, TRIMMED, REWORDED)}
    Quote.objects.update(label_confidence=None)
    migration = importlib.import_module("articles.migrations.0023_quote_label_confidence")
    migration.fill(apps, types.SimpleNamespace(connection=connection))
    assert dict(Quote.objects.values_list("pk", "label_confidence")) == expected


def test_a_doubtful_label_comes_first_and_leaves_the_queue_once_a_journalist_labels_it():
    reference, trimmed, reworded = statement_of(HARBOUR, TRIMMED, REWORDED)
    Quote.objects.update(speaker_confidence=0.9, statement_confidence=0.9)
    assert [q.pk for q in queue()][0] == reworded.pk
    assert next(q.doubt for q in queue() if q.pk == reworded.pk) == reworded.label_confidence
    corrections.add_label(actor=make_user("journalist"), quote=reworded, label="paraphrase", severity=2)
    assert next(q.doubt for q in queue() if q.pk == reworded.pk) == 0.9
    exported = {record["text"]: record["label_confidence"] for record in quote_records()}
    assert exported == {HARBOUR: None, TRIMMED: LABEL_CERTAINTY["trimmed"], REWORDED: MANUAL}


def test_a_journalist_confirms_a_proposed_label_from_the_queue_and_can_undo_it(client):
    reference, trimmed = statement_of(HARBOUR, TRIMMED)
    Quote.objects.update(speaker_confidence=0.95, statement_confidence=0.95)
    journalist = make_user("journalist")
    client.force_login(journalist)
    html = client.get(reverse("review_queue")).content.decode()
    assert "the last 14 words are missing" in html and "Label is right" in html
    response = client.post(reverse("review_confirm", args=[trimmed.pk]), {"decision": "label"}, follow=True)
    assert "Confirmed the label" in response.content.decode()
    label = VariantLabel.objects.get(quote=trimmed)
    assert (label.label, label.author, label.proposed) == ("trimmed", journalist, False)
    assert "labelled by a journalist" in client.get(reverse("review_queue")).content.decode()
    again = client.post(reverse("review_confirm", args=[trimmed.pk]), {"decision": "label"}, follow=True)
    assert "already labelled by a person" in again.content.decode()
    corrections.undo(actor=journalist, event=AuditEvent.objects.get(action="label"))
    assert not VariantLabel.objects.exists()


def test_kappa_is_agreement_beyond_chance():
    assert kappa(["x", "x", "y", "y"], ["x", "y", "y", "y"]) == pytest.approx(0.5)
    assert kappa(["x", "y"], ["x", "y"]) == 1.0
    assert kappa(["x", "x"], ["x", "x"]) is None  # one label throughout: chance explains everything


def test_two_journalists_labels_give_an_agreement_figure_and_a_disputed_filter(client):
    a, b, c = renderings()
    ada, bob = make_user("journalist", "ada"), make_user("journalist", "bob")
    for quote, first, second in [
        (a, "verbatim", "verbatim"),
        (b, "trimmed", "elided"),
        (c, "trimmed", "trimmed"),
    ]:
        corrections.add_label(actor=ada, quote=quote, label=first, severity=0)
        corrections.add_label(actor=bob, quote=quote, label=second, severity=0)
    [pair] = agreement()
    assert (pair.first, pair.second, pair.renderings, pair.agreed) == ("ada", "bob", 3, 2)
    assert pair.kappa == pytest.approx(
        kappa(["verbatim", "trimmed", "trimmed"], ["verbatim", "elided", "trimmed"])
    )
    client.force_login(ada)
    html = client.get(reverse("review_agreement")).content.decode()
    assert "ada and bob" in html and f"{pair.kappa:.2f}" in html
    listed = client.get(reverse("statement_list"), {"disputed": "on"}).context["page"].object_list
    assert [s.pk for s in listed] == [b.statement_id]
