"""Word alignment of renderings: ops, columns, proposed labels and divergence, on sentences written here."""

import pytest

from articles.nlp.diff import Op, align_columns, diff, divergence, propose_label, tokenize

ROCK = (
    "Sino-Russian relations have a mature character and are solid as a rock, able to withstand the test "
    "of the changing international situation"
)
ROCK_SUBSTITUTED = "solid as rock and will stand the trials of the changing international situation"
ROCK_PARTIAL = "solid as a rock"
ROCK_HEADLINE = "Solid as Rock"
AFRICA = "Our friendship with the people of Africa is built on trust and mutual respect"


def kinds(ops: list[Op]) -> list[str]:
    return [op.kind for op in ops]


def test_tokens_keep_the_text_as_written_and_compare_by_a_forgiving_key():
    tokens = tokenize("\u201cSolid \u2014 as a ROCK,\u201d he said\u2019s")
    assert [t.text for t in tokens] == ["\u201cSolid \u2014", "as", "a", "ROCK,\u201d", "he", "said\u2019s"]
    assert [t.key for t in tokens] == ["solid", "as", "a", "rock", "he", "said's"]


def test_identical_renderings_are_one_equal_op():
    assert kinds(diff(reference=ROCK, other=ROCK)) == ["equal"]


def test_case_punctuation_and_quote_style_are_equal_but_keep_the_written_text():
    ops = diff(reference="It\u2019s a rock-solid deal.", other="it's a Rock-Solid deal")
    assert kinds(ops) == ["equal"]
    assert ops[0].other == ("it's", "a", "Rock-Solid", "deal")


def test_a_hyphenated_compound_equals_the_spaced_words():
    ops = diff(
        reference="Relations are rock-solid and will stay so",
        other="relations are rock solid and will stay so",
    )
    assert kinds(ops) == ["equal", "equal", "equal"]
    assert ops[1] == Op(kind="equal", reference=("rock-solid",), other=("rock", "solid"))


def test_spelling_variants_and_contractions_are_the_same_words_written_differently():
    ops = diff(
        reference="We're proud of the honour and didn't doubt the COVID-19 plan",
        other="We are proud of the honor and did not doubt the #COVID19 plan",
    )
    assert [op.kind for op in ops if op.kind != "equal"] == []
    assert (
        propose_label(
            reference="We're proud of the honour and didn't doubt it",
            other="We are proud of the honor",
            other_kind="direct",
        ).label
        == "trimmed"
    )


def test_words_that_only_look_alike_stay_different():
    for reference, other in [("its", "it's"), ("were", "we're"), ("did", "didn't"), ("four", "for")]:
        ops = diff(reference=f"They said {reference} fine", other=f"They said {other} fine")
        assert "replace" in kinds(ops), (reference, other)


def test_a_partial_quote_leaves_one_delete_at_each_edge():
    ops = diff(reference=ROCK, other=ROCK_PARTIAL)
    assert kinds(ops) == ["delete", "equal", "delete"]
    assert ops[0].reference == ("Sino-Russian", "relations", "have", "a", "mature", "character", "and", "are")
    assert ops[1].other == ("solid", "as", "a", "rock")
    assert len(ops[2].reference) == 10


def test_a_reworded_stretch_is_one_replace_not_split_on_a_shared_the():
    ops = diff(reference=ROCK, other=ROCK_SUBSTITUTED)
    assert kinds(ops) == ["delete", "equal", "delete", "equal", "replace", "equal"]
    assert ops[4] == Op(
        kind="replace",
        reference=("able", "to", "withstand", "the", "test"),
        other=("and", "will", "stand", "the", "trials"),
    )


def test_added_words_are_an_insert():
    ops = diff(reference="Relations are solid as a rock", other="Relations are very solid as a rock")
    assert ops[1] == Op(kind="insert", reference=(), other=("very",))


def test_a_stray_word_before_a_partial_quote_is_paired_only_with_its_neighbour():
    ops = diff(reference=ROCK, other="ties are solid as a rock")
    assert kinds(ops) == ["delete", "replace", "equal", "delete"]
    assert ops[1] == Op(kind="replace", reference=("and",), other=("ties",))


def test_columns_have_the_same_count_for_the_reference_and_every_rendering():
    others = [ROCK_SUBSTITUTED, ROCK_PARTIAL, ROCK_HEADLINE, ROCK, "Sino-Russian ties, he said, are solid"]
    ref_cells, rows = align_columns(reference=ROCK, others=others)
    assert len(rows) == len(others)
    assert {len(row.cells) for row in rows} == {len(ref_cells)}
    assert {len(row.kinds) for row in rows} == {len(ref_cells)}
    # Every word of every rendering appears exactly once, in order.
    assert [w for cell in ref_cells for w in cell] == [t.text for t in tokenize(ROCK)]
    for text, row in zip(others, rows, strict=True):
        assert [w for cell in row.cells for w in cell] == [t.text for t in tokenize(text)]


def test_columns_put_agreeing_words_under_the_reference_and_show_gaps_as_empty_cells():
    ref_cells, rows = align_columns(reference=ROCK, others=[ROCK_SUBSTITUTED, ROCK_PARTIAL])
    a = ref_cells.index(("a",))
    assert rows[0].cells[a] == () and rows[0].kinds[a] == "delete"
    assert rows[1].cells[a] == ("a",) and rows[1].kinds[a] == "equal"
    test = ref_cells.index(("able", "to", "withstand", "the", "test"))
    assert rows[0].cells[test] == ("and", "will", "stand", "the", "trials")
    assert rows[1].cells[test] == ()


def test_columns_give_added_words_their_own_column():
    ref_cells, rows = align_columns(
        reference="Relations are solid as a rock",
        others=["Relations are very solid as a rock", "Relations are solid"],
    )
    very = rows[0].cells.index(("very",))
    assert ref_cells[very] == () and rows[1].cells[very] == ()
    assert rows[0].kinds[very] == "insert"


@pytest.mark.parametrize(
    ("other", "other_kind", "label", "severity", "evidence"),
    [
        (ROCK, "direct", "verbatim", 0, "identical"),
        (ROCK.upper(), "direct", "cosmetic", 0, "only case, punctuation or quote style differ"),
        (ROCK_PARTIAL, "partial", "trimmed", 0, "trimmed: the first 8 and last 10 words are missing"),
        (
            "Sino-Russian relations have a mature character and are solid as a rock",
            "direct",
            "trimmed",
            0,
            "trimmed: the last 10 words are missing",
        ),
        (ROCK_HEADLINE, "headline", "trimmed", 0, "headline only: the first 8 and last 10 words are missing"),
        (ROCK_HEADLINE, "partial", "elided", 0, "1 word left out inside (“a”)"),
        (
            "Sino-Russian relations are solid as a rock, able to withstand the test of the changing international "
            "situation",
            "direct",
            "elided",
            1,
            "5 words left out inside (“have a mature character and”)",
        ),
        (f"{ROCK}, he added", "direct", "extended", 1, "2 words added"),
        (ROCK_SUBSTITUTED, "direct", "word_substitution", 1, "5 words substituted"),
        ("able to withstand the test, solid as a rock", "direct", "spliced", 2, "from another part"),
        (
            "Our friendship with African peoples rests upon confidence and reciprocal esteem",
            "direct",
            "translation_variant",
            1,
            "possibly another translation",
        ),
        (
            "Ties between Moscow and Beijing are strong and can survive any global upheaval",
            "direct",
            "paraphrase",
            2,
            "only 0 of 13 words match",
        ),
        (
            "Sino-Russian relations have a mature character and are not solid as a rock",
            "direct",
            "meaning_altered",
            2,
            "negation 'not' added",
        ),
    ],
)
def test_proposed_labels(other, other_kind, label, severity, evidence):
    reference = AFRICA if other.startswith("Our") else ROCK
    proposed = propose_label(reference=reference, other=other, other_kind=other_kind)
    assert (proposed.label, proposed.severity) == (label, severity)
    assert evidence in proposed.evidence


def test_a_changed_number_is_meaning_altered():
    proposed = propose_label(
        reference="Exports grew by 20 percent last year",
        other="Exports grew by 200 percent last year",
        other_kind="direct",
    )
    assert proposed.label == "meaning_altered"
    assert "'200' added" in proposed.evidence


def test_swapping_never_for_not_keeps_the_polarity():
    proposed = propose_label(
        reference="We will never accept any attempt to interfere in our internal affairs",
        other="We will not accept any attempt to interfere in our internal affairs",
        other_kind="direct",
    )
    assert (proposed.label, proposed.evidence) == ("word_substitution", "1 word substituted")


def test_reported_speech_with_other_words_is_a_harmless_paraphrase():
    proposed = propose_label(
        reference="We will never accept any attempt to interfere in our internal affairs",
        other="he said they would reject interference",
        other_kind="indirect",
    )
    assert (proposed.label, proposed.severity) == ("paraphrase", 0)


def test_divergence_orders_verbatim_trimmed_substituted_paraphrase():
    scores = [
        divergence(reference=ROCK, other=other)
        for other in [ROCK, ROCK_PARTIAL, ROCK_SUBSTITUTED, "Ties between Moscow and Beijing are strong"]
    ]
    assert scores == sorted(scores) and len(set(scores)) == 4
    assert scores[0] == 0.0 and scores[1] < 0.05 and scores[3] == 1.0


def test_divergence_counts_a_gap_inside_more_than_a_trimmed_end():
    trimmed = divergence(reference=ROCK, other="Sino-Russian relations have a mature character and are solid")
    elided = divergence(
        reference=ROCK, other="Sino-Russian relations are solid as a rock, able to withstand the test"
    )
    assert 0 < trimmed < elided < 0.25


def test_divergence_ignores_case_and_quote_style_and_handles_empty_text():
    assert divergence(reference=ROCK, other=ROCK.lower().replace(",", "")) == 0.0
    assert divergence(reference="", other="") == 0.0
    assert divergence(reference=ROCK, other="") == 1.0


def test_a_number_written_in_words_that_changes_alters_the_meaning():
    proposed = propose_label(
        reference="We will build twenty new hospitals in the north.",
        other="We will build twelve new hospitals in the north,",
        other_kind="direct",
    )
    assert (proposed.label, proposed.evidence) == (
        "meaning_altered",
        "number 'twenty' dropped; number 'twelve' added",
    )
    # "one" is a pronoun as often as a count: "one of the best" reworded is no changed number
    reworded = propose_label(
        reference="It is one of the best budgets in years.",
        other="It is among the best budgets in years,",
        other_kind="direct",
    )
    assert reworded.label != "meaning_altered"
