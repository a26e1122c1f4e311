"""Synthetic statements, renderings and articles for matching and pages at scale (bypasses spaCy).

Deterministic: statement i is built from its own seeded generator, so a stage can be extended and a probe
can rebuild any stored statement's words. Renderings are what outlets do to one sentence: the full quote,
fragments of it, a few words swapped (rewrites, translations), words dropped. Rendering counts per statement
follow a long tail (mean 4.4, up to 20); each article holds about 10 quotes of different statements.
"""

import datetime
import hashlib
import random
from dataclasses import dataclass
from functools import cache

from django.db import transaction

from articles.models import Article, Outlet, Quote, QuoteKey, Speaker, Statement
from articles.nlp.matching import _STOPWORDS, index_keys, normalize
from articles.search import search_text
from bench import bulk

SEED = 20261121
SPEAKERS = 5000
OUTLETS = 50
QUOTES_PER_ARTICLE = 10
_COUNTS = [1] * 35 + [2] * 25 + [3] * 15 + [4, 5, 6, 7, 8] * 4 + list(range(9, 21)) * 1 + [20] * 3
FIRST = "Anna Boris Carla David Elena Farid Grace Hiro Ines Jonas Kemal Lena Marco Nadia Omar Paula Qi Rosa Samir Tara".split()
LAST = "Adams Brandt Costa Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen Kowalski Lindqvist Moreau Novak Okafor Petrov Quinn Rossi Schmidt Tanaka".split()  # fmt: skip
START = datetime.date(2020, 1, 1)
STATEMENTS_PER_DAY = 150
NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@cache
def vocabulary() -> tuple[list[str], list[float]]:
    """Whole English words of the MiniLM vocabulary, with Zipf weights in a seeded order."""
    from articles.nlp.embedding import _model_dir

    words = [
        w
        for w in (_model_dir() / "vocab.txt").read_text().split()
        if w.isalpha() and w.isascii() and len(w) >= 3 and w not in _STOPWORDS
    ]
    random.Random(SEED).shuffle(words)
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1.0 / (rank + 20)
        cumulative.append(total)
    return words, cumulative


@cache
def speaker_weights() -> list[float]:
    """Zipf-like: the most quoted person says about 1.6% of all statements."""
    cumulative, total = [], 0.0
    for rank in range(SPEAKERS):
        total += 1.0 / (rank + 10)
        cumulative.append(total)
    return cumulative


def speaker_name(i: int) -> str:
    return f"{FIRST[i % 20]} {LAST[(i // 20) % 20]}" + (f" {i // 400}" if i >= 400 else "")


@dataclass(frozen=True)
class Rendering:
    text: str
    kind: str


@dataclass(frozen=True)
class SyntheticStatement:
    index: int
    speaker: int
    date: datetime.date
    renderings: tuple[Rendering, ...]


def sentence(rng: random.Random, n: int) -> list[str]:
    words, cumulative = vocabulary()
    content = rng.choices(words, cum_weights=cumulative, k=n)
    # Function words between content words, as in real sentences (they are not index keys).
    fillers = ["the", "of", "and", "to", "in", "is", "that", "we", "will", "our", "with", "for"]
    out = []
    for word in content:
        out.append(word)
        if rng.random() < 0.45:
            out.append(rng.choice(fillers))
    return out


def variant(rng: random.Random, base: list[str]) -> Rendering:
    op = rng.random()
    if op < 0.3:
        return Rendering(" ".join(base), "direct")
    if op < 0.55:  # a fragment quoted inside the reporter's sentence
        size = min(len(base), rng.randint(3, 8))
        at = rng.randrange(len(base) - size + 1)
        return Rendering(" ".join(base[at : at + size]), "partial")
    words, cumulative = vocabulary()
    out = list(base)
    if op < 0.85:  # rewritten or translated: a few words swapped
        for _ in range(rng.randint(1, 3)):
            out[rng.randrange(len(out))] = rng.choices(words, cum_weights=cumulative)[0]
    else:  # shortened
        for _ in range(rng.randint(1, 3)):
            if len(out) > 4:
                del out[rng.randrange(len(out))]
    return Rendering(" ".join(out), "direct")


def statement(i: int) -> SyntheticStatement:
    rng = random.Random(SEED * 1_000_003 + i)
    speaker = rng.choices(range(SPEAKERS), cum_weights=speaker_weights())[0]
    base = sentence(rng, rng.randint(6, 22))
    count = rng.choice(_COUNTS)
    renderings = [Rendering(" ".join(base), "direct")] + [variant(rng, base) for _ in range(count - 1)]
    date = START + datetime.timedelta(days=i // STATEMENTS_PER_DAY)  # statements come in time order
    return SyntheticStatement(i, speaker, date, tuple(renderings))


def fresh_sentence(i: int) -> str:
    """A sentence nobody said before (probe quotes that start new statements)."""
    rng = random.Random(SEED * 7_000_003 + i)
    return " ".join(sentence(rng, rng.randint(6, 22)))


def body_with(quotes: list[tuple[str, str]], header: str) -> tuple[str, list[tuple[int, int]]]:
    """An article body holding each (speaker, text) as a quotation; offsets of the texts (code points)."""
    parts, spans, length = [header], [], len(header)
    for speaker, text in quotes:
        prefix = f"{speaker} said: “"
        start = length + len(prefix)
        spans.append((start, start + len(text)))
        piece = f"{prefix}{text}.” "
        parts.append(piece)
        length += len(piece)
    return "".join(parts), spans


class Generator:
    """Writes statements in order until the database holds the asked number of quotes."""

    def __init__(self) -> None:
        self.next_statement = 0
        self.quotes = self.articles = self.keys = 0

    def setup(self) -> None:
        with transaction.atomic():
            bulk.write(Outlet, ({"id": i + 1, "name": f"Synthetic Outlet {i}"} for i in range(OUTLETS)))
            bulk.write(
                Speaker,
                (
                    {"id": i + 1, "name": speaker_name(i), "kind": "person", "created_at": NOW}
                    for i in range(SPEAKERS)
                ),
            )
        bulk.reset_sequences(Outlet, Speaker)

    def grow_to(self, total_quotes: int, *, chunk: int = 50_000) -> None:
        while self.quotes < total_quotes:
            self._chunk(min(chunk, total_quotes - self.quotes))
        bulk.reset_sequences(Article, Statement, Quote, QuoteKey)
        bulk.analyze()

    def _chunk(self, size: int) -> None:
        statements, quotes, keys, articles = [], [], [], []
        pool: list[list] = []  # open articles: [id, outlet, date, [(quote id, speaker name, text)]]

        def close(article: list) -> None:
            aid, outlet, date, members = article
            header = f"Synthetic article {aid}.\n\n"
            body, spans = body_with([(name, text) for _, name, text, *_ in members], header)
            articles.append(
                {"id": aid, "outlet_id": outlet, "title": f"Synthetic article {aid}", "body": body,
                 "source_name": f"synthetic/{aid}", "published": date,
                 "content_hash": hashlib.sha256(body.encode()).hexdigest(), "ingested_at": NOW}
            )  # fmt: skip
            for (qid, name, text, sid, speaker, kind), (start, end) in zip(members, spans, strict=True):
                quotes.append(
                    {"id": qid, "article_id": aid, "statement_id": sid, "speaker_id": speaker, "text": text,
                     "start": start, "end": end, "kind": kind, "speaker_as_written": name,
                     "speaker_in_article": name, "cue": "said", "sentence": text, "normalized": normalize(text),
                     "speaker_decided_by": "automatic", "statement_decided_by": "automatic"}
                )  # fmt: skip
                for key in set(index_keys(text)):
                    self.keys += 1
                    keys.append({"id": self.keys, "quote_id": qid, "key": key})

        def open_article(date: datetime.date) -> list:
            self.articles += 1
            return [self.articles, self.articles % OUTLETS + 1, date, []]

        produced = 0
        while produced < size:
            s = statement(self.next_statement)
            self.next_statement += 1
            sid = s.index + 1
            first_quote = self.quotes + 1
            outlets = set()
            for j, rendering in enumerate(s.renderings):
                slot = (s.index + j) % 16
                while len(pool) <= slot:
                    pool.append(open_article(s.date))
                if len(pool[slot][3]) >= QUOTES_PER_ARTICLE:
                    close(pool[slot])
                    pool[slot] = open_article(s.date)
                self.quotes += 1
                outlets.add(pool[slot][1])
                pool[slot][3].append((self.quotes, speaker_name(s.speaker), rendering.text, sid, s.speaker + 1,
                                      rendering.kind))  # fmt: skip
            produced += len(s.renderings)
            words = s.renderings[0].text.split()
            label = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
            divergence = round(random.Random(sid).random() * 0.6, 3)
            statements.append(
                {"id": sid, "speaker_id": s.speaker + 1, "occasion_date": s.date, "label": label,
                 "reference_id": first_quote, "reference_decided_by": "automatic",
                 "rendering_count": len(s.renderings), "outlet_count": len(outlets), "divergence": divergence,
                 "created_at": NOW, "search_text": search_text(r.text for r in s.renderings)}
            )  # fmt: skip
        for article in pool:
            if article[3]:
                close(article)
        with transaction.atomic(), bulk.offsets_trigger_off():  # body_with() builds exact offsets
            bulk.write(Article, articles)
            bulk.write(Statement, statements)
            bulk.write(Quote, quotes)
            bulk.write(QuoteKey, keys)
