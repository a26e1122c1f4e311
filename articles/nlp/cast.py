"""The cast of an article: the people it names, with the titles they were introduced with.

Collected before attribution so that "Wang said", "the minister said" and "he added" resolve to the fullest
name the article gives. Works on runs of capitalised proper nouns near person entities and titles.
"""

import re
from dataclasses import dataclass, field

import numpy
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from articles.nlp.vocabulary import (
    FEMALE_WORDS,
    INSTITUTION_NOUNS,
    MALE_WORDS,
    MEDIA_NAMES,
    MEDIA_NOUNS,
    NAME_PARTICLES,
    PERSON_NOUNS,
    PERSONISH_IDS,
    TITLE_ABBREVIATIONS,
    TITLE_WORDS,
)


@dataclass
class Person:
    name: str
    descriptions: list[str] = field(default_factory=list)
    last_seen: int = 0
    gender: str = ""
    mentions: list[int] = field(default_factory=list)  # char positions, in reading order

    def seen_before(self, position: int) -> int:
        """Char position of the last mention before `position`, -1 if none."""
        earlier = [m for m in self.mentions if m < position]
        return earlier[-1] if earlier else -1


@dataclass
class Cast:
    """People an article names, with their titles, keyed by full name (mutable while reading)."""

    people: dict[str, Person] = field(default_factory=dict)
    name_words: frozenset[str] = frozenset()  # capitalised words of the article's person entities

    def add(self, *, name: str, description: str, position: int, gender: str = "") -> None:
        person = self.people.setdefault(name, Person(name=name))
        if description and description not in person.descriptions:
            person.descriptions.append(description)
        person.last_seen = max(person.last_seen, position)
        person.mentions.append(position)
        person.gender = person.gender or gender

    def merge_short_forms(self) -> None:
        """ "Mr Albanese" and "Will" are the "Anthony Albanese" and "Will Smith" the article names in full, when
        exactly one longer name contains them; the short form's mentions and titles go to that person."""
        for short in sorted(self.people, key=lambda n: len(n.split())):
            words = short.split()
            gender = self.people[short].gender
            longer = [
                p
                for p in self.people
                if len(p.split()) > len(words)
                and contains_run(p.split(), words)
                # "Mr. Obama" is not the "Michelle Obama" the article also names
                and not (gender and self.people[p].gender not in ("", gender))
            ]
            if len(longer) != 1:
                continue
            person, gone = self.people[longer[0]], self.people.pop(short)
            person.descriptions += [d for d in gone.descriptions if d not in person.descriptions]
            person.mentions = sorted(person.mentions + gone.mentions)
            person.last_seen = max(person.last_seen, gone.last_seen)
            person.gender = person.gender or gone.gender

    def full_name(self, *, name: str) -> str | None:
        """The fuller known name that "Wang" or "Yi" or "Wang Yi" is a part of (or the name itself)."""
        words = name.split()
        matches = [p for p in self.people.values() if contains_run(p.name.split(), words)]
        if not matches:
            return None
        if name in self.people and self.people[name].gender:
            return name  # a short form kept apart from a fuller name of the other gender (merge_short_forms)
        # "Smith" with Will Smith and Jada Pinkett Smith in the article: the one the article is most about
        longer = [p for p in matches if len(p.name.split()) > len(words)] or matches
        return max(longer, key=lambda p: (len(p.mentions), p.last_seen)).name

    def by_description(
        self, *, words: list[str], before: int, required: frozenset[str] = frozenset()
    ) -> str | None:
        """The person whose title contains the description's head noun and most of its words, and all of the
        `required` ones ("the Vermont senator" is not the senator from elsewhere the article names)."""
        head = words[-1]
        best: tuple[int, int, str] | None = None
        for person in self.people.values():
            known = {
                meaning
                for d in person.descriptions
                for w in content_words(d)
                for meaning in (w, *TITLE_ABBREVIATIONS.get(w, ()))
            }
            if head not in known or not required <= known:
                continue
            score = (sum(w in known for w in words), person.seen_before(before))
            if best is None or score > best[:2]:
                best = (*score, person.name)
        return best[2] if best else None


def contains_run(words: list[str], part: list[str]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w.-]+", text.lower().replace("’s", "").replace("'s", "")) if w not in
            {"the", "a", "an", "of", "for", "'s", "’s", "former", "then"}]  # fmt: skip


def split_name(
    phrase: list[Token], name_words: frozenset[str] = frozenset()
) -> tuple[list[Token], list[Token]]:
    """Split "Chinese Foreign Minister Wang Yi" into name ["Wang", "Yi"] and the rest of the phrase.

    ``name_words`` are words the article uses in a person's name: they stay names where the model tags them
    as a nationality or place ("Albanese said" after "Anthony Albanese")."""
    # the name is the last run of capitalised proper nouns outside any "of …" phrase ("Wang Yi of China",
    # "the head of the group backing Li Wei"), which may also sit inside a title ("minister of finance Li Wei")
    core = list(phrase)
    for i, t in enumerate(core):
        if i and t.pos_ == "ADP" and t.lower_ in ("of", "for", "at", "in", "to", "from", "with"):
            inside = set(t.subtree)
            core = [*core[:i], *(w for w in core[i:] if w not in inside)]
            break
    name: list[Token] = []
    for k, token in reversed(list(enumerate(core))):
        text = token.text
        # "Charlie King", "Harold Justice": a title word after a first name ends a person's name
        surname = (
            not name and k > 0 and token.ent_type_ == "PERSON" and core[k - 1].ent_type_ == "PERSON"
            and core[k - 1].pos_ == "PROPN" and core[k - 1].lower_ not in TITLE_WORDS
        )  # fmt: skip
        doc = token.doc
        # "Ban Ki-moon": the lower-case half of a hyphenated name
        hyphen_tail = (
            token.i >= 2 and doc[token.i - 1].text in ("-", "‑") and not doc[token.i - 1].whitespace_
            and not doc[token.i - 2].whitespace_ and doc[token.i - 2].text[:1].isupper()
        )  # fmt: skip
        if token.ent_type_ in ("DATE", "TIME"):
            if name:
                break
            continue  # "asked Trump Wednesday": a day after a name is no part of it
        if text in ("-", "‑") and name:
            name.insert(0, token)
            continue
        if name and token.lower_ in NAME_PARTICLES:
            name.insert(0, token)  # "von der Leyen", "bin Salman"
            continue
        # a singular proper noun that speaks is a person, though the model may tag it a nationality ("Albanese said")
        known = token.text[:1].isupper() and (
            token.text in name_words or (token.tag_ == "NNP" and token.dep_ in ("nsubj", "nsubjpass"))
        )
        proper = token.pos_ == "PROPN" or token.ent_type_ == "PERSON" or known
        places = ("GPE", "LOC", "NORP", "FAC")
        if (
            not known
            and name
            and token.ent_type_ in (*places, "ORG")
            and (
                any(t.ent_type_ == "PERSON" for t in name)
                or (token.ent_type_ in places and not any(t.ent_type_ in places for t in name))
            )
        ):
            break  # "In Moscow Wang": a place glued to a name is not part of it
        if (
            proper
            and (text[:1].isupper() or hyphen_tail)
            and (text.lower() not in TITLE_WORDS or surname)
            and (token.ent_type_ != "NORP" or known)
        ):
            name.insert(0, token)
            if len(name) >= 5:
                break
            continue
        break
    while name and (name[0].text in ("-", "‑") or name[0].lower_ in NAME_PARTICLES and len(name) == 1):
        name.pop(0)
    # "Paul Ryan Joins Growing List": title-case words after a person entity are a heading's, not the name's
    people = [k for k, t in enumerate(name) if t.ent_type_ == "PERSON"]
    if (
        people
        and len(name) - people[-1] > 2
        and not any(t.text in name_words for t in name[people[-1] + 1 :])
    ):
        name = name[: people[-1] + 1]
    rest = [t for t in phrase if t not in name]
    return name, rest


def describe(*, subject: Token, phrase: list[Token], name_tokens: list[Token]) -> str:
    if name_tokens:
        before = [t for t in phrase if t.i < name_tokens[0].i]
        while before and (before[0].dep_ == "det" or before[0].is_punct):
            before.pop(0)
        if before:
            return join_tokens(before)
    for child in subject.children:
        if child.dep_ == "appos" and child.pos_ != "NUM":  # "Mark Evans, 52," gives an age, not a title
            return strip_det(appos_phrase(child))
    if subject.dep_ == "appos" or (name_tokens and name_tokens[-1].dep_ == "appos"):
        owner = subject if subject.dep_ == "appos" else name_tokens[-1]
        start = name_tokens[0].i if name_tokens else owner.i
        tokens = [t for t in owner.head.subtree if t.i < start]
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens.pop()
        titled = owner.head.lower_ in TITLE_WORDS or owner.head.lower_ in PERSON_NOUNS
        return strip_det(tokens) if tokens and titled else ""
    return ""


def capitalised_common_noun(token: Token) -> bool:
    return bool(
        token.is_sent_start
        and not token.ent_type_
        and (token.tag_ in ("NNS", "NNPS") or token.text.endswith("s"))
    )


def strip_det(tokens: list[Token], *, keep_the: bool = False) -> str:
    tokens = [t for t in tokens if not t.is_space]
    while tokens and tokens[0].dep_ == "det" and tokens[0].lower_ in ("the", "a", "an") and not keep_the:
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "case" and len(tokens) == 1):
        tokens = tokens[:-1]
    return join_tokens(tokens)


def join_tokens(tokens: list[Token]) -> str:
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


def is_media(tokens: list[Token]) -> bool:
    words = [t.lower_ for t in tokens if not t.is_punct]
    if not words:
        return False
    if any(w in MEDIA_NAMES for w in words):
        return True
    proper = any(t.pos_ == "PROPN" or t.ent_type_ == "ORG" for t in tokens)
    head = words[-1]
    return head in MEDIA_NOUNS and (proper or head in ("agency", "newspaper", "television", "tv", "radio",
                                                       "broadcaster", "reporters", "journalists", "media"))  # fmt: skip


def looks_institutional(
    name: list[Token], rest: list[Token], name_words: frozenset[str] = frozenset()
) -> bool:
    if any(t.ent_type_ == "PERSON" or t.text in name_words for t in name):
        return False
    if any(t.lower_ in INSTITUTION_NOUNS for t in name):
        return True
    if any(t.lower_ in TITLE_WORDS or t.lower_ in PERSON_NOUNS for t in rest):
        return False  # "Foreign Minister Wang Yi" even when the model tags "Wang Yi" as ORG
    # a nationality or party is plural ("Republicans said"); one proper noun so tagged is a surname
    return any(
        t.ent_type_ in ("ORG", "GPE", "FAC", "LOC") or t.ent_type_ == "NORP" and t.tag_ != "NNP" for t in name
    )


def read_cast(doc: Doc, *, body_start: int = 0) -> Cast:
    """Everyone the article names as a person: PERSON entities and capitalised names after a title.

    Names come from the body (from char ``body_start``): in a title-case headline every word is capitalised,
    so "Senator Okafor Warns Banks" would give a person "Okafor Warns Banks".

    Works on runs of capitalised proper nouns rather than on the parse, which often breaks long
    title-plus-name chains ("Russian Security Council Secretary Nikolai Patrushev") in odd places.
    """
    cast = Cast(name_words=person_words(doc, body_start=body_start))
    runs: list[list[Token]] = []
    run: list[Token] = []
    person_label = doc.vocab.strings["PERSON"]
    # arrays first: only proper nouns and person entities are looked at as Tokens
    tags = doc.to_array(["POS", "ENT_TYPE", "LOWER"])
    person_like = (tags[:, 1] == person_label) | numpy.isin(tags[:, 2], PERSONISH_IDS)
    # a run can only name a person near a PERSON entity, a title or a person noun: skip the rest cheaply
    # (mode "full" sliced to the document: "same" returns the window's length for documents shorter than it)
    near = numpy.convolve(person_like, numpy.ones(13, dtype=bool), mode="full")[6 : 6 + len(doc)] > 0
    proper = (tags[:, 0] == PROPN) | (tags[:, 1] == person_label)
    proper_at = set(numpy.flatnonzero(proper & near).tolist())
    for i in sorted(proper_at | {k + step for k in proper_at for step in (1, 2) if k + step < len(doc)}):
        token = doc[i]
        proper = i in proper_at and token.text[:1].isupper()
        # "Ursula von der Leyen": lower-case particles inside a name
        proper = (
            proper
            or bool(run)
            and token.lower_ in NAME_PARTICLES
            and (i + 1 in proper_at or i + 2 in proper_at)
        )
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
        if run[0].idx < body_start:
            continue
        before = doc[run[0].i - 1].lower_ if run[0].i else ""
        if not (
            before in PERSON_NOUNS
            or before in TITLE_WORDS
            or any(t.ent_type == person_label or t.lower_ in TITLE_WORDS for t in run)
        ):
            continue  # neither a person entity nor a title: no need to look closer
        if _title_case(run[0].sent):
            continue  # headings inside the body too ("Okafor Warns Banks On Fees", a linked story)
        name, rest = split_name(run, cast.name_words)
        if not name:
            continue
        left = left_modifiers(run[0])
        titles = [*left, *rest]
        person = any(t.ent_type_ == "PERSON" for t in name) or any(
            t.lower_ in TITLE_WORDS or t.lower_ in PERSON_NOUNS for t in titles[-2:]
        )
        if not person or any(t.lower_ in INSTITUTION_NOUNS or t.lower_ in MEDIA_NAMES for t in name):
            continue
        titles = [t for t in titles if t.i < name[0].i]
        # keep it only when it ends in a person noun or title: "Kremlin spokesman", not "on Sunday"
        described = bool(titles) and (titles[-1].lower_ in TITLE_WORDS or titles[-1].lower_ in PERSON_NOUNS)
        description = join_tokens(titles) if described else ""
        head = name[-1]
        if not description:
            description = describe(subject=head, phrase=[*run], name_tokens=name)
        # "Mrs. Ruiz", "Ruiz, the first lady": what the name is introduced with tells a gender
        lowered = (
            {t.lower_ for t in titles} | {c.lower_ for c in head.children} | set(description.lower().split())
        )
        gender = "f" if lowered & FEMALE_WORDS else "m" if lowered & MALE_WORDS else ""
        cast.add(name=join_tokens(name), description=description, position=head.idx, gender=gender)
    cast.merge_short_forms()
    return cast


def _title_case(sentence: Span) -> bool:
    """A heading: every longer word capitalised, which no sentence of running text is."""
    words = [t.text for t in sentence if t.is_alpha and len(t.text) > 3]
    return len(words) >= 4 and all(w[0].isupper() for w in words)


def person_words(doc: Doc, *, body_start: int = 0) -> frozenset[str]:
    """Capitalised words of the person entities of two words or more: "Anthony Albanese" vouches for
    "Albanese" elsewhere in the article. One-word entities are left out, as the model tags too many."""
    return frozenset(
        t.text
        for ent in doc.ents
        if ent.label_ == "PERSON" and len(ent) >= 2 and ent.start_char >= body_start
        for t in ent
        if t.text[:1].isupper() and t.lower_ not in TITLE_WORDS and len(t.text) > 1
    )


def left_modifiers(first: Token) -> list[Token]:
    """ "China’s top diplomat" before "Wang Yi": adjectives, nouns and possessives glued to a name."""
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


def appos_phrase(token: Token) -> list[Token]:
    return [t for t in token.subtree if t.dep_ != "relcl" and not t.is_punct or t.text in ("-", "’s", "'s")]
