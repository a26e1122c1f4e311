"""Group 3: server time and query count of the statements page and a statement page, then a load test
of the statement page through gunicorn on loopback (bounded in requests and seconds)."""

import http.client
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Statement
from bench.env import ROOT

RUNS = 15
LOAD_REQUESTS = 2000
LOAD_SECONDS = 20
LOAD_THREADS = 4


def _timed(client: Client, url: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries)


def median_ms(client: Client, url: str) -> tuple[float, int]:
    _timed(client, url)  # warm-up
    runs = [_timed(client, url) for _ in range(RUNS)]
    return round(1000 * statistics.median(t for t, _ in runs), 2), max(n for _, n in runs)


def measure(word: str) -> dict:
    client = Client(HTTP_HOST="localhost")
    home = reverse("statement_list")
    lists = {
        "default": home,
        "page 40": f"{home}?page=40",
        "search": f"{home}?q={word}",
        "search+filters": f"{home}?q={word}&several_outlets=on&sort=divergent&date_from=2020-01-15",
    }
    list_results = {name: median_ms(client, url) for name, url in lists.items()}
    big = Statement.objects.filter(rendering_count=20).order_by("pk").first()
    small = Statement.objects.filter(rendering_count=3).order_by("pk").first()
    detail = reverse("statement_detail", args=[big.pk])
    detail_ms, detail_queries = median_ms(client, detail)
    _, small_queries = median_ms(client, reverse("statement_detail", args=[small.pk]))
    list_queries = {n for _, n in list_results.values()}
    return {
        "statements": Statement.objects.count(),
        "list_ms": {name: ms for name, (ms, _) in list_results.items()},
        "list_ms_worst": max(ms for ms, _ in list_results.values()),
        "list_queries": sorted(list_queries),
        "list_queries_constant": len(list_queries) == 1,
        "detail_ms": detail_ms,
        "detail_queries_20_renderings": detail_queries,
        "detail_queries_3_renderings": small_queries,
        "detail_queries_constant": detail_queries == small_queries,
        "detail_path": detail,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_test(path: str) -> dict:
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or shutil.which("gunicorn")
    if gunicorn is None:
        return {"skipped": "gunicorn is not installed (pip install gunicorn)"}
    port = _free_port()
    # As deployed: DEBUG off (no query log), a throwaway secret, plain HTTP on loopback.
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    server = subprocess.Popen(
        [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "newsroom.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sys.stderr, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    return {"skipped": "gunicorn did not start"}
                time.sleep(0.2)
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop = time.monotonic() + LOAD_SECONDS

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < stop:
                with lock:
                    if len(latencies) + errors[0] >= LOAD_REQUESTS:
                        return
                start = time.perf_counter()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except OSError:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    ok = False
                with lock:
                    if ok:
                        latencies.append(time.perf_counter() - start)
                    else:
                        errors[0] += 1

        for _ in range(10):  # warm both workers
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", path)
            c.getresponse().read()
            c.close()
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(LOAD_THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        latencies.sort()
        return {
            "requests": len(latencies),
            "errors": errors[0],
            "seconds": round(wall, 2),
            "throughput_rps": round(len(latencies) / wall, 1),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
            "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
            "concurrency": LOAD_THREADS,
            "gunicorn_workers": 2,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
