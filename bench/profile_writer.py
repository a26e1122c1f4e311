"""Where the ingest writer's CPU goes (`python -m bench.profile_writer URL [COUNT] [TOP]`).

Ingests the benchmark corpus (bench/corpus.py) into an empty database at URL with one parser process, under
cProfile in the writing process only (the parse runs in the forked parser, which is not profiled), and prints
the functions with the most CPU of their own, then those with the most including what they call. Waiting for
the parser shows up as reads of its pipe; everything else is the writer's work per article.
"""

import cProfile
import io
import pstats
import sys
import time


def main(url: str, count: int, top: int) -> str:
    from bench.env import recreate_database, setup_django

    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    from articles.ingest import ingest_sources
    from articles.nlp.pipeline import load_pipeline
    from bench.corpus import articles

    call_command("migrate", verbosity=0, interactive=False)
    sources = articles(count)
    load_pipeline()  # loading the model is not the writer's per-article work
    profile = cProfile.Profile(time.process_time)  # CPU, so waiting for the parser counts for nothing
    profile.enable()
    outcomes = list(ingest_sources(sources=sources, workers=1))
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    total = sum(row[2] for row in stats.stats.values())  # own CPU time of every function
    out.write(f"{len(outcomes)} articles; writer CPU {1000 * total / count:.1f} ms per article\n")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


if __name__ == "__main__":
    url = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    print(main(url, count, top))
