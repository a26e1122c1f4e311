"""Word alignment of renderings of one statement: ops for cards, columns for the table, labels, divergence.

Pure Python (stdlib difflib): text in, frozen dataclasses out. Words are compared by a forgiving key (case,
quote style, dashes and surrounding punctuation ignored) but always displayed as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS
from spacy.lang.en.lex_attrs import like_num

from articles.nlp.vocabulary import CLITICS, CONTRACTED_WORDS, NEGATIONS

type OpKind = Literal["equal", "insert", "delete", "replace"]

# Characters that outlets use interchangeably; unified before comparing.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_JOINERS = re.compile(r"[-']")

# Function words: a lone match on one of these between two changes is noise, not agreement. Closed-class words
# only, not spaCy's STOP_WORDS (measured: "all", "show" became noise, 10 of 125 corpus labels or figures moved).
_FUNCTION_WORDS_TEXT = (
    "a an the of to in on at by for with and or but as is are was were be been it its this that these those "
    "he she they we you i his her their our your has have had will would can could shall should may might "
    "do does did not from into than then so if"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
_NUMBER = re.compile(r"^\d[\d,.]*%?$")


def _is_number(word: str) -> bool:
    """20, 1.5%, twenty, twelfth, million (spaCy's number words); not "one", as often "one of them" as a count."""
    return bool(_NUMBER.match(word)) or (word != "one" and like_num(word))


@dataclass(frozen=True)
class Token:
    """One word as written (with its attached punctuation) and the key it is compared by."""

    text: str
    key: str


def tokenize(text: str) -> list[Token]:
    """Split on whitespace; stray punctuation ("—", "...") joins the neighbouring word so nothing is lost.

    Joining the texts with single spaces gives back the rendering (whitespace normalised). Keys are NFKC,
    casefolded, with curly/straight quotes and all dashes unified and surrounding punctuation stripped;
    hyphens inside words stay ("rock-solid"), and `diff` treats "rock-solid" and "rock solid" as equal.
    """
    tokens: list[Token] = []
    pending = ""  # punctuation seen before the first word
    for chunk in text.split():
        key = _key(chunk)
        if not key:
            if tokens:
                last = tokens[-1]
                tokens[-1] = Token(text=f"{last.text} {chunk}", key=last.key)
            else:
                pending = f"{pending} {chunk}".strip()
            continue
        tokens.append(Token(text=f"{pending} {chunk}".strip() if pending else chunk, key=key))
        pending = ""
    return tokens


def _key(chunk: str) -> str:
    folded = unicodedata.normalize("NFKC", chunk).translate(_QUOTES).casefold()
    return _EDGE_PUNCT.sub("", folded)


def _said_in_full(key: str) -> str:
    """ "we're" -> "we are", "didn't" -> "did not", "won't" -> "will not" (vocabulary.CLITICS)."""
    if key in CONTRACTED_WORDS:
        return CONTRACTED_WORDS[key]
    for clitic, word in CLITICS.items():
        if key.endswith(clitic) and len(key) > len(clitic):
            return f"{key[: -len(clitic)]} {word}"
    return key


def _spelled(tokens: Sequence[Token]) -> str:
    """The words as said, whatever their spelling: contractions in full, British spellings made American
    (breame's list), joiners dropped. "It's" ~ "it is", "honour" ~ "honor", "COVID-19" ~ "#COVID19"."""
    words = " ".join(_said_in_full(t.key) for t in tokens).split()
    return _JOINERS.sub("", "".join(BRITISH_ENGLISH_SPELLINGS.get(w, w) for w in words))


@dataclass(frozen=True)
class Op:
    kind: OpKind
    reference: tuple[str, ...]  # reference words in this op, as written
    other: tuple[str, ...]  # the other rendering's words, as written


@dataclass(frozen=True)
class _Span:
    """An op as index ranges into the two token lists (ref[i1:i2] against other[j1:j2])."""

    kind: OpKind
    i1: int
    i2: int
    j1: int
    j2: int


def diff(*, reference: str, other: str) -> list[Op]:
    """Word-level ops turning the reference into the other rendering.

    Reference words missing before or after the quoted passage come out as one "delete" at each edge, so a
    shorter quote reads as trimmed. Case, punctuation and quote style differences are "equal" (texts kept).
    """
    ref, oth = tokenize(reference), tokenize(other)
    return [_to_op(span, ref, oth) for span in _spans(ref, oth)]


def _to_op(span: _Span, ref: list[Token], oth: list[Token]) -> Op:
    return Op(
        kind=span.kind,
        reference=tuple(t.text for t in ref[span.i1 : span.i2]),
        other=tuple(t.text for t in oth[span.j1 : span.j2]),
    )


def _spans(ref: list[Token], oth: list[Token]) -> list[_Span]:
    if not ref and not oth:
        return []
    matcher = SequenceMatcher(a=[t.key for t in ref], b=[t.key for t in oth], autojunk=False)
    spans: list[_Span] = []
    for kind, i1, i2, j1, j2 in matcher.get_opcodes():
        if kind == "replace":
            spans.extend(_compound_equals(ref, oth, i1, i2, j1, j2))
        else:
            spans.append(_Span(kind, i1, i2, j1, j2))
    spans = _drop_noise_matches(_merge_changes(spans), ref)
    return _split_edges(spans)


def _compound_equals(ref: list[Token], oth: list[Token], i1: int, i2: int, j1: int, j2: int) -> list[_Span]:
    """Peel equalities of words spelled differently off both ends of a replaced stretch: "rock-solid" ~
    "rock solid", "honour" ~ "honor", "we're" ~ "we are" (see `_spelled`)."""
    head: list[_Span] = []
    tail: list[_Span] = []
    changed = True
    while changed and i1 < i2 and j1 < j2:
        changed = False
        for a in range(1, min(3, i2 - i1) + 1):
            for b in range(1, min(3, j2 - j1) + 1):
                if _spelled(ref[i1 : i1 + a]) == _spelled(oth[j1 : j1 + b]):
                    head.append(_Span("equal", i1, i1 + a, j1, j1 + b))
                    i1, j1, changed = i1 + a, j1 + b, True
                    break
                if _spelled(ref[i2 - a : i2]) == _spelled(oth[j2 - b : j2]):
                    tail.insert(0, _Span("equal", i2 - a, i2, j2 - b, j2))
                    i2, j2, changed = i2 - a, j2 - b, True
                    break
            if changed:
                break
    middle = [_change(i1, i2, j1, j2)] if (i1 < i2 or j1 < j2) else []
    return head + middle + tail


def _change(i1: int, i2: int, j1: int, j2: int) -> _Span:
    kind: OpKind = "replace" if i1 < i2 and j1 < j2 else ("delete" if i1 < i2 else "insert")
    return _Span(kind, i1, i2, j1, j2)


def _merge_changes(spans: list[_Span]) -> list[_Span]:
    """Fuse neighbouring non-equal spans (a delete next to an insert is one replacement)."""
    merged: list[_Span] = []
    for span in spans:
        if merged and span.kind != "equal" and merged[-1].kind != "equal":
            prev = merged.pop()
            span = _change(prev.i1, span.i2, prev.j1, span.j2)
        merged.append(span)
    return merged


def _drop_noise_matches(spans: list[_Span], ref: list[Token]) -> list[_Span]:
    """Absorb a stray match of one or two function words inside a longer rewording into one replacement.

    Without this, "able to withstand the test" vs "and will stand the trials" would show "the" as kept,
    splitting one rewording into two. Content words and matches between one-word swaps stay visible.
    """
    changed = True
    while changed:
        changed = False
        for k in range(1, len(spans) - 1):
            prev, mid, nxt = spans[k - 1], spans[k], spans[k + 1]
            if mid.kind != "equal" or prev.kind == "equal" or nxt.kind == "equal":
                continue
            if (k - 1 == 0 and prev.kind == "delete") or (k + 1 == len(spans) - 1 and nxt.kind == "delete"):
                continue  # an edge trim is not a change around the match
            size = mid.i2 - mid.i1
            functional = size <= 2 and all(t.key in _FUNCTION_WORDS for t in ref[mid.i1 : mid.i2])
            both_sides = prev.i1 < nxt.i2 - size and prev.j1 < nxt.j2 - (mid.j2 - mid.j1)
            around = max(prev.i2 - prev.i1, prev.j2 - prev.j1) + max(nxt.i2 - nxt.i1, nxt.j2 - nxt.j1)
            if functional and both_sides and around > 2 * size:
                spans[k - 1 : k + 2] = [_change(prev.i1, nxt.i2, prev.j1, nxt.j2)]
                changed = True
                break
    return spans


def _split_edges(spans: list[_Span]) -> list[_Span]:
    """At the ends, a replaced stretch twice as long as its replacement is mostly trim: pair only the words
    next to the match ("as solid as a rock" trims "Relations have … and", swapping "are" for "as").
    """
    if not any(s.kind == "equal" for s in spans):
        return spans
    first, last = spans[0], spans[-1]
    out = list(spans)
    if last.kind == "replace":
        n, m = last.i2 - last.i1, last.j2 - last.j1
        if n >= 2 * m:
            out[-1:] = [
                _Span("replace", last.i1, last.i1 + m, last.j1, last.j2),
                _Span("delete", last.i1 + m, last.i2, last.j2, last.j2),
            ]
        elif m >= 2 * n:
            out[-1:] = [
                _Span("replace", last.i1, last.i2, last.j1, last.j1 + n),
                _Span("insert", last.i2, last.i2, last.j1 + n, last.j2),
            ]
    if first.kind == "replace":
        n, m = first.i2 - first.i1, first.j2 - first.j1
        if n >= 2 * m:
            out[:1] = [
                _Span("delete", first.i1, first.i2 - m, first.j1, first.j1),
                _Span("replace", first.i2 - m, first.i2, first.j1, first.j2),
            ]
        elif m >= 2 * n:
            out[:1] = [
                _Span("insert", first.i1, first.i1, first.j1, first.j2 - n),
                _Span("replace", first.i1, first.i2, first.j2 - n, first.j2),
            ]
    return out


@dataclass(frozen=True)
class AlignedRow:
    """One rendering in the alignment table: its words per column, and how each cell differs."""

    cells: tuple[tuple[str, ...], ...]  # one cell per column: this rendering's words there, () when absent
    kinds: tuple[
        OpKind, ...
    ] = ()  # per column: equal | insert | delete | replace (equal when both are empty)


def align_columns(
    *, reference: str, others: Sequence[str]
) -> tuple[tuple[tuple[str, ...], ...], list[AlignedRow]]:
    """Columns shared by all renderings: runs of reference words, cut wherever any rendering's op starts or
    ends, plus an insertion column wherever some rendering adds words between reference words.

    Returns the reference's cell per column and one row per other rendering, all of equal length. When a
    replaced stretch is cut by another rendering's boundary, its words are shared out in proportion.
    """
    ref = tokenize(reference)
    rows_tokens = [tokenize(text) for text in others]
    rows_spans = [_spans(ref, oth) for oth in rows_tokens]

    cuts = {0, len(ref)}
    inserts: set[int] = set()
    for spans in rows_spans:
        for span in spans:
            cuts.update((span.i1, span.i2))
            if span.kind == "insert":
                inserts.add(span.i1)
    ordered = sorted(cuts)
    # A column is ("insert", p, p) or ("words", a, b) over reference positions.
    columns: list[tuple[str, int, int]] = []
    for pos, nxt in zip(ordered, [*ordered[1:], None], strict=True):
        if pos in inserts:
            columns.append(("insert", pos, pos))
        if nxt is not None:
            columns.append(("words", pos, nxt))

    ref_cells = tuple(tuple(t.text for t in ref[a:b]) for _, a, b in columns)
    rows = [_row(columns, spans, oth) for spans, oth in zip(rows_spans, rows_tokens, strict=True)]
    return ref_cells, rows


def _row(columns: list[tuple[str, int, int]], spans: list[_Span], oth: list[Token]) -> AlignedRow:
    cells: list[tuple[str, ...]] = []
    kinds: list[OpKind] = []
    for column, a, b in columns:
        if column == "insert":
            span = next((s for s in spans if s.kind == "insert" and s.i1 == a), None)
            cells.append(tuple(t.text for t in oth[span.j1 : span.j2]) if span else ())
            kinds.append("insert" if span else "equal")
            continue
        span = next(s for s in spans if s.i1 <= a and b <= s.i2 and s.i1 < s.i2)
        # Share the other's words out in proportion (exact 1:1 for equal-length stretches).
        n, m = span.i2 - span.i1, span.j2 - span.j1
        start = span.j1 + round((a - span.i1) * m / n)
        end = span.j1 + round((b - span.i1) * m / n)
        cells.append(tuple(t.text for t in oth[start:end]))
        kinds.append(span.kind)
    return AlignedRow(cells=tuple(cells), kinds=tuple(kinds))


@dataclass(frozen=True)
class _Profile:
    """Word counts read off the alignment; labels and divergence are decided from these alone."""

    ref_words: int
    other_words: int
    kept: int  # other's words equal to reference words
    lead_trim: int  # reference words missing before the quoted passage
    tail_trim: int  # ... and after it
    elided: tuple[Token, ...]  # reference words left out inside the passage (not replaced by anything)
    added: int  # other's words in insertions
    substituted: int  # other's words in replacements
    cosmetic: bool  # some equal word is written differently
    reordered: bool  # a run of 3+ changed words appears elsewhere in the reference
    negation_changed: tuple[str, ...]
    numbers_changed: tuple[str, ...]


def _profile(ref: list[Token], oth: list[Token]) -> _Profile:
    spans = _spans(ref, oth)
    has_equal = any(s.kind == "equal" for s in spans)
    lead = spans[0].i2 - spans[0].i1 if has_equal and spans[0].kind == "delete" else 0
    tail = spans[-1].i2 - spans[-1].i1 if has_equal and spans[-1].kind == "delete" and len(spans) > 1 else 0
    inner = spans[1 if lead else 0 : len(spans) - 1 if tail else len(spans)]
    elided: list[Token] = []
    kept = added = substituted = 0
    cosmetic = reordered = False
    ref_keys = " " + " ".join(t.key for t in ref) + " "
    ref_removed: list[str] = []
    oth_added: list[str] = []
    for s in inner:
        ref_part, oth_part = ref[s.i1 : s.i2], oth[s.j1 : s.j2]
        if s.kind == "equal":
            kept += len(oth_part)
            cosmetic = cosmetic or [t.text for t in ref_part] != [t.text for t in oth_part]
            continue
        ref_removed += [t.key for t in ref_part]
        oth_added += [t.key for t in oth_part]
        if s.kind == "insert":
            added += len(oth_part)
        elif s.kind == "delete":
            elided += ref_part
        else:
            substituted += len(oth_part)
        keys = [t.key for t in oth_part]
        reordered = reordered or any(
            f" {' '.join(keys[k : k + 3])} " in ref_keys for k in range(len(keys) - 2)
        )
    return _Profile(
        ref_words=len(ref),
        other_words=len(oth),
        kept=kept,
        lead_trim=lead,
        tail_trim=tail,
        elided=tuple(elided),
        added=added,
        substituted=substituted,
        cosmetic=cosmetic,
        reordered=reordered,
        negation_changed=_changed_words(
            ref_removed, oth_added, lambda k: k in NEGATIONS or k.endswith("n't"), polarity=True
        ),
        numbers_changed=_changed_words(ref_removed, oth_added, _is_number, polarity=False),
    )


def _changed_words(
    removed: list[str], added: list[str], wanted: Callable[[str], bool], polarity: bool
) -> tuple[str, ...]:
    gone = [k for k in removed if wanted(k)]
    new = [k for k in added if wanted(k)]
    if sorted(gone) == sorted(new) or (polarity and len(gone) == len(new)):
        return ()  # "never" for "not" keeps the polarity; only a changed count of negations flips it
    return tuple(
        [f"'{k}' dropped" for k in gone if k not in new] + [f"'{k}' added" for k in new if k not in gone]
    )


@dataclass(frozen=True)
class ProposedLabel:
    label: str  # a value of articles.models.Label
    severity: int  # 0 (harmless) .. 3
    evidence: str  # short, readable: "trimmed: the last 9 words are missing"
    # How far the deciding share of matching words lies from the nearest threshold that would change the
    # label (0 on it); None when no threshold decided it (the alignment alone did: trimmed, elided, …).
    margin: float | None = None


@functools.lru_cache(maxsize=4096)
def _aligned(reference: str, other: str) -> tuple[tuple[Token, ...], tuple[Token, ...], _Profile | None]:
    """Both texts' tokens and their profile (None when the other has no words): a statement refresh and the
    statement page judge each rendering's label and divergence from one alignment."""
    ref, oth = tokenize(reference), tokenize(other)
    return tuple(ref), tuple(oth), _profile(ref, oth) if oth else None


def propose_label(*, reference: str, other: str, other_kind: str) -> ProposedLabel:
    """A deterministic first guess from the alignment, for a journalist to confirm or replace.

    Never proposes mistranslation, out_of_context, misattribution or unverified: those need context the
    words alone do not give. Headlines may drop articles ("Solid as Rock") without being called elided.
    """
    ref, oth, p = _aligned(reference, other)
    if p is None:
        return ProposedLabel(label="unverified", severity=0, evidence="empty rendering")
    headline = other_kind == "headline"
    indirect = other_kind == "indirect"
    notes = _trim_notes(p, headline=headline)
    function_only = all(t.key in _FUNCTION_WORDS for t in p.elided)
    if p.elided and not (headline and function_only and not p.substituted):
        # Listed first: when the label is "elided", the gap inside matters more than the trimmed ends.
        notes.insert(0, f"{_words(len(p.elided))} left out inside ({_quoted(p.elided)})")

    flips = [*(f"negation {n}" for n in p.negation_changed), *(f"number {n}" for n in p.numbers_changed)]
    share = p.kept / p.other_words
    if flips and share >= 0.5:
        # Only where most words agree: in a rewording, a lost "not" is usually just another construction.
        return ProposedLabel(
            label="meaning_altered", severity=2, evidence=_join([*flips, *notes]), margin=share - 0.5
        )
    notes += flips
    if p.reordered:
        return ProposedLabel(
            label="spliced", severity=2, evidence=_join(["words from another part of the reference", *notes])
        )
    if p.substituted or (p.added and p.elided):
        changed = f"{_words(p.substituted + p.added)} of {p.other_words} changed"
        if share >= 0.5:
            substitution = f"{_words(p.substituted)} substituted" if p.substituted else changed
            added = [f"{_words(p.added)} added"] if p.added and p.substituted else []
            return ProposedLabel(
                label="word_substitution",
                severity=1,
                evidence=_join([substitution, *added, *notes]),
                margin=share - 0.5,
            )
        span = p.ref_words - p.lead_trim - p.tail_trim
        same_length = 0.7 <= p.other_words / max(span, 1) <= 1.4
        if not indirect and share >= 0.25 and same_length:
            return ProposedLabel(
                label="translation_variant",
                severity=1,
                evidence=_join([f"same length, {changed}: possibly another translation", *notes]),
                margin=min(share - 0.25, 0.5 - share),
            )
        kept = f"only {p.kept} of {p.other_words} words match the reference"
        # The nearest threshold: a translation variant's 0.25 where only the share kept it from being one.
        margin = 0.5 - share if indirect or not same_length else 0.25 - share
        if indirect:
            return ProposedLabel(
                label="paraphrase",
                severity=0,
                evidence=_join([f"reported speech; {kept}", *notes]),
                margin=margin,
            )
        return ProposedLabel(label="paraphrase", severity=2, evidence=_join([kept, *notes]), margin=margin)
    if p.added:
        return ProposedLabel(
            label="extended", severity=1, evidence=_join([f"{_words(p.added)} added", *notes])
        )
    if p.elided and not (headline and function_only):
        return ProposedLabel(label="elided", severity=0 if function_only else 1, evidence=_join(notes))
    if p.lead_trim or p.tail_trim:
        return ProposedLabel(label="trimmed", severity=0, evidence=_join(notes))
    if p.cosmetic or _text(ref) != _text(oth):
        return ProposedLabel(
            label="cosmetic", severity=0, evidence="only case, punctuation or quote style differ"
        )
    return ProposedLabel(label="verbatim", severity=0, evidence="identical")


def _trim_notes(p: _Profile, *, headline: bool) -> list[str]:
    if not (p.lead_trim or p.tail_trim):
        return []
    if p.lead_trim and p.tail_trim:
        missing = f"the first {p.lead_trim} and last {p.tail_trim} words are missing"
    elif p.lead_trim:
        missing = (
            "the first word is missing" if p.lead_trim == 1 else f"the first {p.lead_trim} words are missing"
        )
    else:
        missing = (
            "the last word is missing" if p.tail_trim == 1 else f"the last {p.tail_trim} words are missing"
        )
    return [f"headline only: {missing}" if headline else f"trimmed: {missing}"]


def _words(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"


def _quoted(tokens: Sequence[Token]) -> str:
    shown = " ".join(t.text for t in tokens[:6])
    return f"“{shown} …”" if len(tokens) > 6 else f"“{shown}”"


def _join(parts: Sequence[str]) -> str:
    return "; ".join(parts)


def _text(tokens: Sequence[Token]) -> str:
    return " ".join(t.text for t in tokens)


def divergence(*, reference: str, other: str) -> float:
    """Divergence: the share of this rendering's words that are not the reference's words (changed or added),
    plus a little for reference words it leaves out (a quarter of their share when dropped from the middle,
    a twentieth when the quote is only shorter at the start or end). 0 is word for word, 1 nothing in common.
    """
    ref, oth, p = _aligned(reference, other)
    if not ref and not oth:
        return 0.0
    if not ref or p is None:
        return 1.0
    changed = 1 - p.kept / p.other_words
    omitted = len(p.elided) / p.ref_words / 4 + (p.lead_trim + p.tail_trim) / p.ref_words / 20
    return round(min(1.0, changed + (1 - changed) * omitted), 4)


def mean_divergence(reference: str, renderings: Sequence[str]) -> float:
    """How much a statement's renderings differ from its reference: the mean of their divergences."""
    if not renderings:
        return 0.0
    return sum(divergence(reference=reference, other=text) for text in renderings) / len(renderings)
