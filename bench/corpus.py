"""Articles for the ingest benchmark: deterministic rewrites of the sample and test articles.

Each rewrite keeps the quotations (so statements form across outlets, as in real coverage of one event) but
gets another outlet, date and paragraph order, so every article is a new text for the content hash.
"""

import random
from dataclasses import replace

from articles.sources import Source, read_paths
from bench.env import ROOT

BASES = [ROOT / "demo" / "articles", ROOT / "tests" / "data" / "corpus"]
OUTLETS = [f"Bench Outlet {i}" for i in range(24)]
REPORTERS = ["Ana Silva", "Ben Ode", "Chen Li", "Dara Kim", "Eli Roth", "Fay Obi", "Gus Hall", "Hana Sato"]


def articles(count: int, *, seed: int = 1) -> list[Source]:
    bases = [s for s in read_paths(BASES) if isinstance(s, Source)]
    rng = random.Random(seed)
    out = []
    for i in range(count):
        base = bases[i % len(bases)]
        paragraphs = [p for p in base.text.split("\n\n") if p.strip()]
        head, rest = paragraphs[:1], paragraphs[1:]
        rng.shuffle(rest)
        reporter = REPORTERS[rng.randrange(len(REPORTERS))]
        text = "\n\n".join([*head, *rest, f"(Reporting by {reporter}; bench copy {i})"])
        out.append(
            replace(
                base,
                source_name=f"bench/{i:04d}-{base.source_name.rsplit('/', 1)[-1]}",
                text=text,
                outlet=OUTLETS[i % len(OUTLETS)],
            )
        )
    return out
