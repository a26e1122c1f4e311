"""The table `make bench` prints: each figure against its target, with pass/miss."""

GIB = 1024**3


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("pass" if ok else "MISS")


def _rows(run: dict) -> list[tuple[str, str, str, str, str]]:
    db = run["database"]
    rows = []
    for workers, r in run["ingest"].items():
        if "error" in r:
            rows.append(("1 ingest", db, f"ingest/bare, {workers} worker(s)", r["error"], ">= 0.90", "MISS"))
            continue
        value = f"{r['ratio']:.3f} ({r['ingest_articles_per_s']}/{r['bare_articles_per_s']} art/s)"
        rows.append(("1 ingest", db, f"ingest/bare, {workers} worker(s), {r['articles']} art.", value, ">= 0.90",
                     _verdict(r["ratio"] >= 0.90)))  # fmt: skip
        if "writer_cpu_ms_per_article" in r:
            share = r["writer_cpu_ms_per_article"] / r["parser_cpu_ms_per_article"]
            one = workers == "1"
            value = f"{r['writer_cpu_ms_per_article']}, {r['parser_cpu_ms_per_article']} ({share:.2f})"
            if server := r.get("server_cpu_ms_per_article"):  # the database server's work for the writer
                value += f"; server {server} ({(r['writer_cpu_ms_per_article'] + server) / r['parser_cpu_ms_per_article']:.2f} with it)"
            rows.append(("1 ingest", db, f"CPU ms/article: writer, parser(s) ({workers} worker(s))", value,
                         "<= 0.6" if one else "report", _verdict(share <= 0.6) if one else "-"))  # fmt: skip
    novel = run.get("novel")
    if novel and "error" in novel:
        rows.append(("1 ingest", db, "new text (dev corpus)", novel["error"], "report", "-"))
    elif novel:
        # The bench corpus repeats its quotes, so the writer meets each wording's vectors once; new text needs
        # them for most of its quotes, and encoding them is then most of the writer's work.
        rows.append(("1 ingest", db, f"new text (dev corpus, {novel['articles']} art.): writer, parser CPU ms/art.",
                     f"{novel['writer_cpu_ms_per_article']}, {novel['parser_cpu_ms_per_article']} "
                     f"(ingest/bare {novel['ratio']:.2f})", "report", "-"))  # fmt: skip
    scale = run["scale"]
    if "error" in scale:
        rows.append(("2 matching", db, "synthetic data set", scale["error"], "", "MISS"))
    else:
        stages = scale["stages"]
        first, last = stages[0], stages[-1]
        # The repeat is the code's cost, the first read adds the caches' (bench/matching.py); the absolute
        # target holds for the first read, the slower. Growth is judged on the CPU time of the repeat (ours and
        # the database server's): the elapsed time adds whatever else the machine's host ran meanwhile (one run
        # of the same code: 1M quotes 4.5 ms elapsed, 2.6 of CPU; another 2.7 and 2.4).
        for s in stages:
            at_target = s is last and db == "postgresql"
            rows.append(("2 matching", db, f"ms per new quote at {s['quotes']:,} quotes: repeat (CPU); first read",
                         f"{s['ms_per_quote_median']:.1f} ({s['cpu_ms_per_quote_median']:.1f}, lookup "
                         f"{s['candidate_lookup_ms_per_quote_median']:.1f}); "
                         f"{s['first_read_ms_per_quote_median']:.1f} (lookup {s['first_read_candidate_lookup_ms_per_quote_median']:.1f})",
                         "< 20 (PG, 1M)" if at_target else "",
                         _verdict(s["first_read_ms_per_quote_median"] < 20) if at_target else "-"))  # fmt: skip
        # The probes differ by size: compare runs at one size, not sizes.
        found = "; ".join(
            f"{s['quotes']:,}: {s['grouped_right']}/{s['probe_quotes']} "
            f"({s['missed']} missed, {s['probe_quotes'] - s['grouped_right'] - s['missed']} wrong)"
            for s in stages
        )
        rows.append(("2 matching", db, "probe quotes grouped right", found, "report", "-"))
        growth = last["cpu_ms_per_quote_median"] / first["cpu_ms_per_quote_median"]
        elapsed = last["ms_per_quote_median"] / first["ms_per_quote_median"]
        rows.append(("2 matching", db, f"growth {first['quotes']:,} -> {last['quotes']:,}, repeat: CPU (elapsed)",
                     f"{growth:.2f}x ({elapsed:.2f}x)", "<= 2x", _verdict(growth <= 2)))  # fmt: skip
        growth = last["first_read_ms_per_quote_median"] / first["first_read_ms_per_quote_median"]
        rows.append(("2 matching", db, f"growth {first['quotes']:,} -> {last['quotes']:,}, first read", f"{growth:.2f}x",
                     "report", "-"))  # fmt: skip
        rows.append(("2 matching", db, f"database size at {last['quotes']:,}", f"{last['database_bytes'] / 2**20:,.0f} MiB",
                     "", "-"))  # fmt: skip
        rows.append(("2 matching", db, f"matcher peak memory at {last['quotes']:,}",
                     f"{scale['matcher_peak_bytes'] / 2**20:,.0f} MiB", "", "-"))  # fmt: skip
        if last["quotes"] < 1_000_000:
            rows.append(
                ("2 matching", db, "note", f"capped at {last['quotes']:,} quotes (BENCH_SCALE)", "", "-")
            )
        p = scale.get("pages")
        if p:
            # The targets are set for PostgreSQL with 100k statements; SQLite's figures are reported. The list's
            # query count differs by variant (a search looks speakers up first), never with the data.
            pg = db == "postgresql"
            rows.append(("3 pages", db, f"statements page, worst of 4 ({p['statements']:,} stmts)",
                         f"{p['list_ms_worst']:.1f} ms, {p['list_queries']} queries", "< 40 ms" if pg else "report",
                         _verdict(p["list_ms_worst"] < 40) if pg else "-"))  # fmt: skip
            rows.append(("3 pages", db, "statement page, 20 renderings",
                         f"{p['detail_ms']:.1f} ms, {p['detail_queries_20_renderings']} queries "
                         f"({p['detail_queries_3_renderings']} for 3)", "< 30 ms" if pg else "report",
                         _verdict(p["detail_ms"] < 30 and p["detail_queries_constant"]) if pg else "-"))  # fmt: skip
            load = p.get("load", {})
            if "skipped" in load:
                rows.append(("3 pages", db, "gunicorn load test", load["skipped"], "", "-"))
            elif load:
                rows.append(("3 pages", db, f"gunicorn load, {load['concurrency']} clients, 2 workers",
                             f"{load['throughput_rps']} req/s, p95 {load['p95_ms']} ms ({load['requests']} req, "
                             f"{load['errors']} err)", "report", "-"))  # fmt: skip
    wire = run.get("wire", {})
    if "error" in wire:
        rows.append(("5 one statement", db, "renderings of one statement", wire["error"], "", "MISS"))
    elif wire:
        # Judged on CPU, as matching's growth: a few ms elapsed each, a moment of the host's is a large share.
        rows.append(("5 one statement", db, f"adding rendering {wire['renderings']:,} / the 10th: CPU (elapsed)",
                     f"{wire['cpu_growth']:.2f} ({wire['add_last_cpu_ms']} / {wire['add_10th_cpu_ms']} ms); "
                     f"{wire['growth']:.2f} ({wire['add_last_ms']} / {wire['add_10th_ms']} ms)", "<= 2",
                     _verdict(wire["cpu_growth"] <= 2)))  # fmt: skip
        rows.append(("5 one statement", db, f"statement page, {wire['renderings']:,} renderings",
                     f"{wire['page_ms']:.1f} ms, {wire['page_queries']} queries", "< 100 ms",
                     _verdict(wire["page_ms"] < 100)))  # fmt: skip
    peaks = [
        max(r.get("peak_rss_bytes", 0), r.get("peak_rss_child_bytes", 0))
        for r in run["ingest"].values()
        if "error" not in r
    ]
    if peaks:
        peak = max(peaks)
        rows.append(("4 memory", db, "peak RSS of an ingest worker", f"{peak / 2**20:,.0f} MiB", "< 1024 MiB",
                     _verdict(peak < GIB)))  # fmt: skip
    return rows


def table(results: dict) -> str:
    rows = [("group", "db", "figure", "measured", "target", "")]
    for run in results["runs"]:
        rows.extend(_rows(run))
    widths = [max(len(str(r[i])) for r in rows) for i in range(6)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
