"""`make bench`: every figure of the performance issue, on SQLite always and on PostgreSQL when DATABASE_URL
names a PostgreSQL server (the benchmark uses its own database there, BENCH_DATABASE, default verbatim_bench,
dropped and recreated). Each measurement runs in a fresh subprocess; prints a table and writes
bench/results.json.

Environment: BENCH_ARTICLES (ingest corpus, default 200), BENCH_SCALE (largest synthetic quote count,
default 1,000,000 on PostgreSQL), BENCH_SQLITE_SCALE (default 100,000: SQLite inserts index keys row by row).
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import time

from bench.env import ROOT, SQLITE_URL, postgres_bench_url, recreate_database
from bench.report import table

PYTHON = sys.executable
WIRE_RENDERINGS = 1000


def _sub(module: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [PYTHON, "-m", module, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        return {"error": f"{module} {' '.join(args[1:])} exited with status {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def backend(name: str, url: str, *, articles: int, scale: int) -> dict:
    out: dict = {"database": name, "ingest": {}}
    for workers in (1, 2):
        print(f"[{name}] ingest of {articles} articles, {workers} worker(s)…", file=sys.stderr, flush=True)
        recreate_database(url)
        out["ingest"][str(workers)] = _sub("bench.ingest_overhead", url, str(workers), str(articles))
    print(f"[{name}] ingest of the development corpus (new text), 1 worker…", file=sys.stderr, flush=True)
    recreate_database(url)
    out["novel"] = _sub("bench.ingest_overhead", url, "1", "0", "dev")
    # Before the synthetic data set: a database of millions of rows, written and then dropped, leaves the
    # server and the disk busy for minutes (checkpoints, the page cache written out), which a measurement run
    # after it took as its own cost (adding the 1,005th rendering: 1.0-1.1x the 10th alone, 2.0-2.4x after).
    print(f"[{name}] one statement, {WIRE_RENDERINGS:,} renderings…", file=sys.stderr, flush=True)
    recreate_database(url)
    out["wire"] = _sub("bench.wire", url, str(WIRE_RENDERINGS))
    print(f"[{name}] synthetic quotes up to {scale:,}: matching and pages…", file=sys.stderr, flush=True)
    recreate_database(url)
    out["scale"] = _sub("bench.scale", url, str(scale))
    return out


def main() -> None:
    articles = int(os.environ.get("BENCH_ARTICLES", "200"))
    started = time.perf_counter()
    runs = [
        backend(
            "sqlite", SQLITE_URL, articles=articles, scale=int(os.environ.get("BENCH_SQLITE_SCALE", "100000"))
        )
    ]
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        url = postgres_bench_url(database_url)
        runs.append(
            backend("postgresql", url, articles=articles, scale=int(os.environ.get("BENCH_SCALE", "1000000")))
        )
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "seconds": round(time.perf_counter() - started, 1),
        "runs": runs,
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwrote bench/results.json ({results['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
