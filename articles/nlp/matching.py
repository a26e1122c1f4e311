"""Which renderings report the same statement, and the keys that find candidates for that decision.

A statement is one utterance by one speaker on one occasion. Renderings of it may be verbatim, trimmed,
extended, partial ("rock-solid" inside a sentence), reworded or translated differently. Similar words by
the same speaker on another occasion are a different statement, so text similarity alone never decides:
occasion evidence (publication dates, dates inferred from articles that report the same occasion, and
article-to-article support) and speakers gate every merge.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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
    sentence: str = ""  # the sentence around it
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
# Tuning. Fitted on the labelled pairs in tests/nlp/test_matching.py (see fit notes there), not on the seeds.

SAME_OCCASION_DAYS = 5  # a speech on Sunday is reported until mid-week; later coverage is a re-quote
SHORT = 3  # quotes with at most this many content words must appear word for word, in order
MATCH = 0.62  # text similarity for a match when nothing speaks against it
STRONG = 0.80  # a match this good between long renderings ties two articles to one occasion
UNDATED = 0.70  # no date and no article tie: similar words may be the same speaker on another day
WEAK = 0.45  # accepted only between articles already tied to the same occasion
REQUOTE = 0.90  # near-verbatim: survives a date gap (a statement re-quoted weeks later)
REQUOTE_WORDS = 5
STRONG_WORDS = 4

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

_NEGATION_PENALTY = 0.2  # "cannot be achieved by force" is not "can only be achieved through talks"

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


# Snowball's English (Porter2) stemmer: "apology"/"apologize" and "public"/"publicly" meet. Pure Python, about
# 30 µs a word against 0.5 for the suffix stripper it replaced: the cache below keeps that to new words.
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
class _Item:
    """A rendering with what the decisions need, computed once."""

    index: int  # position in new, or -1 for candidates
    rendering: Rendering
    words: tuple[str, ...]
    statement: int | None = None  # for candidates
    quoted: bool = True
    vectors: tuple[tuple[str, ...], Any] | None = field(default=None, compare=False)  # words, word vectors
    embed: bool = False  # vectors are encoded on first use (most pairs are decided without them)
    vocab: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocab", frozenset(self.words))


@dataclass(frozen=True)
class _Text:
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


def _vectors(item: _Item) -> tuple[tuple[str, ...], Any] | None:
    if item.vectors is not None or not item.embed:
        return item.vectors
    return _encode_cached((item.rendering.text,))[0]


def _semantic_cover(a: _Item, b: _Item) -> float | None:
    # Mean, over the shorter rendering's content words, of the best cosine against the longer rendering's
    # contextual word vectors: a translation's "upheld ... fundamental" finds "adhered ... basic".
    if not (a.vectors is not None or a.embed) or not (b.vectors is not None or b.embed):
        return None
    import numpy as np

    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    short_vectors, long_vectors = _vectors(short), _vectors(long)
    assert short_vectors is not None and long_vectors is not None
    s_words, s_vec = short_vectors
    _, l_vec = long_vectors
    keep = [i for i, w in enumerate(s_words) if w.isalnum() and w not in _STOPWORDS]
    if not keep or len(l_vec) == 0:
        return None
    best = (s_vec[keep] @ l_vec.T).max(axis=1)
    return float(np.mean(best))


_TEXT_CACHE: dict[tuple[str, str, bool, bool, bool], _Text] = {}


def _text(a: _Item, b: _Item, *, with_meaning: bool = True) -> _Text:
    """Text evidence for a pair; with semantic=False the word evidence alone (no vectors are encoded).

    The same pair of texts comes back in both passes, in every group it is tried against and on every
    ingest that finds the same candidates: the evidence depends on the two texts alone, so it is kept.
    """
    can_embed = (a.vectors is not None or a.embed, b.vectors is not None or b.embed)
    key = (a.rendering.text, b.rendering.text, *can_embed, with_meaning)
    found = _TEXT_CACHE.get(key)
    if found is None:
        if len(_TEXT_CACHE) > 200_000:
            _TEXT_CACHE.clear()
        found = _TEXT_CACHE[key] = _text_uncached(a, b, with_meaning=with_meaning)
    return found


def _out_of_reach(a: _Item, b: _Item, threshold: float) -> bool:
    """Whether the pair cannot reach `threshold` whatever its word order and meaning, judged from the words
    one lacks of the other (set arithmetic, far cheaper than the evidence). Most candidates in a big
    database share a phrase or two with a new quote and nothing more: they are rejected here, as they would
    be after the full evidence."""
    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    n = len(short.words)
    if n == 0:
        return False
    missing = len(short.vocab - long.vocab)
    if n <= SHORT:
        return missing > 0  # a short quote must be contained word for word
    if not missing:
        return False
    # Word cover is exactly 1 - missing/distinct words; each missing word costs the in-order share a token.
    bound = 0.5 * (1 - missing / len(short.vocab)) + 0.5 * (1 - missing / n)
    return not _could_reach(_Text(bound, bound, n, ""), threshold)


def _could_reach(words: _Text, threshold: float) -> bool:
    """Whether meaning cover (at most 1) could lift this word evidence to the threshold."""
    penalty = words.lexical - words.similarity  # the negation penalty, if any
    return max(words.lexical, 0.5 * (words.lexical + 1.0 + 1e-6) + _SEM_LIFT) - penalty >= threshold


def _similar(a: _Item, b: _Item, words: _Text, threshold: float) -> _Text:
    # Vectors cost a forward pass (about 20 ms a text); only a pair whose verdict they could change needs them.
    # A pair that cannot reach the threshold with them is rejected either way; one whose words alone reach
    # STRONG is a match, and a strong one, either way (meaning would only raise its score).
    if words.short_words <= SHORT or not _could_reach(words, threshold) or words.similarity >= STRONG:
        return words
    return _text(a, b)


def _text_uncached(a: _Item, b: _Item, *, with_meaning: bool = True) -> _Text:
    short, long = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    n = len(short)
    if n == 0:
        same = normalize(a.rendering.text) == normalize(b.rendering.text) != ""
        return _Text(
            1.0 if same else 0.0, 1.0 if same else 0.0, 0, "same words" if same else "no content words"
        )
    if n <= SHORT:
        # Short quotes carry no context: only the same words in the same order count.
        if _contains(long, short):
            return _Text(1.0, 1.0, n, f"'{' '.join(short)}' contained")
        return _Text(0.0, 0.0, n, "short quote not contained")
    cover = len(set(short) & set(long)) / len(set(short))
    ordered = LCSseq.similarity(list(short), list(long)) / n
    lexical = 0.5 * cover + 0.5 * ordered
    similarity = lexical
    reason = f"word cover {cover:.2f}, in order {ordered:.2f}"
    semantic = _semantic_cover(a, b) if with_meaning else None  # None unless both may be embedded
    if semantic is not None:
        # Meaning cover lifts reworded and translated renderings ("upheld ... fundamental" for "adhered ...
        # basic"); averaged with word cover because on its own it also rates same-topic sentences highly.
        blended = 0.5 * (lexical + semantic) + _SEM_LIFT
        if blended > similarity:
            similarity = blended
            reason += f", meaning cover {semantic:.2f}"
    if (set(short) & _NEGATION_STEMS) - set(long):
        similarity -= _NEGATION_PENALTY
        reason += ", negation differs"
    return _Text(similarity, lexical, n, reason)


_SEM_LIFT = 0.03  # puts the blend on the word-cover scale: fitted so MATCH separates the labelled pairs


def _day_gap(a: datetime.date | None, b: datetime.date | None) -> int | None:
    return None if a is None or b is None else abs((a - b).days)


# ---------------------------------------------------------------------------------------------------------
# The decision


@dataclass(frozen=True)
class _Verdict:
    ok: bool
    score: float
    strong: bool
    reason: str


class _Occasions:
    """Dates per (article, speaker), published or inferred from articles that share a statement."""

    def __init__(self) -> None:
        self.dates: dict[str, datetime.date] = {}
        self.inferred: dict[tuple[str, str | None], datetime.date] = {}
        self.support: Counter[tuple[str, str]] = Counter()

    def date(self, item: _Item) -> datetime.date | None:
        r = item.rendering
        if r.published is not None:
            return r.published
        # Per speaker: an article about today's meeting may also re-quote someone's older words.
        return self.inferred.get((r.article, r.speaker))

    def supported(self, a: str, b: str) -> bool:
        return self.support[(a, b) if a <= b else (b, a)] > 0


def _judge(a: _Item, b: _Item, occasions: _Occasions) -> _Verdict:
    # Word evidence first; meaning cover (vectors) only where it can still decide the verdict.
    ra, rb = a.rendering, b.rendering
    if _out_of_reach(a, b, WEAK if occasions.supported(ra.article, rb.article) else MATCH):
        return _Verdict(False, 0.0, False, "too few words in common")  # below every threshold it could face
    text = _text(a, b, with_meaning=False)
    same_article = ra.article == rb.article
    reasons = [text.reason]
    long_enough = text.short_words >= REQUOTE_WORDS
    verbatim = text.lexical >= REQUOTE and long_enough

    # Speakers: evidence, not a gate. A different named speaker needs near-verbatim words (one
    # attribution error must not split a statement); the same named speaker lowers the bar a little.
    if ra.speaker and rb.speaker:
        if ra.speaker != rb.speaker:
            if not verbatim:
                return _Verdict(
                    False, text.similarity, False, f"speakers differ ({ra.speaker} / {rb.speaker})"
                )
            reasons.append("speakers differ, words near-verbatim")
        else:
            reasons.append("same speaker")

    if same_article:
        # One article reports one occasion per quoted utterance: same words here are the same statement.
        text = _similar(a, b, text, MATCH)
        reasons[0] = text.reason
        ok = text.similarity >= MATCH
        if ok and text.short_words <= SHORT and not _fragment_of(a.rendering.text, b.rendering.text):
            # The writer copies a fragment from the quote it repeats: "he said this, he tweeted that" shares
            # only "tweet" with the tweet it reports on, and is someone else's words.
            ok = False
            reasons[0] = "short quote not a fragment of the other"
        return _Verdict(ok, text.similarity, False, "; ".join([*reasons, "same article"]))

    gap = _day_gap(occasions.date(a), occasions.date(b))
    if gap is not None and gap > SAME_OCCASION_DAYS:
        if not verbatim:
            return _Verdict(False, text.similarity, False, f"{gap} days apart, words not near-verbatim")
        reasons.append(f"re-quoted {gap} days apart")
    elif gap is not None:
        reasons.append(f"published {gap} days apart")

    supported = occasions.supported(ra.article, rb.article)
    same_speaker = bool(ra.speaker) and ra.speaker == rb.speaker
    if text.short_words <= SHORT:
        # A short phrase alone must not glue statements. Two bare fragments with the same words and speaker
        # are the same catchphrase (often re-quoted later); a fragment inside another article's full
        # sentence needs that article tied to the same occasion.
        both_short = (
            min(len(a.words), len(b.words)) == text.short_words and max(len(a.words), len(b.words)) <= SHORT
        )
        ok = (same_speaker or supported) if both_short else (supported or (same_speaker and gap is not None))
        if text.short_words <= 1:
            ok = ok and same_speaker
        ok = ok and text.similarity >= MATCH
        reasons.append("short quote" + (", articles share an occasion" if supported else ""))
        return _Verdict(ok, text.similarity, False, "; ".join(reasons))

    threshold = WEAK if supported else MATCH if gap is not None else UNDATED
    text = _similar(a, b, text, threshold)
    reasons[0] = text.reason
    if supported:
        reasons.append("articles share an occasion")
    ok = text.similarity >= threshold
    strong = ok and text.similarity >= STRONG and text.short_words >= STRONG_WORDS
    return _Verdict(ok, text.similarity, strong, "; ".join(reasons))


def _can_embed() -> bool:
    from articles.nlp import embedding

    return embedding.available()


_VECTOR_CACHE: dict[str, tuple[tuple[str, ...], Any]] = {}


def _encode_cached(texts: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    # Candidates come back on every ingest of a related article: keep their vectors for the process.
    from articles.nlp import embedding

    missing = sorted({t for t in texts if t not in _VECTOR_CACHE})
    if missing:
        if len(_VECTOR_CACHE) > 50_000:
            _VECTOR_CACHE.clear()
        for text, enc in zip(missing, embedding.encode(texts=missing), strict=True):
            _VECTOR_CACHE[text] = (enc.words, enc.word_vectors)
    return [_VECTOR_CACHE[t] for t in texts]


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


def _could_be_strong(a: _Item, b: _Item) -> bool:
    # Pass 1 only looks for strong verdicts: most pairs are ruled out by length or word evidence alone.
    if len(b.words) < STRONG_WORDS or _out_of_reach(a, b, STRONG):
        return False
    return _could_reach(_text(a, b, with_meaning=False), STRONG)


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def assign_statements(
    *, new: Sequence[Rendering], candidates: Mapping[int, Sequence[Rendering]], use_embedding: bool = True
) -> list[Assignment]:
    """Decide, for each new rendering, the existing statement it joins or the new group it forms.

    `use_embedding`: weigh meaning (embedding.py's word vectors, when its model is installed) as well as words;
    without it paraphrases and translations share too few words to match."""
    can_embed = use_embedding and _can_embed()

    def make_item(index: int, rendering: Rendering, statement: int | None) -> _Item:
        words = _words(rendering)
        # Marked, not encoded: _vectors() encodes a rendering the first time a pair needs its meaning.
        embed = can_embed and len(words) > SHORT
        quoted = rendering.kind != "indirect" and not rendering.tentative
        return _Item(index, rendering, words, statement, quoted, embed=embed)

    new_items = [make_item(i, r, None) for i, r in enumerate(new)]
    cand_items = [make_item(-1, r, sid) for sid, renderings in candidates.items() for r in renderings]

    # Pass 1: dates from the candidates alone, then strong matches tie articles to occasions.
    occasions = _Occasions()
    _infer_dates(occasions, cand_items, {}, new_items)
    # Only candidates sharing a word with a new rendering can be strong with it: found through their words.
    with_word: dict[str, list[int]] = defaultdict(list)
    for ci, c in enumerate(cand_items):
        if c.quoted and len(c.words) >= STRONG_WORDS:
            for word in c.vocab:
                with_word[word].append(ci)
    first: dict[tuple[int, int], _Verdict] = {}
    for ni, n in enumerate(new_items):
        if not n.quoted or len(n.words) < STRONG_WORDS:
            continue
        for ci in sorted({ci for word in n.vocab for ci in with_word.get(word, ())}):
            if _could_be_strong(n, cand_items[ci]):
                first[(ni, ci)] = _judge(n, cand_items[ci], occasions)
    _infer_dates(occasions, cand_items, first, new_items)
    strong_statements: dict[tuple[str, str], set[int]] = defaultdict(set)
    for (ni, ci), found in first.items():
        if found.strong:
            key = _pair_key(new_items[ni].rendering.article, cand_items[ci].rendering.article)
            strong_statements[key].add(cand_items[ci].statement or -1)
    # Candidate articles in one multi-article statement also report one occasion.
    by_statement: dict[int, set[str]] = defaultdict(set)
    for c in cand_items:
        if c.statement is not None and c.quoted:
            by_statement[c.statement].add(c.rendering.article)
    for articles in by_statement.values():
        for a in articles:
            for b in articles:
                if a < b:
                    strong_statements[(a, b)].add(-2)
    for key, statements in strong_statements.items():
        occasions.support[key] = len(statements)

    # Pass 2: final verdicts, complete-link style against statements and new groups. A big story's statements
    # hold the same wording from many articles: a verdict depends only on what the key names, so it is kept.
    verdicts: dict[tuple, _Verdict] = {}
    nearest: dict[int, float] = defaultdict(float)  # each new rendering's best score against any other

    def verdict(a: _Item, b: _Item) -> _Verdict:
        ra, rb = a.rendering, b.rendering
        key = (
            a.index, rb.text, rb.speaker, ra.article == rb.article, occasions.date(b),
            occasions.supported(ra.article, rb.article),
        )  # fmt: skip
        found = verdicts.get(key)
        if found is None:
            found = verdicts[key] = _judge(a, b, occasions)
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
            fit = _fit(item, quoted, verdict)
            if fit and (best is None or fit[0] > best[0]):
                best = (fit[0], fit[1], sid, None)
            if fit and _contains_passage(item, quoted[1]):
                parts.append(sid)
        for gid, members in groups.items():
            fit = _fit(item, _quoted(members), verdict)
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


def _contains_passage(item: _Item, reference: _Item | None) -> bool:
    """Whether a statement's fullest rendering (two content words or more) is part of this longer rendering,
    word for word or nearly ("extraordinary honour" in "… thank you for this extraordinary honour. Tonight …")."""
    if reference is None or not item.quoted or len(reference.words) < 2:
        return False
    if len(item.words) <= len(reference.words):
        return False  # the same sentence, not a passage around it
    return _contains(item.words, reference.words) or (
        LCSseq.similarity(list(reference.words), list(item.words)) >= STRONG * len(reference.words)
    )


def _quoted(members: Sequence[_Item]) -> tuple[list[_Item], _Item | None]:
    """A statement's quoted members and its reference among them (the longest; the first of the longest)."""
    quoted = [m for m in members if m.quoted]
    return quoted, max(quoted, key=lambda m: len(m.words)) if quoted else None


def _fit(
    item: _Item, members: tuple[list[_Item], _Item | None], verdict: Callable[[_Item, _Item], _Verdict]
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
    if len(item.words) > SHORT and len(reference.words) > SHORT and not ref_verdict.ok:
        return None  # a long rendering must match the statement's fullest rendering, not only a fragment
    verdicts = [(m, ref_verdict if m is reference else verdict(item, m)) for m in quoted]
    matched = [(m, v) for m, v in verdicts if v.ok]
    if not matched:
        return None
    longs = [(m, v) for m, v in verdicts if len(m.words) > SHORT and m is not reference]
    part_of_reference = len(item.words) <= SHORT and ref_verdict.ok  # a fragment of a passage
    if longs and not part_of_reference and sum(v.ok for _, v in longs) * 2 < len(longs):
        return None
    best_member, best = max(matched, key=lambda mv: mv[1].score)
    return best.score, best.reason
