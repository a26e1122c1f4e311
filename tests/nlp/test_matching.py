"""Same-statement decisions: index keys, labelled pairs, incremental assignment, and the seed corpus."""

import dataclasses
import datetime
import itertools
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from articles.nlp.matching import TUNING, Rendering, assign_statements, index_keys, normalize

D = datetime.date

# Labelled pairs written for tuning matching (not from the seeds): `bin/fit_matching.py` reads them too.
PAIRS = [
    (p["a"], p["b"], p["same"])
    for p in json.loads((Path(__file__).parents[1] / "data" / "matching_pairs.json").read_text())["pairs"]
]


def r(text, *, kind="direct", speaker="Ana Costa", published=None, article="a1"):
    return Rendering(text=text, kind=kind, speaker=speaker, published=published, article=article)


@pytest.fixture(params=[False, True], ids=["words", "words+meaning"])
def embedding(request) -> bool:
    return request.param


# --- normal form and keys -------------------------------------------------------------------------------


def test_normalize_ignores_case_hyphens_quotes_and_accents():
    assert normalize("Rock Solid,") == normalize("rock-solid") == "rock solid"
    assert normalize("China\u2019s  Café") == "china cafe"


def test_a_partial_quote_shares_a_key_with_the_sentence_it_comes_from():
    assert set(index_keys("rock-solid")) & set(index_keys("…the relationship remains rock-solid, he said"))
    assert set(index_keys("Rock Solid,")) & set(index_keys("remains rock-solid"))
    assert set(index_keys("no-limits")) & set(index_keys("a no limits partnership"))


def test_translations_share_a_key():
    a = "we have consistently adhered to the basic principles of objectivity and impartiality"
    b = "consistently upheld the fundamental principles of objectivity and impartiality"
    assert set(index_keys(a)) & set(index_keys(b))


def test_derived_forms_share_a_key():
    assert set(index_keys("a public apology")) & set(index_keys("they publicly apologized"))


def test_keys_fit_a_signed_bigint_and_skip_function_words():
    keys = index_keys("It is what it is, and that is that")
    assert keys == []
    long = index_keys(
        "Sino-Russian relations have a mature character and are solid as a rock, able to withstand the test"
    )
    assert 5 <= len(long) <= 12
    assert all(-(2**63) <= k < 2**63 for k in long)


def test_unrelated_quotes_share_no_key():
    assert not set(index_keys("The bridge is safe for residents")) & set(
        index_keys("Inflation remains too high")
    )


# --- labelled pairs ---------------------------------------------------------------------------------------


def test_labelled_pairs_are_separated_at_the_match_threshold(embedding):
    outcomes = []
    for a, b, same in PAIRS:
        new = [r(a, article="x"), r(b, article="x")]
        out = assign_statements(new=new, candidates={}, use_embedding=embedding)
        outcomes.append((out[0].group == out[1].group) == same)
    wrong = [p[:2] for p, ok in zip(PAIRS, outcomes, strict=True) if not ok]
    # Words alone miss paraphrases; with meaning cover at most two of the 42 pairs are wrong.
    assert len(wrong) <= (2 if embedding else 6), wrong
    # Without meaning cover the errors are misses (paraphrases), never false merges.
    assert embedding or all(same for (a, b, same), ok in zip(PAIRS, outcomes, strict=True) if not ok)


def test_a_tuning_passed_in_is_the_one_decisions_use():
    a, b = (
        "The new line will carry trains every five minutes from next spring",
        "trains every five minutes on the new line from spring",
    )
    together = assign_statements(
        new=[r(a, article="x"), r(b, article="x")], candidates={}, use_embedding=False
    )
    assert together[0].group == together[1].group
    strict = dataclasses.replace(TUNING, match=0.99)
    apart = assign_statements(
        new=[r(a, article="x"), r(b, article="x")], candidates={}, use_embedding=False, tuning=strict
    )
    assert apart[0].group != apart[1].group


# --- assignment ----------------------------------------------------------------------------------------------


def test_headline_partial_and_full_sentence_of_one_article_form_one_statement():
    new = [
        r("Unbreakable", kind="headline"),
        r("unbreakable", kind="partial"),
        r("Our alliance with our neighbours is unbreakable and will outlast any government"),
        r("We will invest ten billion in the railways by 2030"),
    ]
    out = assign_statements(new=new, candidates={})
    assert out[0].group == out[1].group == out[2].group != out[3].group
    assert all(a.statement is None and a.keep for a in out)


def test_a_short_quote_of_one_article_joins_its_long_quote_only_as_a_fragment_of_it():
    long = r("Anyone who mocks me for posting at night should know I am awake and ready to serve")
    new = [
        long,
        r("ready to serve", kind="partial", speaker=None),  # copied from it
        r("she posts this, she says that", kind="partial", speaker=None),  # shares only "post": her words
    ]
    out = assign_statements(new=new, candidates={})
    assert out[0].group == out[1].group != out[2].group


@pytest.mark.parametrize("negation", ["Nothing", "Nobody"])
def test_a_negation_counts_once_stemmed(negation):
    # "noth" and "nobodi" are what the stemmer leaves of them: still negations, so the words alone split them
    day = D(2024, 5, 2)
    new = [
        r(f"{negation} was done to protect the harbour workers", published=day, article="x"),
        r("Everything possible was done to protect the harbour workers", published=day, article="y"),
    ]
    out = assign_statements(new=new, candidates={}, use_embedding=False)
    assert out[0].group != out[1].group


def test_a_rendering_joins_a_statement_reported_days_earlier():
    cand = {
        7: [
            r(
                "Our alliance with our neighbours is unbreakable and will outlast any government",
                published=D(2024, 3, 1),
                article="old",
            )
        ]
    }
    new = [r("our alliance with our neighbours is unbreakable", published=D(2024, 3, 2), article="new")]
    [a] = assign_statements(new=new, candidates=cand)
    assert a.statement == 7 and a.keep


def test_similar_words_two_months_apart_are_another_statement():
    cand = {
        7: [
            r(
                "Our relationship is immune from changes in the international environment",
                published=D(2024, 1, 5),
                article="jan",
            )
        ]
    }
    new = [
        r(
            "Our relationship will withstand the test of the changing international situation",
            published=D(2024, 3, 5),
            article="mar",
        )
    ]
    [a] = assign_statements(new=new, candidates=cand)
    assert a.statement is None


def test_a_long_sentence_re_quoted_weeks_later_joins_its_statement():
    text = "We will never negotiate with those who shell our cities and kill our children every night"
    cand = {3: [r(text, published=D(2024, 1, 5), article="jan")]}
    [a] = assign_statements(new=[r(text.upper(), published=D(2024, 3, 5), article="mar")], candidates=cand)
    assert a.statement == 3


def test_a_different_speaker_with_weak_text_does_not_merge_but_a_missing_speaker_does():
    cand = {
        1: [
            r(
                "The ceasefire must be respected by all parties without exception",
                article="o",
                published=D(2024, 5, 1),
            )
        ]
    }
    other = r(
        "all sides must respect the ceasefire without exceptions",
        speaker="Ben Ode",
        article="n",
        published=D(2024, 5, 1),
    )
    unknown = r(
        "all sides must respect the ceasefire without exceptions",
        speaker=None,
        article="n",
        published=D(2024, 5, 1),
    )
    assert assign_statements(new=[other], candidates=cand)[0].statement is None
    assert assign_statements(new=[unknown], candidates=cand)[0].statement == 1


def test_a_wrong_speaker_does_not_split_a_near_verbatim_rendering():
    text = "The ceasefire must be respected by all parties in the region without any exception"
    cand = {1: [r(text, article="o")]}
    [a] = assign_statements(new=[r(text, speaker="Ben Ode", article="n")], candidates=cand)
    assert a.statement == 1


def test_chains_do_not_merge_a_rendering_that_matches_only_one_member():
    # A statement whose two long renderings differ; the new one matches the second only.
    cand = {
        5: [
            r("We will defend our borders and our people with every means at our disposal", article="o1"),
            r(
                "We will defend our people with every means, and we will rebuild every destroyed village",
                article="o2",
            ),
        ]
    }
    new = [r("we will rebuild every destroyed village and every destroyed school in the east", article="n")]
    [a] = assign_statements(new=new, candidates=cand)
    assert a.statement is None


def test_a_short_common_phrase_alone_does_not_glue_another_articles_sentence():
    cand = {9: [r("The relationship has maintained healthy and stable development this year", article="o")]}
    new = [r("healthy and stable", kind="partial", speaker=None, article="n")]
    assert assign_statements(new=new, candidates=cand)[0].statement is None


def test_a_short_quote_joins_a_sentence_of_an_article_that_reports_the_same_occasion():
    old = [
        r("Our alliance with our neighbours is unbreakable and will outlast any government", article="o"),
        r(
            "We will invest ten billion in the railways by 2030 and connect every regional capital",
            article="o",
        ),
    ]
    cand = {1: [old[0]], 2: [old[1]]}
    new = [
        r(
            "we will invest ten billion in the railways by 2030 and connect every regional capital",
            article="n",
        ),
        r("unbreakable", kind="partial", article="n"),
    ]
    out = assign_statements(new=new, candidates=cand)
    assert [a.statement for a in out] == [2, 1]


def test_an_article_tied_to_one_occasion_does_not_weakly_match_the_other():
    # "dec" and "feb" are dated; the undated new article repeats a December sentence word for word, so its
    # looser February-like sentence must not join February's statement.
    cand = {
        1: [
            r(
                "The two countries have firmly supported each other in upholding their respective core interests",
                published=D(2022, 12, 25),
                article="dec",
            )
        ],
        2: [
            r(
                "our ties are solid and will stand the trials of the changing international situation",
                published=D(2023, 2, 23),
                article="feb",
            )
        ],
    }
    new = [
        r(
            "The two countries have firmly supported each other in upholding their respective core interests",
            article="undated",
        ),
        r(
            "ties are firm and able to withstand the test of the changing international situation",
            article="undated",
        ),
    ]
    out = assign_statements(new=new, candidates=cand)
    assert out[0].statement == 1
    assert out[1].statement is None


def test_an_indirect_rendering_is_kept_only_when_it_matches_a_quoted_one():
    new = [
        r("Our alliance with our neighbours is unbreakable and will outlast any government"),
        r("the alliance with the neighbours is unbreakable and will outlast any government", kind="indirect"),
        r("the minister plans to visit the region in the spring", kind="indirect"),
    ]
    out = assign_statements(new=new, candidates={})
    assert out[1].keep and out[1].group == out[0].group
    assert out[2].keep is False


def test_assignments_explain_themselves():
    day = D(2024, 3, 1)
    cand = {
        7: [
            r(
                "Our alliance with our neighbours is unbreakable and will outlast any government",
                article="o",
                published=day,
            )
        ]
    }
    new = [r("our alliance with our neighbours is unbreakable", article="n", published=day)]
    [a] = assign_statements(new=new, candidates=cand)
    assert a.statement == 7 and a.score > 0.6 and "contained" in a.reason


# --- the seed corpus, ingested article by article -------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
GOLD = json.loads((ROOT / "tests/data/seeds/gold.json").read_text())
SEED_DATES = {"000": D(2022, 12, 25), "001": D(2023, 2, 23)}  # the only dates the texts state


def _seed_renderings(none_every=0):
    out = []
    for i, q in enumerate(GOLD["quotes"]):
        speaker = q["speaker"][0] if isinstance(q["speaker"], list) else q["speaker"]
        if none_every and i % none_every == 0:
            speaker = None
        out.append(
            (
                Rendering(q["text"], q["kind"], speaker, SEED_DATES.get(q["file"][:3]), q["file"]),
                q["statement"],
            )
        )
    return out


def _ingest(items, order, *, use_embedding=True):
    store, index, label, next_id = defaultdict(list), defaultdict(set), {}, 1
    by_article = defaultdict(list)
    for i, (rendering, _) in enumerate(items):
        by_article[rendering.article].append(i)
    for article in order:
        idx = by_article[article]
        new = [items[i][0] for i in idx]
        shared = Counter(s for x in new for k in index_keys(x.text) for s in index.get(k, ()))
        candidates = {s: list(store[s]) for s, _ in shared.most_common(50)}
        groups = {}
        for i, rendering, a in zip(
            idx,
            new,
            assign_statements(new=new, candidates=candidates, use_embedding=use_embedding),
            strict=True,
        ):
            sid = a.statement
            if sid is None:
                sid = groups.setdefault(a.group, next_id)
                next_id += sid == next_id
            store[sid].append(rendering)
            label[i] = sid
            for k in index_keys(rendering.text):
                index[k].add(sid)
    return label


def _pairwise_f1(items, label):
    tp = fp = fn = 0
    for a, b in itertools.combinations(range(len(items)), 2):
        gold = items[a][1] is not None and items[a][1] == items[b][1]
        pred = label[a] == label[b]
        tp, fp, fn = tp + (gold and pred), fp + (pred and not gold), fn + (gold and not pred)
    return 2 * tp / (2 * tp + fp + fn)


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_seed_statements_cluster_in_any_ingestion_order(seed, embedding):
    items = _seed_renderings()
    files = sorted({x.article for x, _ in items})
    order = files if seed is None else random.Random(seed).sample(files, len(files))
    assert _pairwise_f1(items, _ingest(items, order, use_embedding=embedding)) >= 0.95


def test_seed_statements_survive_missing_speakers():
    items = _seed_renderings(none_every=5)
    files = sorted({x.article for x, _ in items})
    assert _pairwise_f1(items, _ingest(items, files)) >= 0.9
