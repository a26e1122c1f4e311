"""Who said each quotation of one article: cues, speakers, relays ("according to TASS").

Reads a parsed Doc (tagger, parser, ner) and the quote spans of ``quotes.py``; returns frozen
``ExtractedQuote`` records with char offsets into ``doc.text``. The cast of an article (people and the
titles they were introduced with) is collected first so that "Wang said", "the minister said" and
"he added" resolve to the fullest name the article gives.
"""

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from articles.nlp.quotes import QuoteSpan, find_quote_spans, paragraph_bounds

# Word forms (the lemmatizer is excluded from the pipeline) of verbs that introduce reported speech.
SPEECH_LEMMAS = (
    "say tell add write state note stress warn insist explain argue claim declare announce ask reply "
    "respond conclude remark comment observe acknowledge admit concede confirm deny assert contend "
    "emphasize emphasise suggest recall predict urge call describe accuse vow pledge promise tweet post "
    "joke quip shout yell whisper testify complain lament boast caution reiterate underline underscore "
    "highlight maintain counter retort affirm hail tout praise criticize criticise condemn blast slam "
    "point agree threaten demand insist repeat continue admit recount describe"
).split()
IRREGULAR_FORMS = {
    "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write", "writes": "write",
    "writing": "write", "saying": "say", "telling": "tell", "replied": "reply", "replies": "reply",
    "denied": "deny", "denies": "deny", "testified": "testify", "testifies": "testify",
}  # fmt: skip
# Verbs whose ccomp we report as indirect speech: the plain reporting verbs only.
INDIRECT_LEMMAS = {
    "say", "tell", "add", "state", "note", "stress", "warn", "insist", "argue", "claim", "declare",
    "announce", "explain", "emphasize", "emphasise", "confirm", "acknowledge", "assert", "contend",
}  # fmt: skip

# Capitalised words that are titles, not names ("Chinese Foreign Minister Wang Yi").
TITLE_WORDS = {
    w.lower()
    for w in (
        "President Vice Prime Minister Foreign Secretary Deputy Chancellor Senator Sen. Rep. Representative "
        "Gov. Governor Mayor Ambassador General Gen. Lt. Col. Colonel Admiral Adm. Spokesman Spokeswoman "
        "Spokesperson Director Chairman Chairwoman Chair CEO Chief Judge Justice Dr. Mr. Mrs. Ms. Miss Prof. "
        "Professor Coach Captain King Queen Prince Princess Pope Leader Speaker Attorney Commissioner Officer "
        "Minister-Counsellor Press State Defense Defence Interior Finance Security Council Commerce Treasury "
        "Trade Health Justice Homeland Economy Energy Labor Labour Agriculture Education Transportation "
        "Congressman Congresswoman Councilman Councilwoman Councillor Sheriff Superintendent Inspector "
        "Detective Sgt. Sergeant Commander Marshal Premier Lord Lady Sir Dame Rev. Reverend Bishop Cardinal "
        "Rabbi Imam Sheikh Emir Crown Chancellor Manager Executive Founder Owner Editor Analyst Economist "
        "Strategist Minister Secretary-General Head Adviser Advisor Envoy Diplomat Counsel Delegate Lawmaker "
        "Former Acting Interim Assistant Associate Senior Junior U.S. US UN EU NATO White House Kremlin "
        "Republican Democrat Democratic Party Committee State's Top"
    ).split()
}
# Lower-case nouns that describe a person ("a Chinese official", "Kremlin spokesman").
PERSON_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "official", "minister", "president", "secretary", "diplomat",
    "ambassador", "envoy", "senator", "lawmaker", "governor", "mayor", "chancellor", "leader", "chairman",
    "chairwoman", "chair", "director", "adviser", "advisor", "aide", "analyst", "economist", "expert",
    "professor", "coach", "captain", "player", "striker", "manager", "executive", "ceo", "founder",
    "representative", "representatives", "officer", "general", "commander", "judge", "lawyer", "attorney",
    "prosecutor", "doctor", "nurse", "scientist", "researcher", "witness", "resident", "source", "sources",
    "officials", "candidate", "nominee", "congressman", "congresswoman", "premier", "king", "queen",
    "prince", "chief", "head", "deputy", "negotiator", "strategist", "pollster", "activist", "author",
    "veteran", "teacher", "student", "mother", "father", "woman", "man", "owner", "worker", "member",
    "counsel", "delegate", "commissioner", "sheriff", "detective", "inspector", "superintendent",
}  # fmt: skip
INSTITUTION_NOUNS = {
    "ministry", "department", "government", "administration", "kremlin", "pentagon", "agency", "office",
    "commission", "committee", "council", "court", "police", "army", "military", "company", "firm",
    "bank", "party", "campaign", "embassy", "consulate", "house", "senate", "congress", "parliament",
    "cabinet", "board", "union", "association", "organization", "organisation", "group", "team", "club",
    "league", "federation", "university", "institute", "foundation", "authority", "authorities",
    "service", "force", "bureau", "corporation", "inc", "inc.", "corp", "corp.", "ltd", "fund", "nato",
    "un", "eu", "who", "fbi", "cia", "white", "beijing", "moscow", "washington", "tehran", "kyiv",
    "secretariat", "regulator", "watchdog", "prosecutors", "spokespeople",
}  # fmt: skip
# News organisations: "according to TASS", "writes Bloomberg", "told CNN" are relays, not speakers.
MEDIA_NAMES = {
    "reuters", "ap", "afp", "bloomberg", "tass", "xinhua", "cnn", "bbc", "fox", "nbc", "abc", "cbs", "msnbc",
    "npr", "pbs", "interfax", "ria", "sputnik", "kyodo", "yonhap", "politico", "axios", "cnbc", "espn",
    "rt", "aljazeera", "dpa", "ansa", "efe", "pti", "ani", "ifax", "semafor", "vox", "nhk", "tvn",
}  # fmt: skip
MEDIA_NOUNS = {
    "agency", "newspaper", "television", "tv", "radio", "broadcaster", "network", "channel", "outlet",
    "daily", "magazine", "website", "journal", "times", "post", "news", "press", "gazette", "herald",
    "tribune", "telegraph", "guardian", "reporter", "reporters", "journalists", "media", "paper",
    "podcast", "newswire", "wire", "program", "programme", "show", "interview", "broadcast", "tabloid",
}  # fmt: skip
STATEMENT_NOUNS = {
    "statement", "communique", "communiqué", "report", "letter", "declaration", "release", "post", "tweet",
    "message", "transcript", "readout", "memo", "filing", "document", "note", "notice", "announcement",
}  # fmt: skip
# What comes right before a quoted title of a work or a label, which nobody is reported as saying.
LABEL_WORDS = {
    "book", "novel", "film", "movie", "song", "album", "series", "show", "documentary", "play", "essay",
    "op-ed", "titled", "entitled", "headlined", "podcast", "poem", "column", "memoir", "so-called",
    "dubbed", "nicknamed", "term", "word", "phrase", "slogan", "hashtag", "label", "named", "known",
    "called", "headline", "banner", "motto", "brand", "exhibition", "episode", "opera", "musical",
}  # fmt: skip
FEMALE_WORDS = {"she", "her", "mrs.", "ms.", "miss", "spokeswoman", "chairwoman", "congresswoman", "woman",
                "queen", "princess", "mother", "wife", "actress", "madam", "lady", "dame", "businesswoman"}  # fmt: skip
MALE_WORDS = {"he", "him", "his", "mr.", "spokesman", "chairman", "congressman", "man", "king", "prince",
              "father", "husband", "actor", "sir", "lord", "businessman"}  # fmt: skip
SPEECH_SET = set(SPEECH_LEMMAS)
RELATIVE_PRONOUNS = {"that", "which", "who", "whom"}
SUBJECT_DEPS = ("nsubj", "nsubjpass")
QUOTE_MARKS = "\"'“”‘’„‚«»‹›"
EDGE_PUNCT = " ,;:.!?—–-" + QUOTE_MARKS
SHORT_QUOTE_WORDS = 3


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


@dataclass(frozen=True)
class _Referent:
    name: str | None
    as_written: str
    description: str = ""
    kind: str | None = None


@dataclass(frozen=True)
class _Cue:
    referent: _Referent
    cue: str
    relay: str = ""
    explicit: bool = True  # found in the quote's own sentence or its colon/next-sentence frame


@dataclass
class _Person:
    name: str
    descriptions: list[str] = field(default_factory=list)
    last_seen: int = 0
    gender: str = ""


@dataclass
class _Cast:
    """People an article names, with their titles, keyed by full name (mutable while reading)."""

    people: dict[str, _Person] = field(default_factory=dict)
    institutions: set[str] = field(default_factory=set)

    def add(self, *, name: str, description: str, position: int, gender: str = "") -> None:
        person = self.people.setdefault(name, _Person(name=name))
        if description and description not in person.descriptions:
            person.descriptions.append(description)
        person.last_seen = max(person.last_seen, position)
        person.gender = person.gender or gender

    def full_name(self, *, name: str) -> str | None:
        """Longest known name that "Wang" or "Yi" or "Wang Yi" is a part of."""
        if name in self.people:
            words = name.split()
            longer = [p for p in self.people if len(p.split()) > len(words) and _contains(p.split(), words)]
            return max(longer, key=lambda p: len(p)) if longer else name
        words = name.split()
        matches = [p for p in self.people.values() if _contains(p.name.split(), words)]
        if not matches:
            return None
        return max(matches, key=lambda p: (len(p.name.split()), p.last_seen)).name

    def by_description(self, *, words: list[str], before: int) -> str | None:
        """The person whose title contains the description's head noun and most of its words."""
        head = words[-1]
        best: tuple[int, int, str] | None = None
        for person in self.people.values():
            known = {w for d in person.descriptions for w in _content_words(d)}
            if head not in known:
                continue
            score = (sum(w in known for w in words), person.last_seen if person.last_seen <= before else -1)
            if best is None or score > best[:2]:
                best = (*score, person.name)
        return best[2] if best else None


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w.-]+", text.lower().replace("’s", "").replace("'s", "")) if w not in
            {"the", "a", "an", "of", "for", "'s", "’s", "former", "then"}]  # fmt: skip


def _lemma(token: Token) -> str:
    return _base_form(token.lower_)


@functools.cache
def _base_form(lower: str) -> str:
    """"insisted" -> "insist" for the speech verbs we know; other words come back unchanged."""
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
    if _base_form(token.lower_) not in SPEECH_SET:
        return False
    pos = token.pos_
    return pos in ("VERB", "AUX", "PROPN") or (pos == "NOUN" and token.dep_ in ("ROOT", "relcl", "ccomp", "conj"))


def extract_quotes(doc: Doc, *, title_end: int) -> list[ExtractedQuote]:
    text = doc.text
    if not len(doc):
        return []
    starts = doc.to_array("IDX").tolist()
    cast = _read_cast(doc)
    spans = find_quote_spans(text=text)
    reader = _Reader(doc=doc, starts=starts, cast=cast, spans=spans, title_end=title_end)
    results = reader.read_body()
    results.extend(reader.read_headline(body=results))
    results.extend(reader.read_indirect())
    results.sort(key=lambda q: (q.start, q.kind == "indirect"))
    return results


class _Reader:
    """One pass over one article: quotes in reading order, remembering who spoke last."""

    def __init__(self, *, doc: Doc, starts: list[int], cast: _Cast, spans: list[QuoteSpan], title_end: int):
        self.doc, self.starts, self.cast, self.spans, self.title_end = doc, starts, cast, spans, title_end
        self.text = doc.text  # Doc.text joins every token: build it once
        self.sents = list(doc.sents)
        self.sent_starts = [sent.start for sent in self.sents]
        self.paragraphs = paragraph_bounds(text=self.text)
        self.paragraph_starts = [start for start, _ in self.paragraphs]
        self.speakers: list[tuple[int, _Referent]] = []  # (char position, referent) of attributed quotes
        # one pass over the tokens: later scans look these up instead of re-reading token attributes
        lowers = doc.to_array("LOWER").tolist()
        forms = {h: _base_form(doc.vocab.strings[h]) in SPEECH_SET for h in set(lowers)}
        self.speech = [False] * len(doc)
        for i, h in enumerate(lowers):
            if forms[h]:
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
                found: _Cue | None = _Cue(referent=previous[1], cue="", explicit=True)
            else:
                found = self._cue(span=span, first=first, last=last, previous=previous)
            kind = self._kind(span=span, first=first, sentence=sentence)
            words = len(self.text[span.start : span.end].split())
            if self._is_label(span=span, first=first, found=found, words=words):
                continue
            if words <= SHORT_QUOTE_WORDS and kind == "partial" and (found is None or not found.explicit):
                continue  # a scare-quoted term with nobody reported as saying it
            referent = found.referent if found else _Referent(name=None, as_written="")
            if found:
                self.speakers.append((span.start, referent))
            previous = (span, referent)
            record = self._record(span=span, kind=kind, found=found, sentence=sentence)
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
        opens_clause = preceding is not None and preceding.text in (":", ",") and (
            preceding.text == ":" or (first >= 2 and _is_speech_verb(self.doc[first - 2]))
        )
        words = len(self.text[span.start : span.end].split())
        return "direct" if not before or opens_clause or words >= 12 else "partial"

    def _is_label(self, *, span: QuoteSpan, first: int, found: _Cue | None, words: int) -> bool:
        """Titles of works, nicknames and terms: the word before the mark announces a name, not speech."""
        window = [t.lower_ for t in self.doc[max(0, first - 3) : first] if not t.is_punct]
        inner = self.text[span.start : span.end]
        if any(w in LABEL_WORDS for w in window[-2:]):
            # "called ties “rock-solid”" is speech: a named or pronoun subject of "called" says it.
            if "called" in window[-2:] and found is not None and found.explicit and found.cue == "called":
                return False
            return words <= 8
        titled = words >= 2 and all(w[:1].isupper() or w.lower() in {"of", "the", "a", "and", "in", "on", "to",
                                                                       "for"} for w in inner.split())  # fmt: skip
        return titled and (found is None or not found.explicit) and words <= 8

    # --- cues ---------------------------------------------------------------------------------------
    def _cue(self, *, span: QuoteSpan, first: int, last: int, previous) -> _Cue | None:
        doc = self.doc
        sent = self._sentence(first, last)
        inside = range(first, last)
        # 1. The speech verb governing the quote (partial quotes, "…,” he said").
        verb = self._governing_verb(first=first, last=last, sent=sent)
        candidates: list[Token] = [verb] if verb is not None else []
        # 2. Any other speech verb of the sentence outside the quote, nearest first.
        others = [doc[i] for i in range(sent.start, sent.end) if self.speech[i] and not self.quoted[i]]
        others.sort(key=lambda t: min(abs(t.i - first), abs(t.i - last)))
        candidates += [t for t in others if t is not verb]
        according = self._according_to(sent=sent, inside=inside)
        relay = self._relay(sent=sent, inside=inside)
        for candidate in candidates:
            subject = _subject(candidate)
            if subject is None:
                continue
            if subject.head != candidate and subject.pos_ == "NOUN" and subject.lower_ not in PERSON_NOUNS:
                continue  # "the nations" borrowed from a verb the speech verb hangs on: not a speaker
            referent = self._resolve(subject=subject, position=candidate.idx)
            if referent is None:
                continue
            if referent.kind == "media":
                relay = relay or referent.as_written
                continue
            return _Cue(referent=referent, cue=_cue_words(candidate), relay=relay)
        if according is not None:
            referent = self._resolve(subject=according, position=according.idx)
            if referent is not None and referent.kind != "media":
                return _Cue(referent=referent, cue="according to", relay=relay)
            if referent is not None:
                relay = relay or referent.as_written
        # 3. A colon frame: "Wang said:" / "Wang: “…”" just before the quote.
        colon = self._colon_frame(first=first, sent=sent)
        if colon is not None:
            return colon
        # 4. A short cue sentence right after: "“…” He said."
        after = self._next_sentence_cue(sent=sent)
        if after is not None:
            return after
        if relay and previous is None:
            return _Cue(referent=_Referent(name=None, as_written=""), cue="", relay=relay)
        # 5. Carried on: the previous quote of the paragraph, or of the paragraph before, keeps speaking.
        if previous is not None and self._whole_sentence(first=first, last=last, sent=sent):
            gap = self.paragraph_of(span.start) - self.paragraph_of(previous[0].start)
            if gap <= 1:
                return _Cue(referent=previous[1], cue="", relay=relay, explicit=gap == 0)
        return None

    def _whole_sentence(self, *, first: int, last: int, sent: Span) -> bool:
        outside = [t for t in sent if not (first <= t.i < last) and not (t.is_punct or t.is_space)]
        return len(outside) <= 2

    def _governing_verb(self, *, first: int, last: int, sent: Span) -> Token | None:
        """Climb from the quote's attachment points to the nearest speech verb outside the quote."""
        doc = self.doc
        roots = [doc[i] for i in range(first, last) if not (first <= doc[i].head.i < last) or doc[i].head == doc[i]]
        best: tuple[int, Token] | None = None
        for root in roots:
            node, steps = root, 0
            while steps < 8:
                if not (first <= node.i < last) and _is_speech_verb(node) and not self.in_quote(node):
                    if best is None or steps < best[0]:
                        best = (steps, node)
                    break
                if node.head == node:
                    # "“…,” he said" may be parsed with the quote as root and "said" hanging below it.
                    for child in node.children:
                        if child.dep_ in ("parataxis", "conj", "advcl", "ccomp") and not (first <= child.i < last):
                            if _is_speech_verb(child) and (best is None or steps + 1 < best[0]):
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
                if _is_media(phrase):
                    return _strip_det(phrase)
        return ""

    def _colon_frame(self, *, first: int, sent: Span) -> _Cue | None:
        doc = self.doc
        k = first - 1
        while k >= 0 and doc[k].is_space:
            k -= 1
        if k < 0 or doc[k].text != ":":
            return None
        frame_start = self.sent_span(k).start
        frame = doc[frame_start:k]
        speech = [t for t in frame if _is_speech_verb(t) and not self.in_quote(t)]
        # "X had a blunt message: “…”" — without a speech verb the frame's main verb names the speaker
        mains = [t for t in frame if t.pos_ in ("VERB", "AUX") and (t.head == t or not frame.start <= t.head.i < k)]
        for verb in [*reversed(speech), *mains]:
            subject = _subject(verb)
            if subject is not None:
                referent = self._resolve(subject=subject, position=verb.idx)
                if referent is not None and referent.kind != "media":
                    return _Cue(referent=referent, cue=_cue_words(verb))
        # "Wang: “…”" — a name (or noun phrase) alone before the colon.
        words = [t for t in frame if not t.is_punct and not t.is_space]
        if words and len(words) <= 6:
            head = words[-1]
            while head.head != head and frame.start <= head.head.i < k and head.dep_ in ("compound", "flat"):
                head = head.head
            referent = self._resolve(subject=head, position=head.idx)
            if referent is not None and referent.kind != "media":
                return _Cue(referent=referent, cue=":")
        return None

    def _next_sentence_cue(self, *, sent: Span) -> _Cue | None:
        doc = self.doc
        if sent.end >= len(doc):
            return None
        nxt = self.sent_span(sent.end)
        if len(nxt) > 12 or any(self.in_quote(t) for t in nxt):
            return None
        for token in nxt:
            if _is_speech_verb(token) and token.dep_ == "ROOT":
                subject = _subject(token)
                if subject is not None:
                    referent = self._resolve(subject=subject, position=token.idx)
                    if referent is not None and referent.kind != "media":
                        return _Cue(referent=referent, cue=_cue_words(token))
        return None

    # --- speakers -----------------------------------------------------------------------------------
    def _resolve(self, *, subject: Token, position: int) -> _Referent | None:
        """Turn the subject of a cue into a speaker: name, title, pronoun, institution or description."""
        subject = _owner_of_statement(subject)
        if subject is None:
            return None
        lower = subject.lower_
        if subject.pos_ == "PRON" or lower in {"he", "she", "they", "it", "we", "i"}:
            return self._pronoun(word=subject.text, position=position)
        phrase = _phrase(subject)
        as_written = _strip_det(phrase, keep_the=True)
        if _is_media(phrase):
            return _Referent(name=None, as_written=as_written, kind="media")
        name_tokens, title_tokens = _split_name(phrase)
        description = _description(subject=subject, phrase=phrase, name_tokens=name_tokens)
        named_appos = [c for c in subject.children if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i > subject.i]
        if named_appos and (not name_tokens or _looks_institutional(name_tokens, title_tokens)):
            # "U.S. Ambassador to NATO Julianne Smith": the title is the head, the name its appositive
            name_tokens, _ = _split_name(_phrase(named_appos[0]))
            description = _strip_det(phrase)
            title_tokens = phrase
            as_written = _join([*phrase, *_phrase(named_appos[0])])
        if len(name_tokens) == 1 and _capitalised_common_noun(name_tokens[0]) and not self.cast.full_name(
            name=name_tokens[0].text
        ):
            name_tokens = []  # "Neighbours described …": a capitalised first word, not a name
        if name_tokens:
            name = _join(name_tokens)
            if _looks_institutional(name_tokens, title_tokens) and not self.cast.full_name(name=name):
                return _Referent(name=_strip_det(phrase, keep_the=True), as_written=as_written,
                                 kind="institution")  # fmt: skip
            full = self.cast.full_name(name=name) or name
            known = self.cast.people.get(full)
            if not description and known and known.descriptions:
                description = known.descriptions[0]
            return _Referent(name=full, as_written=as_written, description=description, kind="person")
        words = _content_words(as_written)
        if not words:
            return None
        head = subject.lower_
        if head in INSTITUTION_NOUNS or subject.ent_type_ in ("ORG", "GPE", "NORP") and head not in PERSON_NOUNS:
            if subject.ent_type_ == "NORP" and subject.pos_ in ("ADJ", "PROPN") and head == words[-1]:
                return _Referent(name=None, as_written=as_written)  # "Chinese said": who, we cannot tell
            return _Referent(name=_strip_det(phrase, keep_the=True), as_written=as_written, kind="institution")
        definite = phrase[0].lower_ in ("the", "this", "that") or phrase[0].dep_ == "poss"
        if definite and head in PERSON_NOUNS | {w.lower() for w in TITLE_WORDS}:
            found = self.cast.by_description(words=[w for w in words if w != "’s"], before=position)
            if found:
                known = self.cast.people[found]
                return _Referent(name=found, as_written=as_written,
                                 description=known.descriptions[0] if known.descriptions else "",
                                 kind="person")  # fmt: skip
        if subject.pos_ in ("NOUN", "PROPN") and subject.lower_ not in STATEMENT_NOUNS:
            # "the suspect told officers", "a Chinese official said": described, not named
            return _Referent(name=None, as_written=as_written, description=as_written)
        return None

    def _pronoun(self, *, word: str, position: int) -> _Referent | None:
        lower = word.lower()
        if lower in ("i", "we"):
            return None
        wanted = "institution" if lower == "it" else "person"
        gender = {"he": "m", "she": "f"}.get(lower, "")
        here = self.paragraph_of(position)
        # A quote's speaker keeps the floor: "he added" goes to the last one who spoke, not the last name.
        for pos, referent in reversed(self.speakers):
            if here - self.paragraph_of(pos) > 4:
                break
            if lower == "they" or referent.kind == wanted or (referent.kind is None and wanted == "person"):
                if gender and referent.name in self.cast.people:
                    known = self.cast.people[referent.name].gender
                    if known and known != gender:
                        continue
                    self.cast.people[referent.name].gender = gender
                return _Referent(name=referent.name, as_written=word, description=referent.description,
                                 kind=referent.kind)  # fmt: skip
        if wanted == "person":
            people = [p for p in self.cast.people.values() if p.last_seen < position and p.gender in ("", gender)]
            if people:
                person = max(people, key=lambda p: p.last_seen)
                return _Referent(name=person.name, as_written=word,
                                 description=person.descriptions[0] if person.descriptions else "",
                                 kind="person")  # fmt: skip
        return _Referent(name=None, as_written=word)

    # --- headline -----------------------------------------------------------------------------------
    def read_headline(self, *, body: list[ExtractedQuote]) -> list[ExtractedQuote]:
        results = []
        for span in self.spans:
            if span.start >= self.title_end:
                continue
            first, last = self.quote_tokens(span)
            sentence = self._sentence(first, last)
            referent, cue = self._headline_speaker(span=span, first=first, last=last, body=body)
            found = _Cue(referent=referent, cue=cue) if referent else None
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
            name_tokens, _ = _split_name(phrase)
            name = self.cast.full_name(name=_join(name_tokens)) if name_tokens else None
            if name is None and subject.pos_ != "PRON":
                words = [w for w in _content_words(_strip_det(phrase)) if w.isalpha() or "." in w]
                if words and words[-1] in PERSON_NOUNS | TITLE_WORDS:
                    name = self.cast.by_description(words=words, before=len(self.text))
            if name is not None and name in self.cast.people:
                person = self.cast.people[name]
                desc = person.descriptions[0] if person.descriptions else ""
                return _Referent(name=name, as_written=_strip_det(phrase), description=desc, kind="person"), \
                    _cue_words(token)  # fmt: skip
        words = _norm_words(self.text[span.start : span.end])
        same = [q for q in body if q.speaker and words and _overlap(words, _norm_words(q.text)) >= 0.6]
        if same:
            q = same[0]
            return _Referent(name=q.speaker, as_written="", description=q.speaker_description,
                             kind=q.speaker_kind), ""  # fmt: skip
        main = Counter(q.speaker for q in body if q.speaker and q.speaker_kind == "person").most_common(1)
        if main:
            q = next(q for q in body if q.speaker == main[0][0])
            return _Referent(name=q.speaker, as_written="", description=q.speaker_description,
                             kind="person"), ""  # fmt: skip
        return None, ""

    # --- indirect speech ------------------------------------------------------------------------------
    def read_indirect(self) -> list[ExtractedQuote]:
        """Reported speech without marks: "X, Wang Yi has said." and "Wang said (that) X" — named speakers."""
        results = []
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
                found = _Cue(referent=referent, cue=_cue_words(verb))
                span = QuoteSpan(start=start, end=end, open_mark="", close_mark="")
                record = self._record(span=span, kind="indirect", found=found, sentence=sent)
                if not any(r.text == record.text for r in results):
                    results.append(record)
                break
        return results


# --- noun phrases -----------------------------------------------------------------------------------------
def _subject(verb: Token) -> Token | None:
    """The nsubj of a speech verb; participles and conjuncts borrow the subject of the verb they hang on."""
    node = verb
    for _ in range(4):
        subjects = [c for c in node.children if c.dep_ in SUBJECT_DEPS]
        if subjects:
            # "Moscow – … Wang Yi described": of two subjects the one next to the verb is the speaker
            return min(subjects, key=lambda c: abs(node.i - c.i))
        inverted = _inverted_subject(node)
        if inverted is not None:
            return inverted
        if node.dep_ in ("advcl", "xcomp", "conj", "pcomp") and node.head != node:
            node = node.head
            continue
        return _nearest_name_before(node)
    return None


def _inverted_subject(verb: Token) -> Token | None:
    """"…,” said Patrushev, considered …" — the parser often hangs an inverted subject elsewhere."""
    doc = verb.doc
    if verb.i + 1 >= len(doc) or verb.i == 0 or not (doc[verb.i - 1].is_punct or doc[verb.i - 1].is_quote):
        return None
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
    return None


def _nearest_name_before(verb: Token) -> Token | None:
    """"In Moscow Wang and Patrushev affirmed": no nsubj, but the names right before the verb speak."""
    doc = verb.doc
    for k in range(verb.i - 1, max(verb.sent.start, verb.i - 5) - 1, -1):
        token = doc[k]
        if token.pos_ in ("VERB", "AUX") or token.is_punct:
            return None
        if token.pos_ == "PROPN" and (token.ent_type_ == "PERSON" or token.ent_type_ == ""):
            while token.dep_ == "conj" and token.head.i < token.i:
                token = token.head
            return token
    return None


def _owner_of_statement(subject: Token) -> Token | None:
    """"that" in "a statement that declared" and "a statement from X said" lead back to whoever speaks."""
    node = subject
    if node.lower_ in RELATIVE_PRONOUNS and node.head.dep_ == "relcl":
        node = node.head.head
    if node.lower_ not in STATEMENT_NOUNS:
        return node
    for child in node.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
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
        if doc[i].text in (",", "(", "—", "–") or doc[i].is_space:
            left = i + 1
            break
    tokens = list(doc[left : head.i + 1])
    right = head.i + 1
    while right < len(doc) and doc[right].head.i == head.i and (
        doc[right].dep_ in ("compound", "flat", "nummod") or doc[right].dep_ == "appos" and doc[right].pos_ == "PROPN"
    ):
        tokens.append(doc[right])
        right += 1
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "in") and child.i == right:
            tokens.extend(child.subtree)
            break
    return tokens


def _split_name(phrase: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split "Chinese Foreign Minister Wang Yi" into name ["Wang", "Yi"] and the rest of the phrase."""
    # the name is the last run of capitalised proper nouns before any "of …" tail
    core = list(phrase)
    for i, t in enumerate(core):
        if i and t.pos_ == "ADP" and t.lower_ in ("of", "for", "at", "in", "to", "from", "with"):
            core = core[:i]
            break
    name: list[Token] = []
    for token in reversed(core):
        text = token.text
        if text in ("-", "‑") and name:
            name.insert(0, token)
            continue
        proper = token.pos_ == "PROPN" or token.ent_type_ == "PERSON"
        places = ("GPE", "LOC", "NORP", "FAC")
        if name and token.ent_type_ in (*places, "ORG") and (
            any(t.ent_type_ == "PERSON" for t in name)
            or (token.ent_type_ in places and not any(t.ent_type_ in places for t in name))
        ):
            break  # "In Moscow Wang": a place glued to a name is not part of it
        if proper and text[:1].isupper() and text.lower() not in TITLE_WORDS and token.ent_type_ != "NORP":
            name.insert(0, token)
            if len(name) >= 5:
                break
            continue
        break
    while name and name[0].text in ("-", "‑"):
        name.pop(0)
    rest = [t for t in phrase if t not in name]
    return name, rest


def _description(*, subject: Token, phrase: list[Token], name_tokens: list[Token]) -> str:
    if name_tokens:
        before = [t for t in phrase if t.i < name_tokens[0].i]
        while before and (before[0].dep_ == "det" or before[0].is_punct):
            before.pop(0)
        if before:
            return _join(before)
    for child in subject.children:
        if child.dep_ == "appos" and child.pos_ != "NUM":  # "Mark Evans, 52," gives an age, not a title
            return _strip_det(_appos_phrase(child))
    if subject.dep_ == "appos" or (name_tokens and name_tokens[-1].dep_ == "appos"):
        owner = subject if subject.dep_ == "appos" else name_tokens[-1]
        start = name_tokens[0].i if name_tokens else owner.i
        tokens = [t for t in owner.head.subtree if t.i < start]
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens.pop()
        titled = owner.head.lower_ in TITLE_WORDS or owner.head.lower_ in PERSON_NOUNS
        return _strip_det(tokens) if tokens and titled else ""
    return ""


def _capitalised_common_noun(token: Token) -> bool:
    return token.is_sent_start and not token.ent_type_ and (token.tag_ in ("NNS", "NNPS") or token.text.endswith("s"))


def _appos_phrase(token: Token) -> list[Token]:
    return [t for t in token.subtree if t.dep_ != "relcl" and not t.is_punct or t.text in ("-", "’s", "'s")]


def _strip_det(tokens: list[Token], *, keep_the: bool = False) -> str:
    tokens = [t for t in tokens if not t.is_space]
    while tokens and tokens[0].dep_ == "det" and tokens[0].lower_ in ("the", "a", "an") and not keep_the:
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "case" and len(tokens) == 1):
        tokens = tokens[:-1]
    return _join(tokens)


def _join(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    doc = tokens[0].doc
    out = []
    for a, b in zip(tokens, [*tokens[1:], None], strict=False):
        out.append(a.text)
        if b is not None and b.i == a.i + 1:
            out.append(a.whitespace_)
        elif b is not None:
            out.append(" ")
    del doc
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _cue_words(verb: Token) -> str:
    particle = [c.text for c in verb.children if c.dep_ == "prt"]
    return " ".join([verb.text, *particle])


def _is_media(tokens: list[Token]) -> bool:
    words = [t.lower_ for t in tokens if not t.is_punct]
    if not words:
        return False
    if any(w in MEDIA_NAMES for w in words):
        return True
    proper = any(t.pos_ == "PROPN" or t.ent_type_ == "ORG" for t in tokens)
    head = words[-1]
    return head in MEDIA_NOUNS and (proper or head in ("agency", "newspaper", "television", "tv", "radio",
                                                       "broadcaster", "reporters", "journalists", "media"))  # fmt: skip


def _looks_institutional(name: list[Token], rest: list[Token]) -> bool:
    if any(t.ent_type_ == "PERSON" for t in name):
        return False
    if any(t.lower_ in INSTITUTION_NOUNS for t in name):
        return True
    if any(t.lower_ in TITLE_WORDS or t.lower_ in PERSON_NOUNS for t in rest):
        return False  # "Foreign Minister Wang Yi" even when the model tags "Wang Yi" as ORG
    return any(t.ent_type_ in ("ORG", "GPE", "NORP", "FAC", "LOC") for t in name)


def _read_cast(doc: Doc) -> _Cast:
    """Everyone the article names as a person: PERSON entities and capitalised names after a title.

    Works on runs of capitalised proper nouns rather than on the parse, which often breaks long
    title-plus-name chains ("Russian Security Council Secretary Nikolai Patrushev") in odd places.
    """
    cast = _Cast()
    runs: list[list[Token]] = []
    run: list[Token] = []
    person_label = doc.vocab.strings["PERSON"]
    # arrays first: only proper nouns and person entities are looked at as Tokens
    proper_at = {i for i, (pos, ent) in enumerate(doc.to_array(["POS", "ENT_TYPE"]).tolist())
                 if pos == PROPN or ent == person_label}  # fmt: skip
    for i in sorted(proper_at | {i + 1 for i in proper_at if i + 1 < len(doc)}):
        token = doc[i]
        proper = i in proper_at and token.text[:1].isupper()
        if run and run[-1].i != i - 1:
            runs.append(run)
            run = []
        if proper or (run and token.text in ("-", "‑") and token.whitespace_ == ""):
            run.append(token)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    for run in runs:
        before = doc[run[0].i - 1].lower_ if run[0].i else ""
        if not (before in PERSON_NOUNS or before in TITLE_WORDS or any(
            t.ent_type == person_label or t.lower_ in TITLE_WORDS for t in run
        )):
            continue  # neither a person entity nor a title: no need to look closer
        name, rest = _split_name(run)
        if not name:
            continue
        left = _left_modifiers(run[0])
        titles = [*left, *rest]
        person = any(t.ent_type_ == "PERSON" for t in name) or any(
            t.lower_ in TITLE_WORDS or t.lower_ in PERSON_NOUNS for t in titles[-2:]
        )
        if not person or any(t.lower_ in INSTITUTION_NOUNS or t.lower_ in MEDIA_NAMES for t in name):
            continue
        titles = [t for t in titles if t.i < name[0].i]
        # keep it only when it ends in a person noun or title: "Kremlin spokesman", not "on Sunday"
        described = bool(titles) and (titles[-1].lower_ in TITLE_WORDS or titles[-1].lower_ in PERSON_NOUNS)
        description = _join(titles) if described else ""
        head = name[-1]
        if not description:
            description = _description(subject=head, phrase=[*run], name_tokens=name)
        lowered = {t.lower_ for t in titles} | {c.lower_ for c in head.children}
        gender = "f" if lowered & FEMALE_WORDS else "m" if lowered & MALE_WORDS else ""
        cast.add(name=_join(name), description=description, position=head.idx, gender=gender)
    return cast


def _left_modifiers(first: Token) -> list[Token]:
    """"China’s top diplomat" before "Wang Yi": adjectives, nouns and possessives glued to a name."""
    doc = first.doc
    tokens: list[Token] = []
    k = first.i - 1
    while k >= 0 and len(tokens) < 6:
        token = doc[k]
        if token.pos_ in ("ADJ", "NOUN", "PROPN", "NUM") or token.tag_ == "POS" or token.text in ("-", "‑"):
            tokens.insert(0, token)
            k -= 1
            continue
        break
    while tokens and (tokens[0].tag_ == "POS" or tokens[0].text in ("-", "‑")):
        tokens.pop(0)
    return tokens


def _norm_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("-", " "))


def _overlap(a: list[str], b: list[str]) -> float:
    common = len(set(a) & set(b))
    return common / len(set(a)) if a else 0.0
