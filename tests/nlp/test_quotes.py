from articles.nlp.quotes import find_quote_spans, paragraph_bounds


def texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_quote_spans(text=text)]


def test_it_finds_curly_straight_and_guillemet_quotes():
    text = 'He said “yes” and “no”.\n\nShe said "maybe".\n\nIls ont dit «non» et „ja“.'
    assert texts(text) == ["yes", "no", "maybe", "non", "ja"]


def test_offsets_exclude_the_marks():
    text = "Ties are “rock-solid,” Wang said."
    (span,) = find_quote_spans(text=text)
    assert text[span.start - 1] == "“" and text[span.end] == "”"
    assert text[span.start : span.end] == "rock-solid,"


def test_a_nested_single_quote_belongs_to_the_outer_quote():
    assert texts("“They call it ‘salami tactics’ here,” he said.") == ["They call it ‘salami tactics’ here,"]
    assert texts("‘He told me “never” again,’ she said.") == ["He told me “never” again,"]
    # a straight mark right after the inner quote's closer closes the outer one
    text = "\"People say, 'It doesn't matter,'\" said Okafor. \"The question is, 'Ninety of what?' Ask.\""
    assert texts(text) == ["People say, 'It doesn't matter,'", "The question is, 'Ninety of what?' Ask."]


def test_apostrophes_are_not_quotation_marks():
    text = "Russia’s view, they don’t like rock ’n’ roll or the ’90s, and Jones’ car ’til dawn."
    assert texts(text) == []


def test_a_single_quote_with_a_plural_possessive_inside_closes_at_the_real_end():
    assert texts("‘The players’ union is wrong,’ he said.") == ["The players’ union is wrong,"]


def test_headline_single_quotes_around_a_possessive_word():
    assert texts("China hails ‘rock-solid’ relations with Russia’s leader") == ["rock-solid"]


def test_a_stray_mark_spoils_only_its_own_paragraph():
    text = "A stray “ mark, then “a real quote” here.\n\nNext “fine” one.\n\nBroken ” closer “ok”."
    assert texts(text) == ["a real quote", "fine", "ok"]


def test_an_unclosed_quote_never_swallows_the_next_paragraph():
    text = "He said “this never closes.\n\nThe reporter wrote on, and “this” is separate."
    assert "this" in texts(text)
    assert all("\n" not in t for t in texts(text))


def test_a_multi_paragraph_quote_is_one_span_per_paragraph_linked_together():
    text = (
        "“We will fight on,” the coach said. “We have the players.\n\n"
        "“And we have the fans behind us.”\n\nThe match is on Sunday."
    )
    spans = find_quote_spans(text=text)
    assert [text[s.start : s.end] for s in spans] == [
        "We will fight on,",
        "We have the players.",
        "And we have the fans behind us.",
    ]
    assert spans[1].continues and spans[2].continued and not spans[0].continues


def test_a_quote_opening_a_paragraph_without_closing_runs_to_its_end():
    text = "“This one is never closed by the sloppy editor.\n\nNew paragraph."
    assert texts(text) == ["This one is never closed by the sloppy editor."]


def test_paragraph_bounds_skip_blank_lines():
    text = "Head\n\n  First.  \n\n\n\nSecond."
    assert [text[a:b] for a, b in paragraph_bounds(text=text)] == ["Head", "First.", "Second."]


def test_wire_copy_marks_of_doubled_backticks_and_apostrophes():
    text = "The mayor says ``the bridge opens in June,'' adding it ``will not slip.''"
    assert texts(text) == ["the bridge opens in June,", "will not slip."]


def test_one_pair_of_marks_around_several_paragraphs_gives_each_paragraph_a_span():
    text = (
        "She wrote:\n\n“We rebuilt the wall in a year.\n\nNobody thought we could.\n\n"
        "We are proud of every one of them.”\n\nThe council met on Monday."
    )
    spans = find_quote_spans(text=text)
    assert [text[s.start : s.end] for s in spans] == [
        "We rebuilt the wall in a year.", "Nobody thought we could.", "We are proud of every one of them."
    ]  # fmt: skip
    assert [(s.continued, s.continues) for s in spans] == [(False, True), (True, True), (True, False)]


def test_a_quote_opened_after_a_colon_runs_on_to_the_paragraph_that_closes_it():
    text = "He said: ‘We won the vote tonight.\n\nTomorrow we start the work.’\n\nThe crowd cheered."
    assert texts(text) == ["We won the vote tonight.", "Tomorrow we start the work."]


def test_a_quote_that_lost_its_opening_mark_runs_from_its_paragraph_start():
    text = "The statement went on.\n\nWe failed the fishermen, and we are sorry for it.” The port said."
    assert texts(text) == ["We failed the fishermen, and we are sorry for it."]


def test_an_unclosed_quote_without_a_closing_paragraph_stays_in_its_own():
    text = "“We rebuilt the wall in a year.\n\nNobody thought we could.\n\nThe council met on Monday."
    assert texts(text) == ["We rebuilt the wall in a year."]


def test_a_plural_possessive_never_opens_a_quote_that_runs_on():
    text = (
        "Okafor dismissed the Nwosus’ claims about the fund.\n\n“Both sides signed the same deal,” she said."
    )
    assert texts(text) == ["Both sides signed the same deal,"]


def test_two_plural_possessives_never_pair_up_as_a_quote():
    text = (
        "She won, rather than just a “regional” candidate, as the Nwosus’ campaign manager said.\n"
        "She has 1,600 delegates, compared to the Nwosus’ 1,300."
    )
    assert texts(text) == ["regional"]
