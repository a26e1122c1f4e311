import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.ingest import Overrides, ingest_sources
from articles.models import Decision, Quote, Speaker
from articles.nlp.confidence import CEILING, INFERRED_SPEAKER, LABEL_CERTAINTY, MANUAL, label_confidence
from articles.nlp.diff import ProposedLabel
from articles.sources import Source

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "data" / "corpus"

STORY = (
    "“The bridge will open in June as promised,” said Mayor Ines Duarte.\n\n"
    "The council met on Tuesday to approve the last payment to the builders.\n\n"
    "Engineers inspected the cables over the weekend and found no faults.\n\n"
    "“Nobody on the crews has missed a shift since the spring.”\n\n"
    "“The pumps failed twice this winter,” a harbour official said on Monday."
)


def ingest(*texts: str) -> None:
    sources = [Source(source_name=f"text_{i}.txt", text=t, title=None) for i, t in enumerate(texts)]
    for outcome in ingest_sources(sources=sources, overrides=Overrides()):
        assert outcome.status == "created", outcome


def test_ingest_gives_every_quote_a_speaker_and_a_statement_confidence():
    ingest(STORY)
    quotes = {q.text[:12]: q for q in Quote.objects.all()}
    assert all(0.0 <= q.speaker_confidence <= 1.0 for q in quotes.values())
    assert all(0.5 <= q.statement_confidence <= 0.95 for q in quotes.values())
    named, carried, described = quotes["The bridge w"], quotes["Nobody on th"], quotes["The pumps fa"]
    assert named.speaker_confidence > carried.speaker_confidence
    assert named.speaker_confidence > described.speaker_confidence


def test_a_speaker_inferred_from_another_outlet_takes_the_inferred_confidence():
    call_command("ingest", str(CORPUS), stdout=io.StringIO())
    rewrite = Quote.objects.get(
        article__source_name="harbor_rewrite.txt", text__startswith="The bridge will open"
    )
    assert rewrite.speaker_decided_by == Decision.INFERRED
    assert rewrite.speaker_confidence == INFERRED_SPEAKER


def test_the_export_carries_both_confidences_and_a_persons_decision_is_certain(tmp_path):
    ingest(STORY)
    quote = Quote.objects.get(text__startswith="Nobody on the crews")
    Quote.objects.filter(pk=quote.pk).update(
        speaker=Speaker.objects.create(name="Karl Holm"), speaker_decided_by=Decision.MANUAL
    )
    call_command("export_quotes", "--output", str(tmp_path / "q.jsonl"))
    records = {r["text"][:12]: r for r in map(json.loads, (tmp_path / "q.jsonl").read_text().splitlines())}
    stored = {q.text[:12]: q for q in Quote.objects.all()}
    assert records["Nobody on th"]["speaker_confidence"] == MANUAL
    named = records["The bridge w"]
    assert named["speaker_confidence"] == stored["The bridge w"].speaker_confidence < MANUAL
    assert named["statement_confidence"] == stored["The bridge w"].statement_confidence
    out = io.StringIO()
    call_command("export_quotes", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {"speaker_confidence", "statement_confidence", "label_confidence"} <= set(rows[0])
    assert all(float(row["speaker_confidence"]) > 0 for row in rows)


def test_a_persons_speaker_survives_re_ingest_as_certain(tmp_path):
    article_file = tmp_path / "story.txt"
    article_file.write_text("Bridge\n\n" + STORY)
    call_command("ingest", str(article_file), stdout=io.StringIO())
    quote = Quote.objects.get(text__startswith="Nobody on the crews")
    Quote.objects.filter(pk=quote.pk).update(
        speaker=Speaker.objects.create(name="Karl Holm"), speaker_decided_by=Decision.MANUAL
    )
    article_file.write_text("Bridge\n\nA correction was added.\n\n" + STORY)
    call_command("ingest", str(article_file), stdout=io.StringIO())
    quote = Quote.objects.get(text__startswith="Nobody on the crews")
    assert quote.speaker_decided_by == Decision.MANUAL and quote.speaker_confidence == MANUAL


def test_a_proposed_labels_confidence_grows_with_its_distance_from_the_threshold_that_decided_it():
    assert label_confidence(ProposedLabel("trimmed", 0, "", margin=None)) == LABEL_CERTAINTY["trimmed"]
    on, near, far = (label_confidence(ProposedLabel("paraphrase", 2, "", margin=m)) for m in (0.0, 0.1, 0.6))
    assert on == 0.5 < near < far == CEILING
