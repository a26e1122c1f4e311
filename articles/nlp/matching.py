"""Which renderings report the same statement, and the keys that find candidates for that decision.

A statement is one utterance by one speaker on one occasion. Renderings of it may be verbatim, trimmed,
extended, partial ("rock-solid" inside a sentence), reworded or translated differently. Similar words by
the same speaker on another occasion are a different statement, so text similarity alone never decides:
occasion evidence (publication dates, dates inferred from articles that report the same occasion, and
article-to-article support) and speakers gate every merge.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import snowballstemmer
from rapidfuzz.distance import LCSseq

from articles.nlp.vocabulary import NEGATIONS

# ---------------------------------------------------------------------------------------------------------
# Public data


@dataclass(frozen=True)
class Rendering:
    text: str
    kind: str  # "direct" | "partial" | "headline" | "indirect"
    speaker: str | None  # canonical speaker name, or None when unknown
    published: datetime.date | None  # the article's publication date, when known
    article: str  # identity of the article it comes from
    normalized: str = ""  # normalize(text), when already known (stored quotes keep it)
    tentative: bool = False  # kept only if it joins a statement (a possible scare quote, see attribution)


@dataclass(frozen=True)
class Assignment:
    statement: int | None  # an existing statement id it joins, or None
    group: int  # new renderings with statement None and the same group form one new statement
    keep: bool  # False only for an indirect or tentative rendering that matches no quoted rendering
    score: float
    reason: str
    # Stored statements this rendering shows to be parts of the one it joins: it quotes, as one span, the
    # sentences that other outlets quoted apart ("A. B." after "A." and "B."), so they are one passage.
    merges: tuple[int, ...] = ()
    # For the decision's confidence (confidence.py), read by no decision: the rendering's content words, and
    # the best score of a statement or group it did not join (0.0 if none came near).
    words: int = 0
    nearest: float = 0.0


# ---------------------------------------------------------------------------------------------------------
# Tuning


@dataclass(frozen=True)
class Tuning:
    """Every number a same-statement decision turns on. They were tuned together on the labelled pairs of
    tests/data/matching_pairs.json (written for this, not from the seeds) and checked on the dev corpus:
    `bin/fit_matching.py` prints the pairs each value of `match` gets wrong, and `make eval` the corpus scores.
    Pass a changed copy (`dataclasses.replace(TUNING, match=0.6)`) to `assign_statements` to try one."""

    same_occasion_days: int = 5  # a speech on Sunday is reported until mid-week; later coverage is a re-quote
    short: int = 3  # quotes with at most this many content words must appear word for word, in order
    match: float = 0.62  # text similarity for a match when nothing speaks against it
    strong: float = 0.80  # a match this good between long renderings ties two articles to one occasion
    strong_words: int = 4  # ... when the shorter one has at least this many content words
    undated: float = 0.70  # no date and no article tie: similar words may be the same speaker on another day
    weak: float = 0.45  # accepted only between articles already tied to the same occasion
    requote: float = 0.90  # near-verbatim: survives a date gap (a statement re-quoted weeks later) ...
    requote_words: int = 5  # ... when the shorter one has at least this many content words
    negation_penalty: float = 0.2  # "cannot be achieved by force" is not "can only be achieved through talks"
    meaning_lift: float = 0.03  # puts the word/meaning blend on the word-cover scale, so `match` serves both
    _hash: int = field(init=False, repr=False, compare=False)

    def __hash__(self) -> int:  # part of the key of every piece of evidence kept: hashed once
        return self._hash

    def __post_init__(self) -> None:
        values = tuple(getattr(self, f.name) for f in dataclasses.fields(self) if f.compare)
        object.__setattr__(self, "_hash", hash(values))


TUNING = Tuning()

# Function words and the vocabulary of reporting itself: they say nothing about which utterance it is.
# Negations stay: "no limits" and "limits" are different claims. Not spaCy's STOP_WORDS (measured: it also drops
# "always", "part", "make" and numbers; dev statements 0.927 -> 0.918, 4 labelled pairs wrong instead of 2).
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren as at be because been before being
    below between both but by can could did do does doing down during each either else ever every
    few for from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just let me more most much must my myself nor of off on once only or other ought our ours
    ourselves out over own per same shall she should so some such than that the their theirs them
    themselves then there these they this those through thus to too under until up upon us very was we
    were what when where whether which while who whom whose why will with within without would yet you
    your yours yourself yourselves s t ve ll re d m said say says saying told tell according added
    one ones may might even still already well like via since""".split()
)

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


# ---------------------------------------------------------------------------------------------------------
# Text normal form and index keys


def normalize(text: str) -> str:
    """Case-, accent-, punctuation- and hyphen-insensitive form: "Rock Solid," == "rock-solid"."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"'s\b", "", text)  # possessive: "China's" and "China" are the same word for matching
    text = text.replace("'", "")  # contractions: "don't" -> "dont" on both sides
    return " ".join(_TOKEN.findall(text))


# Snowball's English (Porter2) stemmer: "apology"/"apologize" and "public"/"publicly" meet. snowballstemmer
# runs PyStemmer's C build of it (a dependency): the same stems as its pure Python one on 50,710 words
# (spaCy's vocabulary and the bench corpus), 0.3 against 28 µs a word.
_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()  # a stemmer object keeps the word it works on


@functools.lru_cache(maxsize=131072)  # a newspaper's vocabulary: words recur far more than texts
def _stem(word: str) -> str:
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


_NEGATION_STEMS = frozenset(map(_stem, NEGATIONS))  # "nobody" is "nobodi" once stemmed


@functools.lru_cache(maxsize=65536)
def _content(text: str) -> tuple[str, ...]:
    """Stems of the content words, in order."""
    return _content_of_normal(normalize(text))


@functools.lru_cache(maxsize=65536)
def _content_of_normal(normal: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in normal.split() if w not in _STOPWORDS)


def _words(rendering: Rendering) -> tuple[str, ...]:
    # Stored renderings come with their normal form (normalising hundreds of candidates cost more than
    # judging them).
    return _content_of_normal(rendering.normalized) if rendering.normalized else _content(rendering.text)


def _key(*parts: str) -> int:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)  # fits a signed BIGINT column


def index_keys(text: str) -> list[int]:
    """Keys for the candidate index: unordered pairs of adjacent content-word stems.

    Two renderings of one statement nearly always share a two-word stretch once function words are
    gone ("rock-solid" in "remains rock-solid"; "objectivity and impartiality" in two translations),
    while one pair of content words is far rarer than either word alone, so a key's posting list stays
    short at a million quotes. Pairs are unordered so "solid as rock" still finds "rock solid" (the
    decision itself is order-aware). A quote with a single content word gets that word as its key.
    About one key per content word: 5-40 per quote. They are stored (QuoteKey): a change to what they are made
    of (stop words, stemmer, pairs) needs a migration that rebuilds them, as 0017 does.
    """
    words = _content(text)
    if len(words) == 1:
        return [_key("w", words[0])]
    keys = {_key("p", *sorted(pair)) for pair in zip(words, words[1:], strict=False)}
    return sorted(keys)


# ---------------------------------------------------------------------------------------------------------
# Pairwise evidence


@dataclass(frozen=True)
class _Wording:
    """A rendering's words as the text evidence reads them. Equal for equal texts (with the same leave to weigh
    meaning), so the evidence on a pair of wordings is computed once for every pair of renderings of them."""

    text: str
    embed: bool  # meaning may be weighed: its vectors are encoded the first time a pair needs them
    words: tuple[str, ...] = field(compare=False)  # content-word stems, in order
    vocab: frozenset[str] = field(init=False, compare=False, repr=False)
    _hash: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocab", frozenset(self.words))
        object.__setattr__(self, "_hash", hash((self.text, self.embed)))

    def __hash__(self) -> int:  # a key of every verdict and evidence kept: hashed once
        return self._hash


@dataclass(frozen=True)
class _Evidence:
    similarity: float
    lexical: float
    short_words: int
    reason: str


def _contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _fragment_of(a: str, b: str) -> bool:
    """Whether the shorter text's words, function words included, are a stretch of the longer one's."""
    words_a, words_b = (tuple(_stem(w) for w in normalize(t).split()) for t in (a, b))
    short, long = (words_a, words_b) if len(words_a) <= len(words_b) else (words_b, words_a)
    return _contains(long, short)


class _Encodings:
    """Word vectors by text, the most recently used kept: candidates come back on every ingest of a related
    article. Bounded by memory: an entry is about 1.5 kB a word (384 float32s)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: OrderedDict[str, tuple[tuple[str, ...], Any]] = OrderedDict()
        self._lock = threading.Lock()  # the web process's threads share it (merge previews)

    def get(self, text: str) -> tuple[tuple[str, ...], Any] | None:
        with self._lock:
            found = self._found.get(text)
            if found is not None:
                self._found.move_to_end(text)
            return found

    def put(self, text: str, found: tuple[tuple[str, ...], Any]) -> None:
        with self._lock:
            self._found[text] = found
            self._found.move_to_end(text)
            while len(self._found) > self._size:
                self._found.popitem(last=False)

    def __contains__(self, text: str) -> bool:
        return text in self._found

    def __len__(self) -> int:
        return len(self._found)

    def clear(self) -> None:
        with self._lock:
            self._found.clear()


ENCODINGS = _Encodings(20_000)


def _encoded(text: str) -> tuple[tuple[str, ...], Any]:
    found = ENCODINGS.get(text)
    if found is None:
        from articles.nlp import embedding

        (encoding,) = embedding.encode(texts=[text])
        found = (encoding.words, encoding.word_vectors)
        ENCODINGS.put(text, found)
    return found


def vectors_wanted(texts: Iterable[str]) -> list[str]:
    """Of new renderings' texts, those matching may weigh the meaning of (more than `short` content words)
    whose vectors are not at hand: what ingest asks an idle parser process to encode ahead of matching."""
    if not _can_embed():
        return []
    wanted = {text for text in texts if len(_content(text)) > TUNING.short and text not in ENCODINGS}
    return sorted(wanted)


def remember_vectors(found: Mapping[str, tuple[tuple[str, ...], Any]]) -> None:
    """Vectors encoded elsewhere (a parser process) for texts matching will meet."""
    for text, vectors in found.items():
        ENCODINGS.put(text, vectors)


def _meaning_cover(a: _Wording, b: _Wording) -> float | None:
    # Mean, over the shorter rendering's content words, of the best cosine against the longer rendering's
    # contextual word vectors: a translation's "upheld ... fundamental" finds "adhered ... basic".
    if not (a.embed and b.embed):
        return None
    import numpy as np

    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    s_words, s_vec = _encoded(short.text)
    _, l_vec = _encoded(long.text)
    keep = [i for i, w in enumerate(s_words) if w.isalnum() and w not in _STOPWORDS]
    if not keep or len(l_vec) == 0:
        return None
    best = (s_vec[keep] @ l_vec.T).max(axis=1)
    return float(np.mean(best))


def _out_of_reach(a: _Wording, b: _Wording, threshold: float, tuning: Tuning) -> bool:
    """Whether the pair cannot reach `threshold` whatever its word order and meaning, judged from the words
    one lacks of the other (set arithmetic, far cheaper than the evidence). Most candidates in a big
    database share a phrase or two with a new quote and nothing more: they are rejected here, as they would
    be after the full evidence."""
    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    n = len(short.words)
    if n == 0:
        return False
    missing = len(short.vocab - long.vocab)
    if n <= tuning.short:
        return missing > 0  # a short quote must be contained word for word
    if not missing:
        return False
    # Word cover is exactly 1 - missing/distinct words; each missing word costs the in-order share a token.
    bound = 0.5 * (1 - missing / len(short.vocab)) + 0.5 * (1 - missing / n)
    return not _could_reach(bound, threshold, tuning)  # no penalty: a bound (plain floats: called per pair)


def _could_reach(lexical: float, threshold: float, tuning: Tuning, *, penalty: float = 0.0) -> bool:
    """Whether meaning cover (at most 1) could lift word evidence (its lexical score, less its negation
    penalty, if any) to the threshold."""
    return max(lexical, 0.5 * (lexical + 1.0 + 1e-6) + tuning.meaning_lift) - penalty >= threshold


def _reachable(words: _Evidence, threshold: float, tuning: Tuning) -> bool:
    return _could_reach(words.lexical, threshold, tuning, penalty=words.lexical - words.similarity)


def _similar(a: _Wording, b: _Wording, words: _Evidence, threshold: float, tuning: Tuning) -> _Evidence:
    # Vectors cost a forward pass of the model per text; only a pair whose verdict they could change needs them.
    # A pair that cannot reach the threshold with them is rejected either way; one whose words alone reach
    # `strong` is a match, and a strong one, either way (meaning would only raise its score).
    if (
        words.short_words <= tuning.short
        or not _reachable(words, threshold, tuning)
        or words.similarity >= tuning.strong
    ):
        return words
    return _evidence(a, b, tuning, True)


@functools.lru_cache(maxsize=200_000)
def _evidence(a: _Wording, b: _Wording, tuning: Tuning, with_meaning: bool) -> _Evidence:
    """Text evidence for a pair; without meaning, the word evidence alone (no vectors are encoded).

    A result of its arguments alone, kept: the same pair comes back in both passes, in every group it is tried
    against and on every ingest that finds the same candidates.
    """
    short, long = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    n = len(short)
    if n == 0:
        same = normalize(a.text) == normalize(b.text) != ""
        return _Evidence(
            1.0 if same else 0.0, 1.0 if same else 0.0, 0, "same words" if same else "no content words"
        )
    if n <= tuning.short:
        # Short quotes carry no context: only the same words in the same order count.
        if _contains(long, short):
            return _Evidence(1.0, 1.0, n, f"'{' '.join(short)}' contained")
        return _Evidence(0.0, 0.0, n, "short quote not contained")
    cover = len(set(short) & set(long)) / len(set(short))
    ordered = LCSseq.similarity(list(short), list(long)) / n
    lexical = 0.5 * cover + 0.5 * ordered
    similarity = lexical
    reason = f"word cover {cover:.2f}, in order {ordered:.2f}"
    semantic = _meaning_cover(a, b) if with_meaning else None  # None unless both may be embedded
    if semantic is not None:
        # Meaning cover lifts reworded and translated renderings ("upheld ... fundamental" for "adhered ...
        # basic"); averaged with word cover because on its own it also rates same-topic sentences highly.
        blended = 0.5 * (lexical + semantic) + tuning.meaning_lift
        if blended > similarity:
            similarity = blended
            reason += f", meaning cover {semantic:.2f}"
    if (set(short) & _NEGATION_STEMS) - set(long):
        similarity -= tuning.negation_penalty
        reason += ", negation differs"
    return _Evidence(similarity, lexical, n, reason)


def _day_gap(a: datetime.date | None, b: datetime.date | None) -> int | None:
    return None if a is None or b is None else abs((a - b).days)


# ---------------------------------------------------------------------------------------------------------
# The decision


class _Said(NamedTuple):
    """All a verdict reads of one rendering: its wording and its speaker."""

    wording: _Wording
    speaker: str | None


class _Occasion(NamedTuple):
    """All a verdict knows of where and when the two renderings of a pair were said."""

    same_article: bool
    gap: int | None  # days between their dates, published or inferred; None when either is unknown
    supported: bool  # strong matches tie their two articles to one occasion


@dataclass(frozen=True)
class _Item:
    """A rendering with what the decisions need, computed once."""

    index: int  # position in new; candidates follow the new renderings
    rendering: Rendering
    said: _Said
    said_id: int  # one number per distinct `said` in one assign_statements call
    statement: int | None = None  # for candidates
    quoted: bool = True
    words: tuple[str, ...] = field(init=False, repr=False)  # said.wording's, at hand for the many reads
    vocab: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", self.said.wording.words)
        object.__setattr__(self, "vocab", self.said.wording.vocab)


@dataclass(frozen=True)
class _Verdict:
    ok: bool
    score: float
    strong: bool
    reason: str


_TOO_FEW_WORDS = _Verdict(False, 0.0, False, "too few words in common")  # most pairs: one instance for all

_NONE: frozenset[int] = frozenset()


class _Occasions:
    """Dates per (article, speaker), published or inferred from articles that share a statement."""

    def __init__(self) -> None:
        self.inferred: dict[tuple[str, str | None], datetime.date] = {}
        self.strong: set[tuple[str, str]] = set()  # article pairs (in order) with a strong match between them
        # Candidate articles with renderings in one statement also report one occasion: each article's
        # statements shared with another article, looked at per pair asked (enumerating the pairs cost a
        # statement carried by forty articles 780 of them on every ingest).
        self.statements: dict[str, set[int]] = {}

    def date(self, item: _Item) -> datetime.date | None:
        r = item.rendering
        if r.published is not None:
            return r.published
        # Per speaker: an article about today's meeting may also re-quote someone's older words.
        return self.inferred.get((r.article, r.speaker))

    def supported(self, a: str, b: str) -> bool:
        if ((a, b) if a <= b else (b, a)) in self.strong:
            return True
        return a != b and not self.statements.get(a, _NONE).isdisjoint(self.statements.get(b, _NONE))

    def between(self, a: _Item, b: _Item) -> _Occasion:
        ra, rb = a.rendering, b.rendering
        return _Occasion(
            ra.article == rb.article,
            _day_gap(self.date(a), self.date(b)),
            self.supported(ra.article, rb.article),
        )


def _judge(a: _Said, b: _Said, occasion: _Occasion, tuning: Tuning) -> _Verdict:
    """The verdict on a pair: a result of its arguments alone, so it may be kept under them."""
    # Word evidence first; meaning cover (vectors) only where it can still decide the verdict.
    wa, wb = a.wording, b.wording
    if _out_of_reach(wa, wb, tuning.weak if occasion.supported else tuning.match, tuning):
        return _TOO_FEW_WORDS  # below every threshold it could face
    text = _evidence(wa, wb, tuning, False)
    reasons = [text.reason]
    verbatim = text.lexical >= tuning.requote and text.short_words >= tuning.requote_words

    # Speakers: evidence, not a gate. A different named speaker needs near-verbatim words (one
    # attribution error must not split a statement); the same named speaker lowers the bar a little.
    if a.speaker and b.speaker:
        if a.speaker != b.speaker:
            if not verbatim:
                return _Verdict(False, text.similarity, False, f"speakers differ ({a.speaker} / {b.speaker})")
            reasons.append("speakers differ, words near-verbatim")
        else:
            reasons.append("same speaker")

    if occasion.same_article:
        # One article reports one occasion per quoted utterance: same words here are the same statement.
        text = _similar(wa, wb, text, tuning.match, tuning)
        reasons[0] = text.reason
        ok = text.similarity >= tuning.match
        if ok and text.short_words <= tuning.short and not _fragment_of(wa.text, wb.text):
            # The writer copies a fragment from the quote it repeats: "he said this, he tweeted that" shares
            # only "tweet" with the tweet it reports on, and is someone else's words.
            ok = False
            reasons[0] = "short quote not a fragment of the other"
        return _Verdict(ok, text.similarity, False, "; ".join([*reasons, "same article"]))

    gap = occasion.gap
    if gap is not None and gap > tuning.same_occasion_days:
        if not verbatim:
            return _Verdict(False, text.similarity, False, f"{gap} days apart, words not near-verbatim")
        reasons.append(f"re-quoted {gap} days apart")
    elif gap is not None:
        reasons.append(f"published {gap} days apart")

    supported = occasion.supported
    same_speaker = bool(a.speaker) and a.speaker == b.speaker
    if text.short_words <= tuning.short:
        # A short phrase alone must not glue statements. Two bare fragments with the same words and speaker
        # are the same catchphrase (often re-quoted later); a fragment inside another article's full
        # sentence needs that article tied to the same occasion.
        lengths = (len(wa.words), len(wb.words))
        both_short = min(lengths) == text.short_words and max(lengths) <= tuning.short
        ok = (same_speaker or supported) if both_short else (supported or (same_speaker and gap is not None))
        if text.short_words <= 1:
            ok = ok and same_speaker
        ok = ok and text.similarity >= tuning.match
        reasons.append("short quote" + (", articles share an occasion" if supported else ""))
        return _Verdict(ok, text.similarity, False, "; ".join(reasons))

    threshold = tuning.weak if supported else tuning.match if gap is not None else tuning.undated
    text = _similar(wa, wb, text, threshold, tuning)
    reasons[0] = text.reason
    if supported:
        reasons.append("articles share an occasion")
    ok = text.similarity >= threshold
    strong = ok and text.similarity >= tuning.strong and text.short_words >= tuning.strong_words
    return _Verdict(ok, text.similarity, strong, "; ".join(reasons))


def _can_embed() -> bool:
    from articles.nlp import embedding

    return embedding.available()


def _infer_dates(
    occasions: _Occasions,
    candidates: Sequence[_Item],
    pairs: Mapping[tuple[int, int], _Verdict],
    new: Sequence[_Item],
) -> None:
    # Candidate articles without a date take the date of dated articles in the same statements;
    # the new article takes the dates of the candidate articles it strongly matches. Per speaker, so a
    # re-quoted older statement by someone else keeps no date.
    by_statement: dict[int, list[_Item]] = defaultdict(list)
    for c in candidates:
        if c.statement is not None:
            by_statement[c.statement].append(c)
    votes: dict[tuple[str, str | None], list[datetime.date]] = defaultdict(list)
    for members in by_statement.values():
        articles = {m.rendering.article for m in members}
        dated = [m.rendering.published for m in members if m.rendering.published is not None]
        if len(articles) < 2 or not dated:
            continue
        for m in members:
            if m.rendering.published is None:
                votes[(m.rendering.article, m.rendering.speaker)].extend(dated)
                votes[(m.rendering.article, None)].extend(dated)
    for (ni, ci), verdict in pairs.items():
        if not verdict.strong:
            continue
        n_item, c_item = new[ni], candidates[ci]
        date = c_item.rendering.published or occasions.inferred.get((c_item.rendering.article, None))
        if date is None or n_item.rendering.published is not None:
            continue
        votes[(n_item.rendering.article, n_item.rendering.speaker)].append(date)
        votes[(n_item.rendering.article, None)].append(date)
    for key, dates in votes.items():
        if key not in occasions.inferred:
            occasions.inferred[key] = (
                dates[len(dates) // 2] if len(dates) % 2 else sorted(dates)[len(dates) // 2]
            )


def _could_be_strong(a: _Wording, b: _Wording, tuning: Tuning) -> bool:
    # Pass 1 only looks for strong verdicts: most pairs are ruled out by length or word evidence alone.
    if len(b.words) < tuning.strong_words or _out_of_reach(a, b, tuning.strong, tuning):
        return False
    return _reachable(_evidence(a, b, tuning, False), tuning.strong, tuning)


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def assign_statements(
    *,
    new: Sequence[Rendering],
    candidates: Mapping[int, Sequence[Rendering]],
    use_embedding: bool = True,
    tuning: Tuning = TUNING,
) -> list[Assignment]:
    """Decide, for each new rendering, the existing statement it joins or the new group it forms.

    `use_embedding`: weigh meaning (embedding.py's word vectors, when its model is installed) as well as words;
    without it paraphrases and translations share too few words to match."""
    can_embed = use_embedding and _can_embed()

    said_ids: dict[_Said, int] = {}

    def make_item(index: int, rendering: Rendering, statement: int | None) -> _Item:
        words = _words(rendering)
        # Marked, not encoded: its vectors are encoded the first time a pair needs its meaning.
        wording = _Wording(rendering.text, can_embed and len(words) > tuning.short, words)
        quoted = rendering.kind != "indirect" and not rendering.tentative
        said = _Said(wording, rendering.speaker)
        return _Item(index, rendering, said, said_ids.setdefault(said, len(said_ids)), statement, quoted)

    new_items = [make_item(i, r, None) for i, r in enumerate(new)]
    cand_items = [
        make_item(len(new_items) + i, r, sid)
        for i, (sid, r) in enumerate((sid, r) for sid, renderings in candidates.items() for r in renderings)
    ]

    # Pass 1: dates from the candidates alone, then strong matches tie articles to occasions.
    occasions = _Occasions()
    _infer_dates(occasions, cand_items, {}, new_items)
    # Only candidates sharing a word with a new rendering can be strong with it: found through their words.
    with_word: dict[str, list[int]] = defaultdict(list)
    for ci, c in enumerate(cand_items):
        if c.quoted and len(c.words) >= tuning.strong_words:
            for word in c.vocab:
                with_word[word].append(ci)
    first: dict[tuple[int, int], _Verdict] = {}
    # Worked out once per pair of sayings (and occasion): a wire story's candidate statement holds the same
    # words from forty articles.
    reachable: dict[tuple[int, int], bool] = {}
    judged: dict[tuple[int, int, _Occasion], _Verdict] = {}
    for ni, n in enumerate(new_items):
        if not n.quoted or len(n.words) < tuning.strong_words:
            continue
        for ci in sorted(set().union(*(with_word.get(word, ()) for word in n.vocab))):  # (unions in C)
            c = cand_items[ci]
            said = (n.said_id, c.said_id)
            if said not in reachable:
                reachable[said] = _could_be_strong(n.said.wording, c.said.wording, tuning)
            if reachable[said]:
                occasion = occasions.between(n, c)
                found = judged.get((*said, occasion))
                if found is None:
                    found = judged[(*said, occasion)] = _judge(n.said, c.said, occasion, tuning)
                first[(ni, ci)] = found
    _infer_dates(occasions, cand_items, first, new_items)
    for (ni, ci), found in first.items():
        if found.strong:
            occasions.strong.add(_pair_key(new_items[ni].rendering.article, cand_items[ci].rendering.article))
    articles_of: dict[int, set[str]] = defaultdict(set)
    for c in cand_items:
        if c.statement is not None and c.quoted:
            articles_of[c.statement].add(c.rendering.article)
    for statement, articles in articles_of.items():
        if len(articles) > 1:
            for article in articles:
                occasions.statements.setdefault(article, set()).add(statement)

    # Pass 2: final verdicts, complete-link style against statements and new groups. A big story's statements
    # hold the same wording from many articles: a verdict is kept under everything _judge is given.
    verdicts: dict[tuple[int, int, _Occasion], _Verdict] = {}
    nearest: dict[int, float] = defaultdict(float)  # each new rendering's best score against any other
    # Where and when each rendering was said, by index (no date or tie changes now): an article's renderings
    # share one place, and a pair of places one occasion, worked out once.
    places: dict[tuple[str, datetime.date | None], int] = {}
    place = [
        places.setdefault((item.rendering.article, occasions.date(item)), len(places))
        for item in (*new_items, *cand_items)
    ]
    place_of = list(places)
    between: dict[tuple[int, int], _Occasion] = {}

    def verdict(a: _Item, b: _Item) -> _Verdict:
        pair = (place[a.index], place[b.index])
        occasion = between.get(pair)
        if occasion is None:
            (article_a, date_a), (article_b, date_b) = place_of[pair[0]], place_of[pair[1]]
            occasion = between[pair] = _Occasion(
                article_a == article_b, _day_gap(date_a, date_b), occasions.supported(article_a, article_b)
            )
        key = (a.said_id, b.said_id, occasion)  # the ids stand for a.said and b.said
        found = verdicts.get(key)
        if found is None:
            found = verdicts[key] = _judge(a.said, b.said, occasion, tuning)
        nearest[a.index] = max(nearest[a.index], found.score)
        return found

    cand_by_statement: dict[int, list[_Item]] = defaultdict(list)
    for c in cand_items:
        if c.statement is not None:
            cand_by_statement[c.statement].append(c)
    # Each statement's quoted members and reference, found once rather than for every new rendering.
    cand_members = {sid: _quoted(members) for sid, members in cand_by_statement.items()}

    # Longest quoted renderings first: they anchor groups that partial quotes then join.
    order = sorted(
        range(len(new_items)), key=lambda i: (not new_items[i].quoted, -len(new_items[i].words), i)
    )
    groups: dict[int, list[_Item]] = {}
    group_statement: dict[int, int | None] = {}
    result: dict[int, Assignment] = {}
    for i in order:
        item = new_items[i]
        best: tuple[float, str, int | None, int | None] | None = None  # score, reason, statement, group
        parts: list[int] = []  # statements whose fullest rendering this one contains
        for sid, quoted in cand_members.items():
            fit = _fit(item, quoted, verdict, tuning)
            if fit and (best is None or fit[0] > best[0]):
                best = (fit[0], fit[1], sid, None)
            if fit and _contains_passage(item, quoted[1], tuning):
                parts.append(sid)
        for gid, members in groups.items():
            fit = _fit(item, _quoted(members), verdict, tuning)
            if fit and (best is None or fit[0] > best[0]):
                best = (fit[0], fit[1], group_statement[gid], gid)
        words = len(item.words)
        if best is None:
            if not item.quoted:
                result[i] = Assignment(None, i, False, 0.0, "matches no quoted rendering", words=words)
                continue
            groups[i] = [item]
            group_statement[i] = None
            result[i] = Assignment(None, i, True, 0.0, "new statement", words=words, nearest=nearest[i])
            continue
        score, reason, joined, found_group = best
        if found_group is None:
            # Joining an existing statement: new renderings that join it share one group.
            gid = next((g for g, s in group_statement.items() if s == joined and s is not None), i)
            groups.setdefault(gid, [])
            group_statement[gid] = joined
        else:
            gid = found_group
        groups[gid].append(item)
        merges = tuple(sid for sid in parts if joined is not None and sid != joined)
        result[i] = Assignment(joined, gid, True, round(score, 3), reason, merges, words=words)
    return [result[i] for i in range(len(new_items))]


def _contains_passage(item: _Item, reference: _Item | None, tuning: Tuning) -> bool:
    """Whether a statement's fullest rendering (two content words or more) is part of this longer rendering,
    word for word or nearly ("extraordinary honour" in "… thank you for this extraordinary honour. Tonight …")."""
    if reference is None or not item.quoted or len(reference.words) < 2:
        return False
    if len(item.words) <= len(reference.words):
        return False  # the same sentence, not a passage around it
    return _contains(item.words, reference.words) or (
        LCSseq.similarity(list(reference.words), list(item.words)) >= tuning.strong * len(reference.words)
    )


def _quoted(members: Sequence[_Item]) -> tuple[list[_Item], _Item | None]:
    """A statement's quoted members and its reference among them (the longest; the first of the longest)."""
    quoted = [m for m in members if m.quoted]
    return quoted, max(quoted, key=lambda m: len(m.words)) if quoted else None


def _fit(
    item: _Item,
    members: tuple[list[_Item], _Item | None],
    verdict: Callable[[_Item, _Item], _Verdict],
    tuning: Tuning,
) -> tuple[float, str] | None:
    """Score of `item` against a statement's quoted members (see _quoted), or None when it does not belong.

    It must match the statement's reference (its longest quoted rendering) or, for a short quote, some
    quoted member; and it must not contradict most of the other long quoted members, so A~B and B~C
    never make A~C when A and C differ.
    """
    quoted, reference = members
    if reference is None:
        return None
    ref_verdict = verdict(item, reference)
    if len(item.words) > tuning.short and len(reference.words) > tuning.short and not ref_verdict.ok:
        return None  # a long rendering must match the statement's fullest rendering, not only a fragment
    verdicts = [(m, ref_verdict if m is reference else verdict(item, m)) for m in quoted]
    matched = [(m, v) for m, v in verdicts if v.ok]
    if not matched:
        return None
    longs = [(m, v) for m, v in verdicts if len(m.words) > tuning.short and m is not reference]
    part_of_reference = len(item.words) <= tuning.short and ref_verdict.ok  # a fragment of a passage
    if longs and not part_of_reference and sum(v.ok for _, v in longs) * 2 < len(longs):
        return None
    best_member, best = max(matched, key=lambda mv: mv[1].score)
    return best.score, best.reason
