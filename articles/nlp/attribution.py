"""Who said each quotation of one article: cues, speakers, relays ("according to TASS").

Reads a parsed Doc (tagger, parser, ner) and the quote spans of ``quotes.py``; returns frozen
``ExtractedQuote`` records with char offsets into ``doc.text``. The article's cast (``cast.py``) is read
first so that "Wang said", "the minister said" and "he added" resolve to the fullest name the article gives.
"""

import bisect
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy
from spacy.tokens import Doc, Span, Token

from articles.nlp.cast import (
    Cast,
    capitalised_common_noun,
    content_words,
    describe,
    is_media,
    join_tokens,
    looks_institutional,
    read_cast,
    split_name,
    strip_det,
)
from articles.nlp.quotes import QuoteSpan, find_quote_spans, paragraph_bounds
from articles.nlp.vocabulary import (
    EDGE_PUNCT,
    INDEFINITE_PRONOUNS,
    INDIRECT_LEMMAS,
    INSTITUTION_NOUNS,
    IRREGULAR_FORMS,
    MEDIA_NAMES,
    NAMING_WORDS,
    ORGANISATION_NOUNS,
    PERSON_NOUNS,
    PRESS_AUDIENCE,
    RELATIVE_PRONOUNS,
    RELAY_LEMMAS,
    SHORT_QUOTE_WORDS,
    SPEECH_PARTICLES,
    SPEECH_SET,
    STATEMENT_NOUNS,
    SUBJECT_DEPS,
    TITLE_WORDS,
    WORK_NOUNS,
)

# "“…” ― Carla Sanchez": a dash and a name of one to five capitalised words right after a closing mark, then
# the end of the line, a full stop or a comma (", 25, of Dallas"). Spaces may be no-break ones, never a newline.
SIGNATURE = re.compile(
    r"(?:[^\S\n]*|[^\S\n]*\n\s*(?=[―—–-]))"  # on the same line, or on a line of its own ("¶ - Sanders.")
    r"[―—–-]+[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})[^\S\n]*(?=[\n,.]|$)"
)
# Reach of the reading rules: how far each looks, in words, parse steps or paragraphs. Set by hand with their
# rules and kept while they cost nothing on the labelled corpora: `make eval` and `make eval-polnear` measure
# a change.
# A quotation with no cue of its own keeps the previous quotation's speaker this many paragraphs on.
FLOOR_PARAGRAPHS = 3
# "he" or "she" goes to the last quotation's speaker at most this many paragraphs back.
PRONOUN_FLOOR_PARAGRAPHS = 4
# How far up the parse a quote without a speech verb looks for the subject of its clause.
CLAUSE_CLIMB = 6
# How far up the parse a quote looks for the speech verb that governs it.
VERB_CLIMB = 8
# How many verbs a participle or conjunct climbs to borrow a subject ("…, adding" → the adder).
SUBJECT_CLIMB = 4
# A quotation of this many words is a full (direct) quote even when the sentence leads into it.
DIRECT_WORDS = 12
# Longer than this, a quotation is speech, never a title, nickname or term.
LABEL_WORDS = 8
# A headline quotation shares this share of the body quote's words to take that quote's speaker.
HEADLINE_OVERLAP = 0.6


@dataclass(frozen=True)
class ExtractedQuote:
    start: int  # char offsets of the quoted words in doc.text, without the quotation marks
    end: int
    text: str
    kind: str  # "direct" | "partial" | "headline" | "indirect"
    speaker: str | None  # fullest name in the article; None when only a description is given
    speaker_as_written: str  # the words at the cue: "he", "Wang", "a Chinese official"
    speaker_description: str  # role or title the article gives that speaker, "" if none
    speaker_kind: str | None  # "person" | "institution" | None
    cue: str  # "said", "according to", ":" …; "" when carried on from the previous quote
    relay: str  # "TASS" in "according to TASS"; "" if none
    sentence: str
    # An unnamed speaker carried on ("a Chinese official said … “…,” he said"): the start offset of the quote
    # that introduced them, so that a speaker inferred for that quote later applies here too.
    same_speaker_as: int | None = None
    # A short partial quote nobody is reported saying ("a “historic” day"): a scare quote unless another
    # rendering of a statement has the same words, so it is kept only if it joins one.
    tentative: bool = False
    # What the speaker decision rests on, for its confidence (confidence.py); no decision reads them:
    # which rule found the speaker ("verb", "colon", "carried" …, see _Reader._cue; "" if none), whether the cue
    # is in the quote's own sentence or frame, and a pronoun's route to its person ("floor", "lead" …).
    rule: str = ""
    explicit: bool = True
    resolved_by: str = ""


@dataclass(frozen=True)
class _Referent:
    name: str | None
    as_written: str
    description: str = ""
    kind: str | None = None
    anchor: int | None = None  # start of the quote that introduced this speaker, when it has no name
    resolved_by: str = ""  # a pronoun's route to its person (ExtractedQuote.resolved_by)


@dataclass(frozen=True)
class _Cue:
    referent: _Referent
    cue: str
    relay: str = ""
    explicit: bool = True  # found in the quote's own sentence or its colon/next-sentence frame
    rule: str = ""  # which rule found it (ExtractedQuote.rule)


def _lemma(token: Token) -> str:
    return _base_form(token.lower_)


@functools.cache
def _base_form(lower: str) -> str:
    """ "insisted" -> "insist" for the speech verbs we know; other words come back unchanged."""
    if lower in IRREGULAR_FORMS:
        return IRREGULAR_FORMS[lower]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
                         ("d", ""), ("es", ""), ("s", "")):  # fmt: skip
        if lower.endswith(suffix) and lower[: -len(suffix)] + repl in SPEECH_SET:
            return lower[: -len(suffix)] + repl
    if lower.endswith(("pped", "tted", "mmed")) and lower[:-3] in SPEECH_SET:
        return lower[:-3]
    return lower


def _is_speech_verb(token: Token) -> bool:
    base = _base_form(token.lower_)
    if base not in SPEECH_SET:
        return False
    if base in SPEECH_PARTICLES:  # "shot back", "lashed out": the particle makes it speech
        return any(c.dep_ in ("prt", "advmod") and c.lower_ == SPEECH_PARTICLES[base] for c in token.children)
    if base == "put":  # "as a ministry memo put it"
        return any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children)
    if base == "find":  # "an audit found that …": a document's findings, never a person's
        return any(c.dep_ in SUBJECT_DEPS and c.lower_ in STATEMENT_NOUNS for c in token.children)
    pos = token.pos_
    if pos == "PROPN" and token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "compound", "appos"):
        return False  # "The Harbour Post reports": a name, where a title-case "Says" would be a verb
    return pos in ("VERB", "AUX", "PROPN") or (
        pos == "NOUN" and token.dep_ in ("ROOT", "relcl", "ccomp", "conj")
    )


def _proper_modifiers(phrase: Sequence[Token], head: Token) -> frozenset[str]:
    """Places and parties before a description's head noun ("the Florida senator", "the Democratic nominee")."""
    return frozenset(
        t.lower_ for t in phrase if t.i < head.i and (t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "NORP"))
    )


def extract_quotes(doc: Doc, *, title_end: int) -> list[ExtractedQuote]:
    if not len(doc):
        return []
    text = doc.text  # Doc.text joins every token: build it once
    starts = doc.to_array("IDX").tolist()
    cast = read_cast(doc, body_start=title_end)
    spans = find_quote_spans(text=text)
    reader = _Reader(doc=doc, text=text, starts=starts, cast=cast, spans=spans, title_end=title_end)
    results = reader.read_body()
    results.extend(reader.read_headline(body=results))
    results.extend(reader.read_indirect())
    results.sort(key=lambda q: (q.start, q.kind == "indirect"))
    return results


class _Reader:
    """One pass over one article: quotes in reading order, remembering who spoke last."""

    def __init__(
        self, *, doc: Doc, text: str, starts: list[int], cast: Cast, spans: list[QuoteSpan], title_end: int
    ):
        self.doc, self.text, self.starts, self.cast = doc, text, starts, cast
        self.spans, self.title_end = spans, title_end
        self.sents = list(doc.sents)
        self.sent_starts = [sent.start for sent in self.sents]
        self.paragraphs = paragraph_bounds(text=self.text)
        self.paragraph_starts = [start for start, _ in self.paragraphs]
        self.speakers: list[tuple[int, _Referent]] = []  # (char position, referent) of attributed quotes
        # one pass over the tokens: later scans look these up instead of re-reading token attributes
        lowers = doc.to_array("LOWER")
        forms = [h for h in numpy.unique(lowers).tolist() if _base_form(doc.vocab.strings[h]) in SPEECH_SET]
        self.speech = [False] * len(doc)
        for i in numpy.flatnonzero(numpy.isin(lowers, forms)).tolist():
            self.speech[i] = _is_speech_verb(doc[i])
        self.quoted = [False] * len(doc)  # token inside a quote, marks included
        for span in spans:
            first, last = self.quote_tokens(span)
            for i in range(first, last):
                self.quoted[i] = True

    # --- mapping between chars and tokens -------------------------------------------------------------
    def token_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.starts, char) - 1)

    def quote_tokens(self, span: QuoteSpan) -> tuple[int, int]:
        """Token range [first, last) covering the quote and its marks."""
        first = self.token_at(max(0, span.start - 1))
        last = self.token_at(max(span.start, span.end + (1 if span.close_mark else 0) - 1)) + 1
        return first, last

    def paragraph_of(self, char: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, char) - 1

    def in_quote(self, token: Token) -> bool:
        return self.quoted[token.i]

    # --- body ---------------------------------------------------------------------------------------
    def read_body(self) -> list[ExtractedQuote]:
        results: list[ExtractedQuote] = []
        previous: tuple[QuoteSpan, _Referent] | None = None
        for span in self.spans:
            if span.start < self.title_end:
                continue
            first, last = self.quote_tokens(span)
            sentence = self._sentence(first, last)
            if previous and span.continued:
                found: _Cue | None = _Cue(referent=previous[1], cue="", explicit=True, rule="continued")
            else:
                found = self._cue(span=span, first=first, last=last, previous=previous)
            kind = self._kind(span=span, first=first, sentence=sentence)
            words = len(self.text[span.start : span.end].split())
            if self._is_label(span=span, first=first, last=last, found=found, words=words):
                continue
            # A short term with nobody reported as saying it may be a scare quote, or a speaker's word that other
            # outlets quote too: ingest keeps it only when it joins another rendering's statement.
            tentative = (
                words <= SHORT_QUOTE_WORDS and kind == "partial" and (found is None or not found.explicit)
            )
            referent = found.referent if found else _Referent(name=None, as_written="")
            if found and referent.name is None and referent.anchor is None and referent.description:
                referent = replace(referent, anchor=span.start)  # an unnamed speaker others may refer back to
                found = replace(found, referent=referent)
            if found:
                self.speakers.append((span.start, referent))
            previous = (span, referent)
            record = replace(
                self._record(span=span, kind=kind, found=found, sentence=sentence), tentative=tentative
            )
            if any(r.text == record.text and r.sentence == record.sentence for r in results):
                continue  # a paragraph printed twice (teasers, syndication debris) is one quotation
            results.append(record)
        return results

    def _record(self, *, span: QuoteSpan, kind: str, found: _Cue | None, sentence: Span) -> ExtractedQuote:
        referent = found.referent if found else _Referent(name=None, as_written="")
        return ExtractedQuote(
            start=span.start,
            end=span.end,
            text=self.text[span.start : span.end],
            kind=kind,
            speaker=referent.name,
            speaker_as_written=referent.as_written,
            speaker_description=referent.description,
            speaker_kind=referent.kind,
            cue=found.cue if found else "",
            relay=found.relay if found else "",
            sentence=sentence.text.strip(),
            same_speaker_as=referent.anchor if referent.anchor != span.start else None,
            rule=found.rule if found else "",
            explicit=found.explicit if found else False,
            resolved_by=referent.resolved_by,
        )

    def _sentence(self, first: int, last: int) -> Span:
        doc = self.doc
        return doc[self.sent_span(first).start : self.sent_span(max(first, last - 1)).end]

    def sent_span(self, i: int) -> Span:
        """Token.sent walks the document each time; a bisect over sentence starts does not."""
        return self.sents[bisect.bisect_right(self.sent_starts, i) - 1]

    def _kind(self, *, span: QuoteSpan, first: int, sentence: Span) -> str:
        if span.start < self.title_end:
            return "headline"
        before = [t for t in self.doc[sentence.start : first] if not t.is_punct and not t.is_space]
        preceding = self.doc[first - 1] if first > sentence.start else None
        opens_clause = (
            preceding is not None
            and preceding.text in (":", ",")
            and (preceding.text == ":" or (first >= 2 and _is_speech_verb(self.doc[first - 2])))
        )
        words = len(self.text[span.start : span.end].split())
        return "direct" if not before or opens_clause or words >= DIRECT_WORDS else "partial"

    def _is_label(self, *, span: QuoteSpan, first: int, last: int, found: _Cue | None, words: int) -> bool:
        """Titles of works, nicknames and terms: what comes before the mark names something, nobody speaks."""
        if words > LABEL_WORDS:
            return False
        doc = self.doc
        before = [t for t in doc[max(0, first - 3) : first] if not t.is_punct and not t.is_space]
        lead = self.text[max(0, span.start - 16) : span.start - 1].rstrip(" ,:\u00a0").lower()
        if lead.endswith(NAMING_WORDS) or lead.endswith("known as"):
            return True  # so-called, dubbed, nicknamed, titled, known as
        # "the book, “Becoming Free,”" hangs on a noun for a work; "called the book “brave”" hangs on a verb
        roots = [doc[i] for i in range(first, last) if not first <= doc[i].head.i < last]
        if any(r.head.lower_ in WORK_NOUNS and r.head.i < first and r.dep_ != "punct" for r in roots):
            return True
        inner = self.text[span.start : span.end].strip(EDGE_PUNCT)
        small = {"of", "the", "a", "an", "and", "in", "on", "to", "for", "at", "with"}
        titled = words >= 2 and all(w[:1].isupper() or w.lower() in small for w in inner.split())
        unattributed = found is None or not found.explicit
        if titled and before and before[-1].tag_ == "POS":
            return True  # NBC's “Meet the Press”, the party's “Contract With America”
        if before and before[-1].lower_ in WORK_NOUNS and (titled or unattributed):
            return True  # "her memoir, “Becoming Free,”" even when the parser hangs it on a verb
        return titled and unattributed

    # --- cues ---------------------------------------------------------------------------------------
    def _cue(
        self, *, span: QuoteSpan, first: int, last: int, previous: tuple[QuoteSpan, _Referent] | None
    ) -> _Cue | None:
        doc = self.doc
        sent = self._sentence(first, last)
        inside = range(first, last)
        # 0. A signature after the closing mark: "“…” ― Carla Sanchez" (vox pops, epigraphs, reader letters).
        signed = SIGNATURE.match(self.text, span.end + len(span.close_mark)) if span.close_mark else None
        if signed and not MEDIA_NAMES & set(signed.group(1).lower().split()):  # "“…” – Reuters" is a credit
            written = signed.group(1)
            if written.endswith(".") and len(written.split()[-1]) > 4:
                written = written[:-1]  # the line's full stop, not an initial's or "Jr."'s
            name = self.cast.full_name(name=written) or written
            return _Cue(
                referent=_Referent(name=name, as_written=written, kind="person"), cue="―", rule="signature"
            )
        # 1. The speech verb governing the quote (partial quotes, "…,” he said").
        verb = self._governing_verb(first=first, last=last, sent=sent)
        candidates: list[Token] = [verb] if verb is not None else []
        # 2. Any other speech verb of the sentence outside the quote, nearest first.
        others = [doc[i] for i in range(sent.start, sent.end) if self.speech[i] and not self.quoted[i]]
        others.sort(key=lambda t: min(abs(t.i - first), abs(t.i - last)))
        candidates += [t for t in others if t is not verb]
        according = self._according_to(sent=sent, inside=inside)
        relay = self._relay(sent=sent, inside=inside)
        relayed_by = ""  # "the Journal reported that the deal was “all but done”": an outlet, no speaker
        own_words: _Cue | None = None  # "“…,” the Times wrote": the outlet's own words
        # "Ryan said the spate of shootings demands “more listening”": a thing reported as saying something
        # under someone's speech verb is part of what they said, not who said it; kept in case no one speaks
        thing: _Cue | None = None
        for candidate in candidates:
            subject = _subject(candidate, self.quoted)
            if subject is None:
                continue
            # a name the tagger calls a noun ("Trump shot back, saying …") still speaks
            named = subject.ent_type_ == "PERSON" or subject.text in self.cast.name_words
            borrowed = (
                subject.head != candidate and subject.pos_ == "NOUN" and subject.lower_ not in PERSON_NOUNS
            )
            if borrowed and not named:
                continue  # "the nations" borrowed from a verb the speech verb hangs on: not a speaker
            referent = self._resolve(subject=subject, position=candidate.idx)
            if referent is None:
                continue
            if referent.kind == "media":
                relay = relay or referent.as_written
                relayed_by = relayed_by or _cue_words(candidate)
                if _base_form(candidate.lower_) not in RELAY_LEMMAS and not own_words:
                    own_words = _Cue(
                        referent=self._outlet(referent, subject), cue=_cue_words(candidate), rule="own words"
                    )
                continue
            found = _Cue(referent=referent, cue=_cue_words(candidate), relay=relay, rule="verb")
            # "Mook said the campaign expects Holt to … by calling out Trump's “lies”": a saying only planned or
            # imagined (an infinitive or participle) under someone's speech verb is theirs to report
            imagined = candidate.tag_ in ("VB", "VBG")
            if (imagined or not self._speaks(referent)) and any(
                self.speech[a.i] for a in candidate.ancestors
            ):
                thing = thing or replace(found, rule="reported thing")
                continue
            return found
        if thing is not None:
            return thing
        if according is not None:
            referent = self._resolve(subject=according, position=according.idx)
            if referent is not None and referent.kind != "media":
                return _Cue(referent=referent, cue="according to", relay=relay, rule="according to")
            if referent is not None:
                relay = relay or referent.as_written
                relayed_by = relayed_by or "according to"
        if own_words is not None and not any(t.lower_ == "citing" for t in sent):
            return own_words
        # 3. A colon frame: "Wang said:" / "Wang: “…”" just before the quote.
        colon = self._colon_frame(first=first, sent=sent)
        if colon is not None:
            return replace(colon, rule="colon")
        # 4. A short cue sentence right after: "“…” He said."
        after = self._next_sentence_cue(last=last, sent=sent)
        if after is not None:
            return replace(after, rule="next sentence")
        if relayed_by:
            return _Cue(
                referent=_Referent(name=None, as_written=""), cue=relayed_by, relay=relay, rule="relayed"
            )
        leading = self._clause_subject(first=first, last=last, sent=sent)
        if leading is not None:
            return replace(leading, relay=relay, rule="clause")
        if not self._whole_sentence(first=first, last=last, sent=sent):
            # '“…,” Conway said. “They agree with him, but they aren't there yet” to back him.': a quote opening
            # its sentence in the paragraph of the previous quote goes on with that speaker's words
            if (
                previous is not None
                and self._opens_sentence(first=first, sent=sent)
                and self.paragraph_of(span.start) == self.paragraph_of(previous[0].start)
            ):
                return _Cue(referent=previous[1], cue="", relay=relay, rule="goes on")
            return None
        # 5. A stand-alone quotation: the person the sentence before it is about holds the floor
        # ("Tedros warned that the virus stays. ¶ “It is still killing.”").
        if sent.start > 0 and not self.quoted[sent.start - 1]:
            introduced = self._previous_subject(position=span.start - 1, same_paragraph=False)
            if introduced is not None and introduced.kind == "person":
                return _Cue(referent=introduced, cue="", relay=relay, explicit=False, rule="introduced")
        # 6. Carried on: the previous quote of the paragraph, or of the paragraph before, keeps speaking.
        if previous is not None:
            gap = self.paragraph_of(span.start) - self.paragraph_of(previous[0].start)
            if gap <= FLOOR_PARAGRAPHS:
                return _Cue(referent=previous[1], cue="", relay=relay, explicit=gap == 0, rule="carried")
        return None

    def _opens_sentence(self, *, first: int, sent: Span) -> bool:
        return all(t.is_punct or t.is_space for t in self.doc[sent.start : first])

    def _whole_sentence(self, *, first: int, last: int, sent: Span) -> bool:
        outside = [t for t in sent if not (first <= t.i < last) and not (t.is_punct or t.is_space)]
        return len(outside) <= 2

    def _clause_subject(self, *, first: int, last: int, sent: Span) -> _Cue | None:
        """No speech verb: "Ryan worried that the net was becoming “a hammock”", "Skelly called him “smart”" —
        the person or body leading the clause the quote sits in said it (the net does not speak: climb on)."""
        doc = self.doc
        for root in (doc[i] for i in range(first, last) if not first <= doc[i].head.i < last):
            node = root.head
            for _ in range(CLAUSE_CLIMB):
                if not sent.start <= node.i < sent.end or self.quoted[node.i]:
                    break
                if node.dep_ == "relcl":
                    break  # "Morrison, who “very graciously” wished him well": the writer's words about him
                # verbs of the speech lexicon were weighed in _cue ("Nwosu found the figures “puzzling”": no)
                if node.pos_ in ("VERB", "AUX") and _base_form(node.lower_) not in SPEECH_SET:
                    for subject in (c for c in node.children if c.dep_ == "nsubj" and not self.quoted[c.i]):
                        if any(t.is_quote for t in subject.subtree):
                            continue  # "The ‘King Richard” wanted …": a title in marks, not a speaker
                        referent = self._resolve(subject=subject, position=node.idx)
                        if referent is not None and referent.kind == "media":
                            # "the Times characterized it as “…”": the outlet's own words
                            referent = self._outlet(referent, subject)
                        if referent is not None and self._speaks(referent):
                            return _Cue(referent=referent, cue=_cue_words(node), explicit=False)
                if node.head == node:
                    break
                node = node.head
        return None

    @staticmethod
    def _outlet(referent: _Referent, subject: Token) -> _Referent:
        """An outlet speaking for itself, as the body it is."""
        return replace(referent, name=strip_det(_phrase(subject)), kind="institution")

    @staticmethod
    def _speaks(referent: _Referent) -> bool:
        """A person, a body, or a description of a person ("a senior aide"), not "the plan" or "tax relief"."""
        if referent.name or referent.kind in ("person", "institution"):
            return True
        role = content_words(referent.description)
        return bool(role) and role[-1] in PERSON_NOUNS | TITLE_WORDS

    def _governing_verb(self, *, first: int, last: int, sent: Span) -> Token | None:
        """Climb from the quote's attachment points to the nearest speech verb outside the quote."""
        doc = self.doc
        roots = [
            doc[i] for i in range(first, last) if not (first <= doc[i].head.i < last) or doc[i].head == doc[i]
        ]
        best: tuple[int, Token] | None = None
        for root in roots:
            node, steps = root, 0
            while steps < VERB_CLIMB:
                if not (first <= node.i < last) and _is_speech_verb(node) and not self.in_quote(node):
                    if best is None or steps < best[0]:
                        best = (steps, node)
                    break
                if node.head == node:
                    # "“…,” he said" may be parsed with the quote as root and "said" hanging below it.
                    for child in node.children:
                        hangs = (
                            child.dep_ in ("parataxis", "conj", "advcl", "ccomp")
                            and not first <= child.i < last
                        )
                        if hangs and _is_speech_verb(child) and (best is None or steps + 1 < best[0]):
                            best = (steps + 1, child)
                    break
                node, steps = node.head, steps + 1
        return best[1] if best else None

    def _according_to(self, *, sent: Span, inside: range) -> Token | None:
        for token in sent:
            if token.lower_ == "according" and token.i not in inside and not self.in_quote(token):
                nxt = token.nbor(1) if token.i + 1 < len(self.doc) else None
                if nxt is not None and nxt.lower_ == "to":
                    objects = [c for c in nxt.children if c.dep_ == "pobj"]
                    if objects:
                        return objects[0]
        return None

    def _relay(self, *, sent: Span, inside: range) -> str:
        """A news organisation the words passed through: "according to TASS", "told CNN", "on state TV"."""
        for token in sent:
            if token.i in inside or self.in_quote(token):
                continue
            if token.dep_ in ("pobj", "dative", "dobj", "nsubj") and token.head.lower_ in (
                "to", "on", "with", "told", "tells", "tell", "according", "writes", "wrote", "reported",
                "reports", "via", "by",
            ):  # fmt: skip
                phrase = _phrase(token)
                audience = token.lower_ in PRESS_AUDIENCE and not any(t.pos_ == "PROPN" for t in phrase)
                if is_media(phrase) and not audience:
                    return strip_det(phrase)
        return ""

    def _colon_frame(self, *, first: int, sent: Span) -> _Cue | None:
        doc = self.doc
        k = first - 1
        while k >= 0 and doc[k].is_space:
            k -= 1
        if k < 0 or doc[k].text not in (":", "--", "—", "–"):
            return None  # "Wang said: “…”", or a dash in its place ("Trump embraced the idea -- “…”")
        frame_start = self.sent_span(k).start
        frame = doc[frame_start:k]
        speech = [t for t in frame if _is_speech_verb(t) and not self.in_quote(t)]
        # "X had a blunt message: “…”" — without a speech verb the frame's main verb names the speaker
        mains = [
            t for t in frame if t.pos_ in ("VERB", "AUX") and (t.head == t or not frame.start <= t.head.i < k)
        ]
        for verb in [*reversed(speech), *mains]:
            subject = _subject(verb)
            if subject is not None:
                referent = self._resolve(subject=subject, position=verb.idx)
                if referent is not None and referent.kind != "media":
                    return _Cue(referent=referent, cue=_cue_words(verb))
        # "Wang: “…”", "Former foreign minister Li Wei: “…”" — a noun phrase alone before the colon (not "The
        # report lists three problems: …").
        words = [t for t in frame if not t.is_punct and not t.is_space]
        if words and doc[k].text == ":":
            head = words[-1]
            while (
                head.head != head
                and frame.start <= head.head.i < k
                and head.dep_ in ("compound", "flat", "appos")
            ):
                head = head.head
            top = head.head if head.head.pos_ == "ADP" and frame.start <= head.head.i < k else head
            if not set(words) <= set(top.subtree):  # (a phrase led by a preposition: "From her post: “…”")
                return None
            referent = self._resolve(subject=head, position=head.idx)
            if referent is not None and referent.kind != "media":
                return _Cue(referent=referent, cue=":")
        return None

    def _next_sentence_cue(self, *, last: int, sent: Span) -> _Cue | None:
        """ "“…” He said.": a cue sentence right after a quote that ends its own sentence."""
        doc = self.doc
        if sent.end >= len(doc) or any(not (t.is_punct or t.is_space) for t in doc[last : sent.end]):
            return None
        nxt = self.sent_span(sent.end)
        if any(self.in_quote(t) for t in nxt):
            return None
        if self.paragraph_of(nxt.start_char) != self.paragraph_of(sent.start_char):
            return None
        for token in nxt:
            # "“…!” Ruiz wrote in an email to staff." reports the saying; "Ruiz said the plan would fail." is
            # a statement of its own
            reports_content = any(c.dep_ in ("ccomp", "xcomp", "dobj", "conj") for c in token.children)
            saying = token.pos_ == "VERB" and _is_speech_verb(token)  # not "Editor’s note: …"
            if saying and token.dep_ == "ROOT" and not reports_content:
                subject = _subject(token)
                if subject is not None:
                    referent = self._resolve(subject=subject, position=token.idx)
                    if referent is not None and referent.kind != "media":
                        return _Cue(referent=referent, cue=_cue_words(token))
        return None

    # --- speakers -----------------------------------------------------------------------------------
    def _resolve(self, *, subject: Token, position: int) -> _Referent | None:
        """Turn the subject of a cue into a speaker: name, title, pronoun, institution or description."""
        owner = _owner_of_statement(subject)
        if owner is None:
            if subject.lower_ in STATEMENT_NOUNS and subject.pos_ == "NOUN":
                # "The ad says “…”": a document nobody is said to own speaks as itself, described
                written = strip_det(_phrase(subject), keep_the=True)
                return _Referent(name=None, as_written=written, description=written)
            return None
        subject = owner
        lower = subject.lower_
        if subject.pos_ == "PRON" or lower in {"he", "she", "they", "it", "we", "i"}:
            return self._pronoun(pronoun=subject, position=position)
        phrase = _phrase(subject)
        as_written = strip_det(phrase, keep_the=True)
        name_tokens, title_tokens = split_name(phrase, self.cast.name_words)
        # An outlet relays, but "CNN host Jane Doe" is a person introduced with the outlet she works for.
        introduced = any(t.lower_ in PERSON_NOUNS or t.lower_ in TITLE_WORDS for t in title_tokens)
        person = bool(name_tokens) and (
            introduced
            or any(t.ent_type_ == "PERSON" for t in name_tokens)
            # "Guardian said" after "Mayor Don Guardian": the person, not the paper
            or bool(self.cast.full_name(name=join_tokens(name_tokens)))
        )
        if is_media(phrase) and not person:
            return _Referent(name=None, as_written=as_written, kind="media")
        description = describe(subject=subject, phrase=phrase, name_tokens=name_tokens)
        named_appos = [
            c for c in subject.children if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i > subject.i
        ] or [  # "His partner at Lenox, Lawrence B. Cummings,": the parser hangs the name on the place
            a
            for p in subject.children if p.dep_ == "prep"
            for o in p.children if o.dep_ == "pobj"
            for a in o.children if a.dep_ == "appos" and a.ent_type_ == "PERSON"
        ]  # fmt: skip
        if named_appos and (
            not name_tokens or looks_institutional(name_tokens, title_tokens, self.cast.name_words)
        ):
            # "U.S. Ambassador to NATO Julianne Smith": the title is the head, the name its appositive
            name_tokens, _ = split_name(_phrase(named_appos[0]), self.cast.name_words)
            description = strip_det(phrase)
            title_tokens = phrase
            appos = [t for t in _phrase(named_appos[0]) if t not in phrase]
            as_written = join_tokens([*phrase, *appos])
        if (
            len(name_tokens) == 1
            and capitalised_common_noun(name_tokens[0])
            and not self.cast.full_name(name=name_tokens[0].text)
        ):
            name_tokens = []  # "Neighbours described …": a capitalised first word, not a name
        if name_tokens:
            name = join_tokens(name_tokens)
            institutional = looks_institutional(name_tokens, title_tokens, self.cast.name_words)
            if institutional and not self.cast.full_name(name=name):
                return _Referent(name=strip_det(phrase, keep_the=True), as_written=as_written,
                                 kind="institution")  # fmt: skip
            full = self.cast.full_name(name=name) or name
            known = self.cast.people.get(full)
            if not description and known and known.descriptions:
                description = known.descriptions[0]
            return _Referent(name=full, as_written=as_written, description=description, kind="person")
        words = content_words(as_written)
        if not words:
            return None
        head = subject.lower_
        if (
            head in INSTITUTION_NOUNS
            or subject.ent_type_ in ("ORG", "GPE", "NORP")
            and head not in PERSON_NOUNS
        ):
            if subject.ent_type_ == "NORP" and subject.pos_ in ("ADJ", "PROPN") and head == words[-1]:
                if phrase[0].dep_ == "det" and subject.tag_ in ("NN", "NNP"):
                    # "said a New Hampshire Democrat": one member, described
                    return _Referent(name=None, as_written=as_written, description=as_written)
                return _Referent(name=None, as_written=as_written)  # "Chinese said": who, we cannot tell
            if head in ORGANISATION_NOUNS and words == [head] and phrase[0].lower_ == "the":
                # "the company said" after "Acme Corp. was fined": the organisation named last
                named = self._last_organisation(before=subject.i)
                if named:
                    return _Referent(name=named, as_written=as_written, kind="institution")
            return _Referent(name=strip_det(phrase, keep_the=True), as_written=as_written, kind="institution")
        definite = phrase[0].lower_ in ("the", "this", "that") or phrase[0].dep_ == "poss"
        if definite and head in PERSON_NOUNS | TITLE_WORDS:
            # "the ex-prime minister of Portugal": the words up to the head noun describe the role
            role = content_words(join_tokens([t for t in phrase if t.i <= subject.i]))
            role = [w for w in role if w != "’s"] or [head]
            found = self.cast.by_description(
                words=role, before=position, required=_proper_modifiers(phrase, subject)
            )
            if found:
                known = self.cast.people[found]
                return _Referent(name=found, as_written=as_written,
                                 description=known.descriptions[0] if known.descriptions else "",
                                 kind="person")  # fmt: skip
        if subject.pos_ in ("NOUN", "PROPN") and subject.lower_ not in STATEMENT_NOUNS:
            # "the suspect told officers", "a Chinese official said": described, not named
            return _Referent(name=None, as_written=as_written, description=as_written)
        return None

    def _last_organisation(self, *, before: int) -> str:
        for ent in reversed(self.doc.ents):
            if ent.end <= before and ent.label_ == "ORG" and not is_media(list(ent)):
                return strip_det(list(ent), keep_the=True)
        return ""

    def _pronoun(self, *, pronoun: Token, position: int) -> _Referent | None:
        word = pronoun.text
        lower = word.lower()
        if lower in ("i", "we"):
            return None
        if lower in INDEFINITE_PRONOUNS:
            return _Referent(name=None, as_written=word, description=word, resolved_by="indefinite")
        wanted = "institution" if lower == "it" else "person"
        gender = {"he": "m", "she": "f"}.get(lower, "")
        here = self.paragraph_of(position)
        # "Ban condemned what he called a “breach”": a pronoun in a clause of a sentence a person leads
        root = self.sent_span(pronoun.i).root
        leads = [
            c for c in root.children
            if c.dep_ in SUBJECT_DEPS and c.pos_ == "PROPN" and c.i < pronoun.i and not self.quoted[c.i]
        ]  # fmt: skip
        if wanted == "person" and leads and pronoun.head != root and not self.quoted[root.i]:
            lead = self._resolve(subject=leads[-1], position=leads[-1].idx)
            person = self.cast.people.get(lead.name or "") if lead else None
            if (
                lead
                and lead.kind == "person"
                and not (gender and person and person.gender not in ("", gender))
            ):
                return replace(lead, as_written=word, resolved_by="lead")
        # "Dunn disagreed. “…,” he said.": the subject of the sentence just before, in the same paragraph
        # or, for a pronoun opening its paragraph, of the paragraph before ("The Labor leader spoke. ¶ He said: …")
        opens_paragraph = self.sent_span(self.token_at(position)).start_char == self.paragraphs[here][0]
        salient = self._previous_subject(position=position, same_paragraph=not opens_paragraph)
        if salient is not None and (opens_paragraph or gender) and salient.kind != wanted:
            role = content_words(salient.description)
            if not (wanted == "person" and role and role[-1] in PERSON_NOUNS | TITLE_WORDS):
                # across paragraphs, or as "he" or "she", only a person ("the Labor leader"), not "tax relief"
                salient = None
        if salient is not None and (salient.kind == wanted or (salient.kind is None and wanted == "person")):
            seen = self.cast.people.get(salient.name or "")
            if not (gender and seen and seen.gender and seen.gender != gender):
                return replace(salient, as_written=word, resolved_by="sentence before")
        # A quote's speaker keeps the floor: "he added" goes to the last one who spoke, not the last name.
        for pos, referent in reversed(self.speakers):
            if here - self.paragraph_of(pos) > PRONOUN_FLOOR_PARAGRAPHS:
                break
            if lower == "they" or referent.kind == wanted or (referent.kind is None and wanted == "person"):
                if gender and referent.name in self.cast.people:
                    known = self.cast.people[referent.name].gender
                    if known and known != gender:
                        continue
                    self.cast.people[referent.name].gender = gender
                return _Referent(name=referent.name, as_written=word, description=referent.description,
                                 kind=referent.kind, anchor=referent.anchor, resolved_by="floor")  # fmt: skip
        if wanted == "person":
            mentioned = [
                (p.seen_before(position), p) for p in self.cast.people.values() if p.gender in ("", gender)
            ]
            mentioned = [(at, p) for at, p in mentioned if at >= 0]
            if mentioned:
                person = max(mentioned, key=lambda pair: pair[0])[1]
                return _Referent(name=person.name, as_written=word,
                                 description=person.descriptions[0] if person.descriptions else "",
                                 kind="person", resolved_by="last mentioned")  # fmt: skip
        # nobody named yet: "the actress writes … “…,” she said" — the subject of the sentence before
        salient = self._previous_subject(position=position, same_paragraph=False, past_quotes=True)
        if salient is not None and salient.kind in (None, wanted):
            return replace(salient, as_written=word, resolved_by="before the quotes")
        return _Referent(name=None, as_written=word, resolved_by="unresolved")

    def _previous_subject(
        self, *, position: int, same_paragraph: bool = True, past_quotes: bool = False
    ) -> _Referent | None:
        """The subject of the sentence before `position`; with `past_quotes`, of the last sentence before it
        that is not quoted ("Albanese spoke. ¶ “…. …,” he said.")."""
        index = bisect.bisect_right(self.sent_starts, self.token_at(position)) - 1
        if index < 1:
            return None
        sent = self.sents[index - 1]
        while past_quotes and index > 1 and any(self.quoted[sent.start : sent.end]):
            index -= 1
            sent = self.sents[index - 1]
        moved = self.paragraph_of(sent.start_char) != self.paragraph_of(position)
        if (same_paragraph and moved) or any(self.quoted[sent.start : sent.end]):
            return None
        subjects = [c for c in sent.root.children if c.dep_ in SUBJECT_DEPS and c.pos_ != "PRON"]
        if not subjects:
            return None
        subject = min(subjects, key=lambda c: abs(sent.root.i - c.i))  # as in _subject: next to the verb
        referent = self._resolve(subject=subject, position=subject.idx)
        if referent is None or referent.kind == "media" or not (referent.name or referent.description):
            return None
        return referent

    # --- headline -----------------------------------------------------------------------------------
    def read_headline(self, *, body: list[ExtractedQuote]) -> list[ExtractedQuote]:
        results = []
        for span in self.spans:
            if span.start >= self.title_end:
                continue
            first, last = self.quote_tokens(span)
            sentence = self._sentence(first, last)
            referent, cue = self._headline_speaker(span=span, first=first, last=last, body=body)
            found = _Cue(referent=referent, cue=cue, rule="headline") if referent else None
            results.append(self._record(span=span, kind="headline", found=found, sentence=sentence))
        return results

    def _headline_speaker(self, *, span: QuoteSpan, first: int, last: int, body: list[ExtractedQuote]):
        """Title-case headlines parse badly: trust a person the body knows, else the body's quote."""
        sent = self._sentence(first, last)
        for token in sorted((t for t in sent if _is_speech_verb(t) and not first <= t.i < last),
                            key=lambda t: abs(t.i - first)):  # fmt: skip
            subject = _subject(token)
            if subject is None:
                continue
            phrase = _phrase(subject)
            name_tokens, _ = split_name(phrase, self.cast.name_words)
            name = self.cast.full_name(name=join_tokens(name_tokens)) if name_tokens else None
            if name is None and subject.pos_ != "PRON":
                words = [w for w in content_words(strip_det(phrase)) if w.isalpha() or "." in w]
                if words and words[-1] in PERSON_NOUNS | TITLE_WORDS:
                    name = self.cast.by_description(
                        words=words, before=len(self.text), required=_proper_modifiers(phrase, subject)
                    )
            if name is not None and name in self.cast.people:
                person = self.cast.people[name]
                desc = person.descriptions[0] if person.descriptions else ""
                return _Referent(name=name, as_written=strip_det(phrase), description=desc, kind="person"), \
                    _cue_words(token)  # fmt: skip
        # "Starmer: NHS plan will 'get it back on its feet'": a name before the headline's colon speaks.
        lead = self.text[: span.start].split(":")
        if len(lead) > 1 and 0 < len(lead[0].split()) <= 4 and lead[0][:1].isupper():
            written = " ".join(lead[0].split())
            name = self._known_name_in(written) or self._fullest_mention(written)
            introduced = self.cast.people.get(name)
            desc = introduced.descriptions[0] if introduced and introduced.descriptions else ""
            return _Referent(name=name, as_written=written, description=desc, kind="person"), ":"
        # The same words quoted in the body: their speaker, even an unnamed one (followed once inferred).
        words = _norm_words(self.text[span.start : span.end])
        same = [q for q in body if words and _overlap(words, _norm_words(q.text)) >= HEADLINE_OVERLAP]
        if same:
            q = same[0]
            if q.speaker or q.speaker_as_written:
                anchor = q.same_speaker_as if q.same_speaker_as is not None else q.start
                return _Referent(name=q.speaker, as_written="", description=q.speaker_description,
                                 kind=q.speaker_kind, anchor=None if q.speaker else anchor), ""  # fmt: skip
            if q.tentative:
                return None, ""  # words the body quotes as nobody's ("its “fact-checking”") are nobody's here
        main = Counter(q.speaker for q in body if q.speaker and q.speaker_kind == "person").most_common(1)
        if main:
            q = next(q for q in body if q.speaker == main[0][0])
            return _Referent(name=q.speaker, as_written="", description=q.speaker_description,
                             kind="person"), ""  # fmt: skip
        return None, ""

    def _known_name_in(self, words: str) -> str | None:
        """The body's person named by the longest run of these headline words ("Albanese Claims Victory")."""
        parts = words.split()
        for size in range(len(parts), 0, -1):
            for i in range(len(parts) - size + 1):
                name = self.cast.full_name(name=" ".join(parts[i : i + size]))
                if name is not None:
                    return name
        return None

    def _fullest_mention(self, name: str) -> str:
        """ "Starmer" -> "Keir Starmer" as the body writes it, when the model missed the name as a person."""
        pattern = r"(?:\b[A-Z][\w’'-]+\s+){0,3}" + re.escape(name) + r"\b"
        mentions = re.findall(pattern, self.text[self.title_end :])
        return max(mentions, key=len, default=name)

    # --- indirect speech ------------------------------------------------------------------------------
    def read_indirect(self) -> list[ExtractedQuote]:
        """Reported speech without marks: "X, Wang Yi has said." and "Wang said (that) X" — named speakers."""
        results: list[ExtractedQuote] = []
        doc = self.doc
        for sent in self.sents:
            verbs = [doc[i] for i in range(sent.start, sent.end) if self.speech[i]]
            if not verbs or any(self.quoted[sent.start : sent.end]):
                continue
            for verb in verbs:
                if not (_lemma(verb) in INDIRECT_LEMMAS and verb.pos_ in ("VERB", "AUX")):
                    continue
                clauses = [c for c in verb.children if c.dep_ == "ccomp"]
                subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
                # conservative: the verb's own named (or described) subject, people only
                if not clauses or not subjects or subjects[0].pos_ == "PRON":
                    continue
                referent = self._resolve(subject=subjects[0], position=verb.idx)
                if referent is None or referent.kind not in ("person", None) or not referent.as_written:
                    continue
                clause = clauses[0]
                tokens = [t for t in clause.subtree if not (t.dep_ == "mark" and t.i == clause.left_edge.i)]
                while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
                    tokens.pop()
                while tokens and (tokens[0].is_punct or tokens[0].is_space):
                    tokens.pop(0)
                if len(tokens) < 5 or tokens[-1].i - tokens[0].i + 1 != len(tokens):
                    continue
                start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
                found = _Cue(referent=referent, cue=_cue_words(verb), rule="indirect")
                span = QuoteSpan(start=start, end=end, open_mark="", close_mark="")
                record = self._record(span=span, kind="indirect", found=found, sentence=sent)
                if not any(r.text == record.text for r in results):
                    results.append(record)
                break
        return results


# --- noun phrases -----------------------------------------------------------------------------------------
def _subject(verb: Token, quoted: Sequence[bool] = ()) -> Token | None:
    """The nsubj of a speech verb; participles and conjuncts borrow the subject of the verb they hang on."""
    before = verb.doc[verb.i - 1] if verb.i else None
    if verb.tag_ == "VBG" and before is not None and before.pos_ == "PROPN" and before.ent_type_ == "PERSON":
        return before  # "footage of Hillary Clinton asking": the person the participle follows
    node = verb
    for _ in range(SUBJECT_CLIMB):
        agent = _passive_agent(node, quoted) if node is verb else None  # a borrowed verb's agent is not ours
        if agent is not None:
            return agent
        # a title quoted in the cue ("said on “Fox and Friends”") may be parsed as a subject: it never speaks
        subjects = [c for c in node.children if c.dep_ in SUBJECT_DEPS and not (quoted and quoted[c.i])]
        if subjects:
            # "Moscow – … Wang Yi described": of two subjects the one next to the verb is the speaker
            return min(subjects, key=lambda c: abs(node.i - c.i))
        inverted = _inverted_subject(node)
        if inverted is not None:
            return inverted
        if node.dep_ in ("advcl", "xcomp", "conj", "pcomp") and node.head != node:
            if quoted and quoted[node.head.i]:
                # "“…,” Chief Jordan said" parsed as a conjunct of the quote: the quote's subject is not his
                return _nearest_name_before(node)
            node = node.head
            if node.dep_ == "prep" and node.head.pos_ == "VERB":
                # "turned to her before asking": the preposition hangs on the verb whose subject asks
                node = node.head
            continue
        if node.dep_ == "acl" and node.head.dep_ == "dobj":
            node = node.head.head  # "unleashed a series of tweets saying": whoever unleashed them says it
            continue
        if node.dep_ == "acl" and node.head.pos_ in ("NOUN", "PROPN"):
            # "Silver, the pollster who founded the site, tweeted": the noun it hangs on, or that noun's own
            return node.head.head if node.head.dep_ == "appos" else node.head
        return _nearest_name_before(node)
    return None


def _passive_agent(verb: Token, quoted: Sequence[bool]) -> Token | None:
    """ "was called “a disaster” by Sen. Kamara": the passive's agent speaks, not its subject; the parser often
    hangs the "by" on the quoted words."""
    if not any(c.dep_ == "nsubjpass" for c in verb.children):
        return None
    for by in verb.subtree:
        if by.lower_ != "by" or by.i < verb.i or (quoted and quoted[by.i]):
            continue
        if by.head == verb or (quoted and quoted[by.head.i]):
            return next((o for o in by.children if o.dep_ == "pobj"), None)
    return None


def _inverted_subject(verb: Token) -> Token | None:
    """ "…,” said Patrushev, considered …" — the parser often hangs an inverted subject elsewhere."""
    doc = verb.doc
    if verb.i + 1 >= len(doc) or verb.i == 0 or not (doc[verb.i - 1].is_punct or doc[verb.i - 1].is_quote):
        return None
    if verb.tag_ == "VBG":
        return None  # ", saying it would …": a participle takes its clause's subject, never an inverted one
    k = verb.i + 1
    while k < len(doc) and (doc[k].dep_ == "det" or doc[k].is_space):
        k += 1
    if k >= len(doc):
        return None
    token = doc[k]
    while token.dep_ in ("compound", "flat", "amod", "poss", "case") and token.head.i > token.i:
        token = token.head
    if token.pos_ in ("PROPN", "PRON") or token.lower_ in PERSON_NOUNS or token.lower_ in INSTITUTION_NOUNS:
        return token
    if (
        token.text[:1].isupper()
        and token.ent_type_ not in ("DATE", "TIME")
        and token.dep_ in ("advmod", "npadvmod")
    ):
        return token  # "“…,” said Skelly, explaining …" with the name tagged an adverb
    return None


def _nearest_name_before(verb: Token) -> Token | None:
    """ "In Moscow Wang and Patrushev affirmed": no nsubj, but the names right before the verb speak."""
    doc = verb.doc
    end = verb.i
    named_last = end >= 2 and _unlabelled_or_person_name(doc[end - 2])  # "her adviser, Jake Sullivan, said"
    if end >= 2 and doc[end - 1].text == "," and not named_last:
        # "”, Flynn, a top party surrogate, said": the parser hangs the name on the quote; step over the
        # appositive between the commas (at most eight words, no verb in it) to the name before it
        for k in range(end - 2, max(verb.sent.start, end - 10) - 1, -1):
            if doc[k].pos_ in ("VERB", "AUX") or doc[k].is_quote:
                break
            if doc[k].text == ",":
                end = k
                break
    if named_last and doc[end - 1].text == ",":
        end -= 1
    for k in range(end - 1, max(verb.sent.start, end - 5) - 1, -1):
        token = doc[k]
        if token.pos_ in ("VERB", "AUX") or token.is_punct:
            return None
        if _unlabelled_or_person_name(token):
            while token.dep_ == "conj" and token.head.i < token.i and _unlabelled_or_person_name(token.head):
                token = token.head
            return token
    return None


def _unlabelled_or_person_name(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.ent_type_ in ("PERSON", "")


def _owner_of_statement(subject: Token) -> Token | None:
    """ "that" in "a statement that declared" and "a statement from X said" lead back to whoever speaks."""
    node = subject
    if node.lower_ in RELATIVE_PRONOUNS and node.head.dep_ == "relcl":
        node = node.head.head
    if node.lower_ not in STATEMENT_NOUNS or node.pos_ == "PROPN":
        return node  # "The Washington Post reports": a name, not a post
    for child in node.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
        if child.dep_ == "acl":  # "an email sent out by Sanders", "a statement released by the ministry"
            agents = [o for c in child.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
            if agents:
                return agents[0]
    compounds = [c for c in node.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    if compounds:
        return compounds[-1]
    if node.dep_ in ("dobj", "nsubjpass") and node.head.pos_ == "VERB":
        for child in node.head.children:
            if child.dep_ == "nsubj":
                return child
    return None


def _phrase(head: Token) -> list[Token]:
    """The noun phrase of a subject without relative clauses, appositives or trailing modifiers."""
    doc = head.doc
    left = head.left_edge.i
    # stop at a comma inside the left part ("Smith, a doctor" is handled by appositives)
    for i in range(head.i - 1, left - 1, -1):
        if doc[i].text in (",", "(", "—", "–") or doc[i].is_space or doc[i].is_quote:
            left = i + 1
            break
    tokens = list(doc[left : head.i + 1])
    right = head.i + 1
    while (
        right < len(doc)
        and doc[right].head.i == head.i
        and (
            doc[right].dep_ in ("compound", "flat", "nummod")
            or doc[right].dep_ == "appos"
            and doc[right].pos_ == "PROPN"
        )
    ):
        tokens.append(doc[right])
        right += 1
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "in") and child.i == right:
            tokens.extend(child.subtree)
            break
    return tokens


def _cue_words(verb: Token) -> str:
    particle = [c.text for c in verb.children if c.dep_ == "prt"]
    return " ".join([verb.text, *particle])


def _norm_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("-", " "))


def _overlap(a: list[str], b: list[str]) -> float:
    common = len(set(a) & set(b))
    return common / len(set(a)) if a else 0.0
