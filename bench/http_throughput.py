"""HTTP throughput and latency: the register under gunicorn vs Datasette (same data, same queries) vs a trivial Flask app.

    /work/venv/bin/python bench/http_throughput.py --products 10000 [--requests 300] [--duration 20] [--concurrency 1,4]

Bounded runs on 127.0.0.1 only. It starts, on free ports:

* the register: ``gunicorn -w 2 'catalogue:create_app()'`` (sync workers) on the
  cached benchmark build in /tmp/catalogue-bench/<N>/ (made by load.py);
* the framework ceiling: bench/hello_app.py (``GET /hello``) under the same
  gunicorn settings;
* Datasette (from its own venv, /tmp/datasette-venv, installed there if missing;
  never in /work/venv) serving the SQLite mirror of the same published products
  (``mirror.sqlite3``: facet columns, JSON arrays for multi-valued facets, FTS5
  made by ``sqlite-utils enable-fts``), immutable, with its time limits raised
  so no facet is skipped and facet suggestions off.

Each is driven by a small threaded Python client (http.client) with 1 and 4
concurrent clients for ``--requests`` requests or ``--duration`` seconds,
whichever ends first, after a warm-up. The register gets the query mix of
bench/queries.py as ``GET /api/v1/products?q=…&<facet>=…&<facet>=…&min_overall=…``
(counts for all 10 facets); Datasette gets the equivalent
``/mirror/products.json?_search=…&<facet>__arraycontains=…&score_…__gte=…`` with
``_facet``/``_facet_array`` for all 10 facets and ``_size=20``.

Prints one JSON line: requests/s and p50/p95 latency for each, the ratios
register/Datasette (also as a latency ratio over just the queries both answered,
since a time-bounded run can stop at different points of the mix) and register/hello, and the RSS of each register gunicorn
worker after the run. Target (DESIGN §8): register throughput >= 2x Datasette's;
worker RSS <= 400 MB at 100k. Every process started is stopped at the end
(process groups, try/finally).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import common
import queries as query_mix

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV_BIN = Path(sys.executable).parent
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_gunicorn() -> Path:
    gunicorn = VENV_BIN / "gunicorn"
    if not gunicorn.exists():
        common.log("Installing gunicorn into the venv …")
        subprocess.run([str(VENV_BIN / "pip"), "install", "-q", "gunicorn"], check=True)
    return gunicorn


def ensure_datasette() -> Path:
    datasette = common.DATASETTE_VENV / "bin" / "datasette"
    if not datasette.exists():
        common.log(f"Installing Datasette and sqlite-utils into their own venv {common.DATASETTE_VENV} …")
        subprocess.run([sys.executable, "-m", "venv", str(common.DATASETTE_VENV)], check=True)
        subprocess.run([str(common.DATASETTE_VENV / "bin" / "pip"), "install", "-q", "datasette", "sqlite-utils"], check=True)
    return datasette


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    ready_path: str
    env: dict[str, str] | None = None
    cwd: Path | None = None
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self, log_dir: Path) -> None:
        self.log_path = log_dir / f"{self.name}.log"
        log = open(self.log_path, "wb")
        # A session of its own: the whole process group is stopped at the end.
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}:\n{self.log_path.read_text()[-2000:]}")
            try:
                status, _ = request("127.0.0.1", self.port, self.ready_path, timeout=120)
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer on port {self.port} within {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=5)


def request(host: str, port: int, path: str, timeout: float = 60) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class RunResult:
    latencies_ms: list[float] = field(default_factory=list)
    by_query: dict[int, float] = field(default_factory=dict)  # request number -> latency (ms)
    errors: int = 0
    error_sample: str = ""
    elapsed: float = 0.0


def drive(port: int, paths: list[str], concurrency: int, max_requests: int, max_seconds: float) -> RunResult:
    """``concurrency`` threads, each with one persistent connection (reopened when the server closes it)."""
    result = RunResult()
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            path = paths[i % len(paths)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": "application/json"})
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                status, body = 0, repr(exc).encode()
            elapsed_ms = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    result.latencies_ms.append(elapsed_ms)
                    result.by_query[i] = elapsed_ms
                else:
                    result.errors += 1
                    result.error_sample = result.error_sample or f"{status}: {body[:300]!r} for {path}"
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def summary(run: RunResult) -> dict[str, Any]:
    figures = common.percentiles(run.latencies_ms)
    return {
        "requests": len(run.latencies_ms),
        "errors": run.errors,
        "seconds": round(run.elapsed, 2),
        "rps": round(len(run.latencies_ms) / run.elapsed, 1) if run.elapsed else 0.0,
        "p50_ms": figures.get("p50_ms"),
        "p95_ms": figures.get("p95_ms"),
        **({"error_sample": run.error_sample} if run.error_sample else {}),
    }


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000, help="10000 or 100000")
    parser.add_argument("--requests", type=int, default=300, help="requests per run (each server x concurrency)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds at most per run")
    parser.add_argument("--concurrency", default="1,4", help="comma-separated client counts")
    parser.add_argument("--queries", type=int, default=240, help="size of the query mix")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]

    directory = common.dataset(args.products)
    mirror = directory / "mirror.sqlite3"
    gunicorn = ensure_gunicorn()
    datasette = ensure_datasette()

    probe = common.make_app(directory)
    evaluators = tuple(probe.extensions["catalogue.registry"].evaluators)
    probe.extensions["catalogue.engine"].dispose()
    mix = query_mix.mix(args.queries, evaluators=evaluators)

    log_dir = directory / "http-logs"
    log_dir.mkdir(exist_ok=True)
    gunicorn_settings = ["-w", str(WORKERS), "--worker-class", "sync", "--timeout", "600", "--log-level", "warning"]
    register_port, hello_port, datasette_port = free_port(), free_port(), free_port()
    servers = {
        "register": Server("register", [str(gunicorn), *gunicorn_settings, "-b", f"127.0.0.1:{register_port}", "catalogue:create_app()"],
                           register_port, "/api/v1/openapi.json", env=common.app_env(directory), cwd=REPO),
        "hello": Server("hello", [str(gunicorn), *gunicorn_settings, "-b", f"127.0.0.1:{hello_port}", "--chdir", str(BENCH), "hello_app:app"],
                        hello_port, "/hello", cwd=BENCH),
        "datasette": Server("datasette", [str(datasette), "serve", "-i", str(mirror), "-h", "127.0.0.1", "-p", str(datasette_port),
                                          "--setting", "sql_time_limit_ms", "60000", "--setting", "facet_time_limit_ms", "60000",
                                          "--setting", "suggest_facets", "off", "--setting", "default_page_size", "20"],
                            datasette_port, "/-/versions.json"),
    }
    paths = {
        "register": [q.api_path() for q in mix],
        "datasette": [q.datasette_path(mirror.stem) for q in mix],
        "hello": ["/hello"],
    }
    results: dict[str, dict[str, Any]] = {name: {} for name in servers}
    runs: dict[tuple[str, int], RunResult] = {}
    sanity: dict[str, Any] = {}
    rss: dict[str, Any] = {}
    try:
        for server in servers.values():
            server.start(log_dir)
        for server in servers.values():
            server.wait_ready()
        common.log("Servers ready; checking that both answer the same searches …")
        agree = 0
        checks = 20
        for query in mix[:checks]:
            _, body = request("127.0.0.1", register_port, query.api_path())
            register = json.loads(body)
            _, body = request("127.0.0.1", datasette_port, query.datasette_path(mirror.stem))
            data = json.loads(body)
            if data.get("facets_timed_out"):
                raise RuntimeError(f"Datasette skipped facets {data['facets_timed_out']}: raise facet_time_limit_ms")
            agree += register["total"] == data["filtered_table_rows_count"]
            sanity.setdefault("datasette_facets_returned", len(data.get("facet_results", {}).get("results", data.get("facet_results", {}))))
            sanity.setdefault("register_facets_returned", len(register["facets"]))
        sanity["same_total_share"] = round(agree / checks, 2)
        common.log(f"Same totals on {agree}/{checks} queries (stemming differs slightly).")

        for name in servers:  # warm-up: every register worker builds its caches on its first search
            drive(servers[name].port, paths[name], 4, 8 * WORKERS, 300)
        for concurrency in levels:
            for name in ("register", "datasette", "hello"):
                common.log(f"{name}: {concurrency} client(s), up to {args.requests} requests / {args.duration:g} s …")
                run = drive(servers[name].port, paths[name], concurrency, args.requests, args.duration)
                runs[(name, concurrency)] = run
                results[name][f"c{concurrency}"] = summary(run)
                common.log(f"    {results[name][f'c{concurrency}']}")
        for name in ("register", "hello"):
            workers = children(servers[name].process.pid)
            rss[name] = {"master_mb": rss_mb(servers[name].process.pid), "workers_mb": [rss_mb(pid) for pid in workers]}
        rss["datasette"] = {"process_mb": rss_mb(servers["datasette"].process.pid)}
    finally:
        for server in servers.values():
            server.stop()

    ratios = {}
    for concurrency in levels:
        key = f"c{concurrency}"
        register_rps = results["register"][key]["rps"]
        # A time-bounded run may stop at different points of the query mix; compare on the queries both answered too.
        register_run, datasette_run = runs[("register", concurrency)], runs[("datasette", concurrency)]
        common_queries = sorted(set(register_run.by_query) & set(datasette_run.by_query))
        same = None
        if common_queries:
            same = round(sum(datasette_run.by_query[i] for i in common_queries) / sum(register_run.by_query[i] for i in common_queries), 2)
        ratios[key] = {
            "register_to_datasette_rps": round(register_rps / results["datasette"][key]["rps"], 2) if results["datasette"][key]["rps"] else None,
            "register_to_datasette_same_queries": same,
            "same_queries": len(common_queries),
            "register_to_hello_rps": round(register_rps / results["hello"][key]["rps"], 3) if results["hello"][key]["rps"] else None,
        }
    worst_rss = max((mb for mb in rss["register"]["workers_mb"] if mb is not None), default=None)
    print(json.dumps({
        "script": "http_throughput",
        "products": args.products,
        **common.describe(directory),
        "workers": WORKERS,
        "requests_per_run": args.requests,
        "max_seconds_per_run": args.duration,
        "results": results,
        "ratios": ratios,
        "sanity": sanity,
        "rss": rss,
        "register_worker_rss_max_mb": worst_rss,
        "targets_at_100k": {"register_to_datasette_rps": 2.0, "worker_rss_mb": 400},
        "meets_throughput_target": all(r["register_to_datasette_rps"] is not None and r["register_to_datasette_rps"] >= 2 for r in ratios.values()),
        "meets_rss_target": worst_rss is not None and worst_rss <= 400,
        "machine": common.machine(),
        "date": time.strftime("%Y-%m-%d"),
    }))


if __name__ == "__main__":
    main()
