from articles.nlp.attribution import ExtractedQuote, extract_quotes
from articles.nlp.confidence import SpeakerEvidence, speaker_confidence, statement_confidence, written_form
from articles.nlp.matching import Assignment, Rendering, assign_statements


def article(nlp, headline: str, *paragraphs: str) -> list[ExtractedQuote]:
    body = headline + "\n\n" + "\n\n".join(paragraphs)
    return extract_quotes(nlp(body), title_end=len(headline))


def by_text(quotes: list[ExtractedQuote], start: str) -> ExtractedQuote:
    return next(q for q in quotes if q.text.startswith(start) and q.kind != "indirect")


def confidence(quote: ExtractedQuote) -> float:
    return speaker_confidence(SpeakerEvidence.from_quote(quote))


def test_a_named_speaker_at_a_speech_verb_is_more_certain_than_one_carried_two_paragraphs_on(nlp):
    quotes = article(
        nlp,
        "Harbour bridge on schedule",
        "“The bridge will open in June as promised,” said Mayor Ines Duarte.",
        "The council met on Tuesday to approve the last payment to the builders.",
        "Engineers inspected the cables over the weekend and found no faults.",
        "“Nobody on the crews has missed a shift since the spring.”",
    )
    named, carried = by_text(quotes, "The bridge will"), by_text(quotes, "Nobody on the crews")
    assert named.speaker == carried.speaker == "Ines Duarte"
    assert (named.rule, named.explicit) == ("verb", True)
    assert (carried.rule, carried.explicit) == ("carried", False)
    assert 0.0 <= confidence(carried) < confidence(named) <= 1.0


def test_a_speaker_known_only_by_description_is_less_certain_than_a_named_one(nlp):
    quotes = article(
        nlp,
        "Port levy",
        "“The levy pays for the pumps, not for the offices,” said Mayor Ines Duarte.",
        "“The pumps failed twice this winter,” a harbour official said on Monday.",
    )
    named, described = by_text(quotes, "The levy"), by_text(quotes, "The pumps failed")
    assert described.speaker is None and described.speaker_as_written == "a harbour official"
    assert written_form(SpeakerEvidence.from_quote(described)) == "description"
    assert written_form(SpeakerEvidence.from_quote(named)) == "name"
    assert confidence(described) < confidence(named)


def test_a_pronoun_records_how_it_found_its_person(nlp):
    quotes = article(
        nlp,
        "Budget deal",
        "“We were promised a vote,” Senator Maria Alvarez said on Tuesday.",
        "“I will not support it,” she added.",
    )
    added = by_text(quotes, "I will not")
    assert added.speaker == "Maria Alvarez" and added.resolved_by != ""
    assert written_form(SpeakerEvidence.from_quote(added)) == "pronoun"


def test_an_inferred_speaker_takes_the_inferred_confidence():
    evidence = SpeakerEvidence(
        rule="verb", explicit=True, resolved_by="", kind="direct", speaker="Ines Duarte",
        as_written="a city official", speaker_kind="person", relay=False, inferred=True,
    )  # fmt: skip
    from articles.nlp import confidence as module

    assert speaker_confidence(evidence) == module.INFERRED_SPEAKER


def rendering(text: str, article: str) -> Rendering:
    return Rendering(text=text, kind="direct", speaker="Ines Duarte", published=None, article=article)


def test_a_near_verbatim_rendering_joins_with_more_confidence_than_a_loose_one():
    said = "The harbour wall will be finished before the winter storms arrive."
    candidates = {1: [rendering(said, "a")]}
    loose = "The harbour wall will be finished soon, and the winter storms will find the town ready."
    [verbatim] = assign_statements(new=[rendering(said, "b")], candidates=candidates, use_embedding=False)
    [reworded] = assign_statements(new=[rendering(loose, "b")], candidates=candidates, use_embedding=False)
    assert verbatim.statement == reworded.statement == 1
    assert 0.5 < statement_confidence(reworded) < statement_confidence(verbatim) == 0.95


def test_a_new_statement_is_less_certain_when_a_stored_one_came_near():
    candidates = {1: [rendering("The harbour wall will be finished before the winter storms arrive.", "a")]}
    near = "The harbour wall will be finished well before the first big storms, we hope."
    far = "Nobody asked the fishermen what they thought about the levy on the pumps."
    [close, apart] = assign_statements(
        new=[rendering(near, "b"), rendering(far, "b")], candidates=candidates, use_embedding=False
    )
    # undated, the near one falls just short of a match: a close call
    assert close.statement is None and apart.statement is None
    assert close.nearest > 0.6 and apart.nearest == 0.0
    assert statement_confidence(close) == 0.5 and statement_confidence(apart) == 0.95


def test_statement_confidence_is_monotone_in_the_score():
    scores = [0.45, 0.62, 0.8, 0.9, 1.0]
    values = [statement_confidence(Assignment(1, 0, True, s, "", words=8)) for s in scores]
    assert values == sorted(values) and values[0] == 0.5 and values[-1] == 0.95
    short = statement_confidence(Assignment(1, 0, True, 0.8, "", words=2))
    assert short < statement_confidence(Assignment(1, 0, True, 0.8, "", words=8))
