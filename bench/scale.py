"""Groups 2 and 3 in one subprocess (`python -m bench.scale URL MAX_QUOTES`): the synthetic database grows
through 10k, 100k, 440k (about 100k statements: the pages are measured there) and 1M quotes; prints JSON."""

import json
import sys
import time


def main(url: str, max_quotes: int) -> dict:
    from bench.env import setup_django

    setup_django(url)
    from django.core.management import call_command

    from articles.models import Statement
    from bench import bulk, matching, pages, synthetic

    call_command("migrate", verbosity=0, interactive=False)
    generator = synthetic.Generator()
    generator.setup()
    stages = sorted({s for s in (10_000, 100_000, 440_000, 1_000_000) if s <= max_quotes} | {max_quotes})
    result: dict = {"stages": [], "max_quotes": max_quotes}
    for stage in stages:
        start = time.perf_counter()
        generator.grow_to(stage)
        generated = time.perf_counter() - start
        statements = Statement.objects.count()
        entry = {
            "quotes": generator.quotes,
            "statements": statements,
            "articles": generator.articles,
            "index_keys": generator.keys,
            "generation_seconds": round(generated, 1),
            "database_bytes": bulk.database_bytes(),
            **matching.measure(stage, generator.next_statement),
        }
        result["stages"].append(entry)
        print(json.dumps(entry), file=sys.stderr, flush=True)
        if "pages" not in result and (statements >= 100_000 or stage == stages[-1]):
            word = synthetic.statement(7).renderings[0].text.split()[0]
            result["pages"] = pages.measure(word)
            result["pages"]["load"] = pages.load_test(result["pages"]["detail_path"])
            print(json.dumps(result["pages"]), file=sys.stderr, flush=True)
    result["matcher_peak_bytes"] = matching.matcher_memory(stages[-1], generator.next_statement)
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
