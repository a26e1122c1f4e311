"""How likely each automatic decision is right, 0-1: a quote's speaker, a rendering's statement, its proposed
label.

Speakers: a logistic model over what attribution knows of each quote (the rule that found the speaker, how it
is written at the cue, how a pronoun was resolved, the quote's kind), with coefficients fitted on PolNeAR's
train split by `bin/fit_confidence.py` (never on the corpora it is reported on). A speaker inferred from
another rendering (Decision.INFERRED) takes the share of such decisions found right there.

Statements: no corpus with gold statements is large enough to fit on apart from the one it is reported on,
so the confidence is a fixed monotone function of matching's own score and thresholds (see
`statement_confidence`), measured, not tuned, on tests/data/dev.

Proposed labels: no corpus labels variants, so likewise a fixed function (`label_confidence`), set before it
was measured on tests/data/dev_labels.json (two annotators' labels of the dev corpus's renderings).

A person's decision is not the machine's: it has confidence 1.0 (`MANUAL`), set where it is recorded.
"""

import math
from dataclasses import dataclass

from articles.nlp.attribution import ExtractedQuote
from articles.nlp.diff import ProposedLabel
from articles.nlp.matching import TUNING, Assignment

MANUAL = 1.0

PRONOUNS = frozenset(
    "he she they it we i him her them his hers their this that who someone somebody anyone nobody".split()
)

# Fitted by `bin/fit_confidence.py var/polnear-train` (PolNeAR's train split, made by `bin/polnear_to_gold.py
# GIT_DIR var/polnear-train train`: 840 articles, 4,133 judged speaker decisions, 324 wrong), L2 = 1.0.
# A feature absent here weighs 0. PolNeAR's gold speaker is the source as written, so a description resolved
# to a name ("form=described") and an inferred speaker count as wrong there more often than they are.
SPEAKER_WEIGHTS: dict[str, float] = {
    "bias": -0.26,
    "form=described": -1.68,
    "form=description": 0.88,
    "form=name": 2.92,
    "form=nobody": -2.39,
    "form=pronoun": 0.53,
    "form=unwritten": -0.25,
    "implicit": -1.71,
    "institution": -0.75,
    "kind=direct": 0.58,
    "kind=headline": -0.29,
    "kind=partial": -0.29,
    "pronoun=floor": -0.63,
    "pronoun=last mentioned": -0.07,
    "pronoun=lead": 1.47,
    "pronoun=sentence before": -0.25,
    "relay": -1.2,
    "rule=according to": 0.52,
    "rule=carried": 0.73,
    "rule=clause": 1.47,
    "rule=colon": -0.37,
    "rule=continued": -2.15,
    "rule=goes on": 0.19,
    "rule=headline": -0.29,
    "rule=introduced": 1.09,
    "rule=next sentence": -0.71,
    "rule=none": -0.58,
    "rule=own words": 0.59,
    "rule=relayed": -0.13,
    "rule=reported thing": 0.01,
    "rule=signature": -0.96,
    "rule=verb": 0.58,
}
# Share of inferred speakers found right on PolNeAR train (Laplace-smoothed: 17 of 63), same command.
INFERRED_SPEAKER = 0.28


@dataclass(frozen=True)
class SpeakerEvidence:
    """What the speaker decision rests on; `from_quote` builds it from attribution's record."""

    rule: str  # ExtractedQuote.rule
    explicit: bool
    resolved_by: str  # a pronoun's route to its person, "" if none
    kind: str  # direct | partial | headline | indirect
    speaker: str | None
    as_written: str
    speaker_kind: str | None
    relay: bool
    inferred: bool = False  # the speaker was taken from another rendering (Decision.INFERRED)

    @classmethod
    def from_quote(cls, quote: ExtractedQuote, *, inferred: bool = False) -> "SpeakerEvidence":
        return cls(
            rule=quote.rule,
            explicit=quote.explicit,
            resolved_by=quote.resolved_by,
            kind=quote.kind,
            speaker=quote.speaker,
            as_written=quote.speaker_as_written,
            speaker_kind=quote.speaker_kind,
            relay=bool(quote.relay),
            inferred=inferred,
        )


def written_form(evidence: SpeakerEvidence) -> str:
    """How the speaker stands at the cue: name, pronoun, described (a description resolved to a name),
    description (only a description), unwritten (carried on, nothing at the cue) or nobody."""
    written = evidence.as_written.strip()
    if evidence.speaker is None:
        return "description" if written else "nobody"
    if not written:
        return "unwritten"
    if written.lower() in PRONOUNS:
        return "pronoun"
    speaker_words = {w.lower() for w in evidence.speaker.split()}
    if any(w.lower().strip(".,'’") in speaker_words for w in written.split() if w[:1].isupper()):
        return "name"
    return "described"


def speaker_features(evidence: SpeakerEvidence) -> dict[str, float]:
    """Indicator features of the logistic model (names as in SPEAKER_WEIGHTS)."""
    form = written_form(evidence)
    features = {
        "bias": 1.0,
        f"rule={evidence.rule or 'none'}": 1.0,
        f"form={form}": 1.0,
        f"kind={evidence.kind}": 1.0,
    }
    if form == "pronoun":
        features[f"pronoun={evidence.resolved_by or 'other'}"] = 1.0
    if not evidence.explicit:
        features["implicit"] = 1.0
    if evidence.speaker_kind == "institution":
        features["institution"] = 1.0
    if evidence.relay:
        features["relay"] = 1.0
    return features


def speaker_confidence(evidence: SpeakerEvidence) -> float:
    if evidence.inferred:
        return INFERRED_SPEAKER
    z = sum(SPEAKER_WEIGHTS.get(name, 0.0) * value for name, value in speaker_features(evidence).items())
    return round(1.0 / (1.0 + math.exp(-z)), 3)


# --- statements ----------------------------------------------------------------------------------------
# Not fitted: a fixed function of matching's score read against its thresholds (matching.TUNING), the same
# everywhere. A rendering that joined a statement: 0.5 at the weakest match matching accepts (`weak`), rising
# linearly to CEILING at near-verbatim (`requote`). A rendering that began a statement: CEILING when nothing
# came near, falling linearly to 0.5 as its nearest rejected rendering approaches `match`. A short quote
# (`short` content words or fewer) decides on little: a fifth of the way closer to 0.5.
CEILING = 0.95


def statement_confidence(assignment: Assignment) -> float:
    if assignment.score > 0:
        share = (assignment.score - TUNING.weak) / (TUNING.requote - TUNING.weak)
    else:
        share = (TUNING.match - assignment.nearest) / TUNING.match
    share = min(1.0, max(0.0, share))
    if assignment.words <= TUNING.short:
        share *= 0.8
    return round(0.5 + (CEILING - 0.5) * share, 3)


# --- proposed labels -------------------------------------------------------------------------------------------
# Not fitted either. A label the alignment alone decides (no threshold involved) is as sure as what it rests on:
# identical words, a fact; a gap, a trim or added words, facts too, though a person may see them as something
# else (a dropped "a" in a headline, words a rewrite added); words "from another part" may be a coincidence of
# three words. A label decided by the share of matching words against a threshold (meaning altered, word
# substitution, translation variant, paraphrase): 0.5 on the threshold, rising linearly to CEILING at
# LABEL_MARGIN from it.
LABEL_CERTAINTY = {
    "verbatim": 0.99,
    "cosmetic": 0.95,
    "trimmed": 0.9,
    "elided": 0.85,
    "extended": 0.8,
    "spliced": 0.6,
}
LABEL_MARGIN = 0.25


def label_confidence(proposal: ProposedLabel) -> float:
    if proposal.margin is None:
        return LABEL_CERTAINTY.get(proposal.label, 0.5)
    share = min(1.0, max(0.0, proposal.margin / LABEL_MARGIN))
    return round(0.5 + (CEILING - 0.5) * share, 3)
