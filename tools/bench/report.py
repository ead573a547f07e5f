"""The benchmark's targets, verdicts and markdown report (plain functions of the
results dictionary that ``manage.py benchmark`` builds)."""

import os
import platform
from pathlib import Path

# p95 targets (ms) for a logged-in member (every page rendered, no page cache).
TARGETS_MS = {
    "front": 25,
    "day": 25,
    "week": 25,
    "paper": 25,
    "author": 40,
    "topic": 40,
    "repo": 40,
    "search": 100,  # the fixed query list (tools/bench/queries.py), cold
    "search_facets": 150,  # the same with three facets chosen, cold
    "like_cold": 60,  # ?like= of a paper not asked for yet
    "similar_cold": 60,  # a paper page whose similar papers are not cached
    "upvote": 20,
}
CONCURRENT_MEMBERS = 8
CONCURRENT_RPS = 150
CONCURRENT_P95_MS = 150
RSS_TARGET_MB = 200
IMPORT_TARGET_PER_S = 2000
DEMO_QUERY_LIMIT = 100
SEARCH_GROWTH_LIMIT = 2.0
PG_SETTINGS = [
    "server_version",
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "maintenance_work_mem",
    "random_page_cost",
    "jit",
    "max_parallel_workers_per_gather",
    "autovacuum",
    "synchronous_commit",
]


def machine_description() -> str:
    cpu = "unknown CPU"
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    try:
        load = ", load average {:.1f} {:.1f} {:.1f} at the start".format(*os.getloadavg())
    except OSError:
        load = ""
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, "
        f"{platform.system()}{load}"
    )


def pg_settings(connection) -> dict:
    """``SHOW`` of the settings that matter, from an open psycopg connection."""
    out = {}
    for name in PG_SETTINGS:
        out[name] = connection.execute(f"SHOW {name}").fetchone()[0]
    return out


def _verdict(target, value, met, unit="") -> dict:
    shown = "–" if value is None else f"{value}{unit}"
    return {"target": target, "value": shown, "met": bool(met) and value is not None}


def size_verdicts(size: dict) -> list[dict]:
    """Every per-size target, judged on that size's figures."""
    member = size["member"]
    out = []
    for name, limit in TARGETS_MS.items():
        page = member.get(name, {})
        p95 = page.get("p95_ms")
        bad = page.get("errors") or (page.get("status") or 200) >= 400
        out.append(
            _verdict(
                f"{name} p95 ≤ {limit} ms", p95, p95 is not None and p95 <= limit and not bad, " ms"
            )
        )
    for name in ("search", "search_facets"):
        page = member.get(name, {})
        if "unavailable" in page:
            out.append(
                _verdict(
                    f"{name}: no page says facet counts are unavailable",
                    f"{page['unavailable']} of {page['requests']} "
                    f"({page.get('estimated', 0)} with estimated counts)",
                    page["unavailable"] == 0,
                )
            )
    load = size.get("concurrent", {})
    rps, p95 = load.get("rps"), load.get("p95_ms")
    out.append(
        _verdict(
            f"{CONCURRENT_MEMBERS} concurrent members ≥ {CONCURRENT_RPS} pages/s, "
            f"p95 < {CONCURRENT_P95_MS} ms",
            None if rps is None else f"{rps}/s, p95 {p95} ms",
            rps is not None
            and rps >= CONCURRENT_RPS
            and p95 < CONCURRENT_P95_MS
            and not load.get("errors"),
        )
    )
    rss = size.get("worker_rss_mb")
    out.append(
        _verdict(
            f"worker RSS < {RSS_TARGET_MB} MB", rss, rss is not None and rss < RSS_TARGET_MB, " MB"
        )
    )
    return out


def overall_verdicts(results: dict) -> list[dict]:
    """The targets that are not per size: growth, import, load_demo."""
    out = []
    sizes = sorted(results["sizes"], key=int)
    if len(sizes) > 1:
        small = results["sizes"][sizes[0]]["member"].get("search", {}).get("p95_ms")
        big = results["sizes"][sizes[-1]]["member"].get("search", {}).get("p95_ms")
        growth = round(big / small, 2) if small and big else None
        out.append(
            _verdict(
                f"search p95 grows ≤ {SEARCH_GROWTH_LIMIT}× from {int(sizes[0]):,} to "
                f"{int(sizes[-1]):,}",
                growth,
                growth is not None and growth <= SEARCH_GROWTH_LIMIT,
                "×",
            )
        )
    imported = results.get("import") or {}
    rate = imported.get("entries_per_second")
    out.append(
        _verdict(
            f"import_arxiv ≥ {IMPORT_TARGET_PER_S:,} entries/s "
            f"({imported.get('entries', 0):,} entries)",
            rate,
            rate is not None and rate >= IMPORT_TARGET_PER_S,
            "/s",
        )
    )
    out.append(
        _verdict(
            "import_arxiv refreshes the planner's statistics (ANALYZE at the end)",
            imported.get("analyzed"),
            imported.get("analyzed") == "yes",
        )
    )
    demo = results.get("load_demo") or {}
    queries = demo.get("queries")
    out.append(
        _verdict(
            f"load_demo < {DEMO_QUERY_LIMIT} queries",
            queries,
            queries is not None and queries < DEMO_QUERY_LIMIT,
        )
    )
    return out


def _cells(page: dict) -> str:
    if "p95_ms" not in page:
        return f"HTTP {page.get('status', '–')} | – | – | – |"
    cells = [page.get("p50_ms", "–"), page["p95_ms"], page.get("p99_ms", "–"), page.get("rps", "–")]
    return " | ".join(str(cell) for cell in cells) + " |"


def render_size_table(papers: int, size: dict) -> str:
    generated = size.get("generated_seconds")
    lines = [
        f"\n### {papers:,} papers" + (f" (generated in {generated} s)" if generated else ""),
        "",
        "Visitor: not logged in (page cache). Member: logged in, every page rendered. "
        "Latencies in ms; search rows are one cold request per query of the fixed list.",
        "",
        "| page | visitor p50 | p95 | p99 | req/s | member p50 | p95 | p99 | req/s | queries "
        "| errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in dict.fromkeys([*size["visitor"], *size["member"]]):
        visitor = size["visitor"].get(name, {"status": "n/a"})
        member = size["member"].get(name, {})
        errors = visitor.get("errors", 0) + member.get("errors", 0)
        lines.append(
            f"| {name} | {_cells(visitor)} {_cells(member)} {member.get('queries', '–')} "
            f"| {errors} |"
        )
    load = size.get("concurrent")
    if load:
        lines.append(
            f"\n{CONCURRENT_MEMBERS} concurrent members (front, paper and search pages mixed): "
            f"{load.get('rps')} pages/s, p50 {load.get('p50_ms')} ms, p95 {load.get('p95_ms')} ms, "
            f"{load.get('errors', 0)} errors."
        )
    lines.append(f"Largest gunicorn worker RSS: {size.get('worker_rss_mb')} MB.")
    lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
    lines += [
        f"| {v['target']} | {v['value']} | {'met' if v['met'] else 'not met'} |"
        for v in size.get("verdicts", [])
    ]
    return "\n".join(lines)


def render_markdown(results: dict) -> str:
    options = results["options"]
    settings = ", ".join(f"{k} = {v}" for k, v in results.get("postgres", {}).items())
    parts = [
        f"## Benchmark {results['date']}",
        "",
        f"Machine: {results['machine']}. gunicorn workers: {options['workers']}, "
        f"wrk connections: {options['connections']}, {options['duration']} s per page, "
        f"corpus seed {options['seed']}.",
        "",
        f"PostgreSQL: {settings}.",
    ]
    for papers, size in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        parts.append(render_size_table(int(papers), size))
    imported = results.get("import") or {}
    if imported.get("available"):
        parts.append(
            f"\nimport_arxiv: {imported['entries']:,} entries in {imported['seconds']} s "
            f"({imported['entries_per_second']:,} entries/s); statistics refreshed: "
            f"{imported.get('analyzed')}."
        )
    demo = results.get("load_demo") or {}
    if demo:
        parts.append(f"load_demo: {demo.get('queries')} queries.")
    parts += [
        "",
        "### Targets across sizes",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
    ]
    parts += [
        f"| {v['target']} | {v['value']} | {'met' if v['met'] else 'not met'} |"
        for v in results.get("verdicts", [])
    ]
    return "\n".join(parts) + "\n"
