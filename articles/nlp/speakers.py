"""One canonical speaker across articles: exact names, and name variants of the same person in the same role.

Variants come from transliteration and machine translation ("Wang I" for Wang Yi, "Qin Kang" for Qin Gang,
"Dmitri" for Dmitry). A variant merges only when one name part is identical, the others differ by a letter
or two, and the descriptions name the same role. A bare surname or a different first name never merges
two different people ("Hunter Biden" is not "Joe Biden").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from nicknames import NickNamer
from rapidfuzz.distance import Levenshtein


@dataclass(frozen=True)
class KnownSpeaker:
    id: int
    name: str
    description: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class SpeakerMatch:
    id: int
    is_alias: bool  # the name differs from the canonical name: store it as an alias
    evidence: str


_HONORIFICS = frozenset("mr mrs ms miss dr sir dame prof professor".split())

# Words that name the same role in news English; folded to one form before roles are compared.
_ROLE_SYNONYMS = {
    "top diplomat": "foreign minister",
    "chief diplomat": "foreign minister",
    "foreign secretary": "foreign minister",
    "secretary of state": "foreign minister",
    "foreign affairs minister": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "head of state": "president",
    "premier": "prime minister",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "press secretary": "spokesperson",
    "chief executive officer": "ceo",
    "chief executive": "ceo",
}
# Countries and their adjectives/capitals, folded alike: "Chinese", "China's" and "Beijing's" agree.
_PLACES = {
    "chinese": "china",
    "beijing": "china",
    "russian": "russia",
    "moscow": "russia",
    "kremlin": "russia",
    "american": "us",
    "united states": "us",
    "u s": "us",
    "washington": "us",
    "white house": "us",
    "british": "uk",
    "united kingdom": "uk",
    "britain": "uk",
    "london": "uk",
    "ukrainian": "ukraine",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "french": "france",
    "german": "germany",
    "indian": "india",
    "japanese": "japan",
    "israeli": "israel",
    "iranian": "iran",
    "turkish": "turkey",
}
_ROLE_NOISE = frozenset(
    "a an the of for and s new former current then top senior deputy official representative in at to".split()
)
# Words that identify a role on their own; sharing one of these (and no conflict) means the same job.
_ROLE_HEADS = frozenset(
    """minister president spokesperson secretary ambassador chancellor ceo chairman chair governor mayor
    senator general commander director envoy ambassador king queen pope leader chief editor professor
    coach manager judge prosecutor""".split()
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("\u2019", "'").replace("'s ", " ")
    return " ".join(re.findall(r"[^\W_]+", text))


def _name_parts(name: str) -> tuple[str, ...]:
    parts = _fold(name).split()
    while parts and parts[0] in _HONORIFICS:
        parts = parts[1:]
    return tuple(parts)


def speaker_lookup_keys(name: str) -> list[str]:
    """Words to fetch candidate speakers by: each folded name part of 2+ letters.

    Name parts rather than "the surname" because name order differs (Wang Yi: surname first), and a
    translated variant keeps at least one part intact.
    """
    return [p for p in dict.fromkeys(_name_parts(name)) if len(p) >= 2]


@functools.cache
def _nicknames() -> NickNamer:
    return NickNamer()


def _same_given_name(a: str, b: str) -> bool:
    """Dave and David, Bill and William, Dmitri and Dmitry, or an initial ("J.") for either."""
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    if min(len(a), len(b)) >= 4 and Levenshtein.distance(a, b) <= 1:
        return True
    names = _nicknames()
    return b in names.nicknames_of(a) or a in names.nicknames_of(b)


def _same_person_name(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """How two full names of one person differ, when the surname is the same and the given name agrees
    ("Tedros Ghebreyesus" / "Tedros Adhanom Ghebreyesus", "Dave" / "David Calhoun"), or None."""
    if min(len(a), len(b)) < 2 or a[-1] != b[-1] or not _same_given_name(a[0], b[0]):
        return None
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    middle = list(long[1:-1])
    for part in short[1:-1]:  # every middle part of the shorter name is in the longer, in order
        while middle and not _same_given_name(part, middle[0]):
            middle.pop(0)
        if not middle:
            return None
        middle.pop(0)
    return "same surname and given name" + (", a middle name left out" if len(a) != len(b) else "")


def _role(description: str) -> frozenset[str]:
    text = f" {_fold(description)} "
    for phrase, canonical in [*_ROLE_SYNONYMS.items(), *_PLACES.items()]:
        text = text.replace(f" {phrase} ", f" {canonical} ")
    return frozenset(w for w in text.split() if w not in _ROLE_NOISE)


def _same_role(a: str, b: str) -> tuple[bool, str]:
    ra, rb = _role(a), _role(b)
    heads = ra & rb & _ROLE_HEADS
    if not heads:
        return False, ""
    # A conflicting place ("Chinese" vs "Russian" foreign minister) is a different job.
    places = set(_PLACES.values())
    pa, pb = ra & places, rb & places
    if pa and pb and not pa & pb:
        return False, ""
    shared = sorted(ra & rb)
    return True, " ".join(shared)


def _variant(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """How two multi-part names differ when they may be one person, or None."""
    if len(a) != len(b) or len(a) < 2:
        return None
    same = sum(x == y for x, y in zip(a, b, strict=True))
    if same == 0:
        return None
    letters = 0
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        distance = Levenshtein.distance(x, y)
        # One letter for short parts, two for long ones (Zelensky/Zelenskyy, Dmitry/Dmitri).
        if distance > (2 if min(len(x), len(y)) >= 6 else 1):
            return None
        letters += distance
    return f"name differs by {letters} letter{'s' if letters != 1 else ''}"


def resolve_speaker(*, name: str, description: str, known: Sequence[KnownSpeaker]) -> SpeakerMatch | None:
    """The known speaker this name and description refer to, or None for a new speaker."""
    parts = _name_parts(name)
    if not parts:
        return None
    canonical_input = " ".join(parts)
    for speaker in known:
        names = [speaker.name, *speaker.aliases]
        if any(" ".join(_name_parts(n)) == canonical_input for n in names):
            is_alias = canonical_input != " ".join(_name_parts(speaker.name))
            return SpeakerMatch(speaker.id, is_alias, "same name" if not is_alias else "known alias")

    best: tuple[int, SpeakerMatch] | None = None
    if len(parts) == 1:
        # A bare surname resolves only to the one known person with that name part and the same role.
        hits = [s for s in known if parts[0] in _name_parts(s.name)]
        if len(hits) == 1:
            ok, role = _same_role(description, hits[0].description)
            if ok:
                return SpeakerMatch(
                    hits[0].id, True, f"surname of the only known '{hits[0].name}', same role '{role}'"
                )
        return None
    for speaker in known:
        for known_name in (speaker.name, *speaker.aliases):
            same = _same_person_name(parts, _name_parts(known_name))
            if same is not None:
                rank = Levenshtein.distance(canonical_input, " ".join(_name_parts(known_name)))
                if best is None or rank < best[0]:
                    best = (rank, SpeakerMatch(speaker.id, True, same))
                continue
            how = _variant(parts, _name_parts(known_name))
            if how is None:
                continue
            ok, role = _same_role(description, speaker.description)
            if not ok:
                continue
            rank = Levenshtein.distance(canonical_input, " ".join(_name_parts(known_name)))
            match = SpeakerMatch(speaker.id, True, f"same role '{role}', {how}")
            if best is None or rank < best[0]:
                best = (rank, match)
    return best[1] if best else None
