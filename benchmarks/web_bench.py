"""Web app benchmark: the customers table and the customer page under concurrent users,
against a static file served by the same server (the floor).

    PYTHONPATH=src:. python benchmarks/web_bench.py

Sizes from the environment (small defaults; the product target is 100k customers and
50 users): GOODFIT_BENCH_CUSTOMERS (5000), GOODFIT_BENCH_USERS (10),
GOODFIT_BENCH_SECONDS (10 per page kind), GOODFIT_BENCH_MAX_REQUESTS (5000 per kind),
GOODFIT_BENCH_THINK (seconds each user waits between requests, ±50%, comma-separated for
several runs; the default "2,0" runs people reading a page for ~2 s — the product target,
customers table and customer page p95 <= 200 ms — then a closed loop, 0: every user asks
again as soon as answered, the saturation case, whose p95 is the queue for the CPUs), GOODFIT_BENCH_WORKERS (server processes, `goodfit serve --workers`;
2, the default of [web] workers).
GOODFIT_BENCH_PROJECT=DIR keeps the built project in DIR and reuses it on the next run
(building 100k customers takes minutes; delete DIR after changing the size).
A stored snapshot of that many customers is written straight into the state DB (the
scoring run is not what is measured); the server is ``goodfit serve`` in its own process.
Prints per page p50/p95/p99 in ms, the error count, the offered request rate, each page's
p95 over the static file's and the server process's CPU per request.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE.parent)]

import httpx  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from goodfit.project import Project  # noqa: E402
from goodfit.state.snapshots import (  # noqa: E402
    ScoreSnapshot,
    SnapshotCustomer,
    SnapshotFlag,
    indexed_fields,
)

CUSTOMERS = int(os.environ.get("GOODFIT_BENCH_CUSTOMERS", "5000"))
USERS = int(os.environ.get("GOODFIT_BENCH_USERS", "10"))
SECONDS = float(os.environ.get("GOODFIT_BENCH_SECONDS", "10"))
MAX_REQUESTS = int(os.environ.get("GOODFIT_BENCH_MAX_REQUESTS", "5000"))
# Seconds each simulated user waits between two requests: 0 is a closed loop (each user
# asks again as soon as answered: the worst case); a real user reads a page for seconds.
THINKS = [float(t) for t in os.environ.get("GOODFIT_BENCH_THINK", "2,0").split(",")]
TARGET_MS = 200.0  # customers table and customer page p95, with people reading pages
WORKERS = int(os.environ.get("GOODFIT_BENCH_WORKERS", "2"))
TICKETS = 2  # per customer
USAGE_MONTHS = 3
PASSWORD = "benchmark password"
SEGMENTS = ("reward", "healthy", "educate", "reprice", "part_ways")
PLANS = ("vps-1", "vps-2", "web-1", "storage")
FLAGS = ("heavy_load", "abusive_language", "manual_orders", "idle")


def build(root: Path) -> list[str]:
    rng = random.Random(16)
    project = Project.init(root)
    ids = [f"C-{i:06d}" for i in range(CUSTOMERS)]
    data = root.parent / f"customers-{os.getpid()}.csv"
    with data.open("w", encoding="utf-8") as f:
        f.write("customer_id,name,signup_at,status,plan,country,email,currency\n")
        for i, cid in enumerate(ids):
            f.write(f"{cid},Org {i},2023-01-01 00:00:00,active,{PLANS[i % 4]},"
                    f"{('DE', 'FR', 'US')[i % 3]},billing{i}@org{i}.example,USD\n")
    project.ingest.import_file("customers", data)
    # what the customer page reads from the warehouse: tickets (service levels, trend) and
    # usage (against plan peers), a few rows per customer
    tickets = root.parent / f"tickets-{os.getpid()}.csv"
    with tickets.open("w", encoding="utf-8") as f:
        f.write("ticket_id,customer_id,opened_at,first_response_at,closed_at,priority,"
                "staff_minutes\n")
        for i, cid in enumerate(ids):
            for k in range(TICKETS):
                month, day = 1 + (i + k) % 12, 1 + k * 7
                f.write(f"T-{i}-{k},{cid},2025-{month:02d}-{day:02d} 09:00:00,"
                        f"2025-{month:02d}-{day:02d} {10 + k % 8:02d}:00:00,"
                        f"2025-{month:02d}-{day + 1:02d} 09:00:00,normal,{10 + k * 5}\n")
    project.ingest.import_file("tickets", tickets)
    usage = root.parent / f"usage-{os.getpid()}.csv"
    with usage.open("w", encoding="utf-8") as f:
        f.write("customer_id,service_id,period_start,metric,quantity,allowance\n")
        for i, cid in enumerate(ids):
            for m in range(1, USAGE_MONTHS + 1):
                f.write(f"{cid},S-{i},2025-{m:02d}-01 00:00:00,egress_gb,"
                        f"{rng.uniform(10, 900):.1f},1000\n")
    project.ingest.import_file("usage", usage)
    now = datetime(2026, 1, 1)
    rows, flags = [], []
    for i, cid in enumerate(ids):
        revenue = rng.uniform(0, 5000)
        cost = rng.uniform(0, 3000)
        card = {"plan": PLANS[i % 4], "revenue": f"{revenue:.2f}",
                "cost_to_serve": f"{cost:.2f}", "profit": f"{revenue - cost:.2f}",
                "margin": (revenue - cost) / revenue if revenue else None,
                "tickets": rng.randint(0, 40), "support_cost": f"{cost / 2:.2f}",
                "usage_cost": f"{cost / 2:.2f}", "support_minutes": 30.0}
        rows.append({"customer_id": cid, "name": f"Org {i}", "score": rng.uniform(0, 100),
                     "segment": SEGMENTS[i % 5], "reason": "benchmark row",
                     "components": {"profitability": 1.0, "support_load": 1.0,
                                    "behaviour": 0.0, "tenure": 0.5,
                                    "payment_reliability": 1.0},
                     "scorecard": card,
                     **indexed_fields(card, ("DE", "FR", "US")[i % 3])})
        if i % 7 == 0:
            flags.append({"customer_id": cid, "code": FLAGS[i % 4], "severity": "medium",
                          "detail": "benchmark flag",
                          "evidence": [{"kind": "invoice", "id": f"INV-{i}"}]})
    with project.state.session() as s:
        snap = ScoreSnapshot(created_at=now, label="bench", config_hash="bench", as_of=now,
                             since=datetime(2025, 1, 1), until=now, customers=CUSTOMERS,
                             segments={})
        s.add(snap)
        s.flush()
        # bulk inserts: building 100k ORM objects would dwarf what is measured
        s.execute(insert(SnapshotCustomer), [{**r, "snapshot_id": snap.id} for r in rows])
        s.execute(insert(SnapshotFlag), [{**f, "snapshot_id": snap.id} for f in flags])
    project.actions.add_user("bench", "owner", password=PASSWORD)
    project.close()
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process and its children (the server's workers) have used
    so far (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def load(url: str, cookies: httpx.Cookies, paths: list[str], server: int, think: float
         ) -> dict[str, object]:
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    started = time.monotonic()
    stop = started + SECONDS
    count = [0]
    cpu0 = cpu_seconds(server)

    def user(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        with httpx.Client(base_url=url, cookies=cookies, timeout=30) as c:
            if think:  # users arrive spread over one think time, as people do, not all in
                time.sleep(rng.uniform(0, think))  # the same millisecond (a burst of 50)
            while time.monotonic() < stop:
                with lock:
                    if count[0] >= MAX_REQUESTS:
                        return
                    count[0] += 1
                t0 = time.perf_counter()
                try:
                    r = c.get(rng.choice(paths))
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = (time.perf_counter() - t0) * 1000
                with lock:
                    times.append(dt)
                    errors += 0 if ok else 1
                if think:
                    time.sleep(rng.uniform(0.5, 1.5) * think)  # around think, not in step

    threads = [threading.Thread(target=user, args=(i,)) for i in range(USERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(server) - cpu0
    n = max(1, len(times))
    return {"requests": len(times), "errors": errors, "p50": percentile(times, 50),
            "p95": percentile(times, 95), "p99": percentile(times, 99),
            "rate": len(times) / elapsed, "server_cpu_ms": cpu * 1000 / n}


def report(think: float, results: dict[str, Any]) -> None:
    floor = float(results["static"]["p95"])
    mode = (f"each waiting ~{think:g}s between requests" if think
            else "closed loop (no wait between requests)")
    print(f"\n{USERS} concurrent users, {mode}, {WORKERS} server worker(s), up to "
          f"{SECONDS:.0f}s or {MAX_REQUESTS} requests per page; machine load average "
          f"{results['load_average']:.1f} on {os.cpu_count()} CPUs")
    print(f"{'page':<18}{'requests':>9}{'req/s':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}{'p95/static':>12}{'server CPU ms/req':>19}")
    for name in ("static", "customers table", "customer page"):
        r = results[name]
        print(f"{name:<18}{r['requests']:>9}{r['rate']:>8.1f}{r['errors']:>8}{r['p50']:>9.1f}"
              f"{r['p95']:>9.1f}{r['p99']:>9.1f}{float(r['p95']) / floor:>12.1f}"
              f"{r['server_cpu_ms']:>19.1f}")
    if think:
        worst = max(float(results[n]["p95"]) for n in ("customers table", "customer page"))
        errors = sum(int(results[n]["errors"]) for n in results if n != "load_average")
        met = worst <= TARGET_MS and errors == 0
        print(f"target: table and customer page p95 <= {TARGET_MS:.0f} ms, 0 errors: "
              f"{'met' if met else 'NOT met'} (worst p95 {worst:.0f} ms, {errors} errors)")


def main() -> None:
    keep = os.environ.get("GOODFIT_BENCH_PROJECT")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(keep) / "project" if keep else Path(tmp) / "project"
        t0 = time.perf_counter()
        if (root / "goodfit.toml").exists():
            ids = [f"C-{i:06d}" for i in range(CUSTOMERS)]
            print(f"reusing the {CUSTOMERS:,}-customer project in {root}")
        else:
            root.parent.mkdir(parents=True, exist_ok=True)
            ids = build(root)
            print(f"built a {CUSTOMERS:,}-customer snapshot in {time.perf_counter() - t0:.1f}s")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "goodfit", "serve", "-p", str(root),
             "--port", str(port), "--insecure-cookies", "--workers", str(WORKERS)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")})
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    httpx.get(f"{url}/login", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.3)
            with httpx.Client(base_url=url, timeout=300) as c:
                token = c.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
                c.post("/login", data={"name": "bench", "password": PASSWORD, "csrf": token})
                cookies = c.cookies
                c.get("/customers")  # the first request reads the choices once
                # the first customer page of a snapshot reads every customer's service
                # levels and monthly trend once (each worker starts reading them when it
                # starts, so this is what is left of that wait); then each page slices
                # them, timed apart
                t1 = time.perf_counter()
                c.get(f"/customers/{ids[0]}")
                first_page = time.perf_counter() - t1
            # every worker reads the per-customer figures once when it starts: wait until
            # the server is idle (all of them done) so the runs measure serving, not that
            t2 = time.perf_counter()
            while time.perf_counter() - t2 < 120:
                before = cpu_seconds(server.pid)
                time.sleep(1.0)
                if cpu_seconds(server.pid) - before < 0.05:
                    break
            settle = time.perf_counter() - t2
            rng = random.Random(1)
            pages = max(1, CUSTOMERS // 50)
            table = [f"/customers?sort={s}&desc={d}&page={rng.randint(1, pages)}"
                     + (f"&segment={rng.choice(SEGMENTS)}" if rng.random() < 0.3 else "")
                     for s, d in ((rng.choice(["profit", "revenue", "name", "score"]),
                                   rng.choice(["true", "false"])) for _ in range(200))]
            customer = [f"/customers/{rng.choice(ids)}" for _ in range(200)]
            pid = server.pid
            runs = {think: {"static": load(url, cookies, ["/static/goodfit.css"], pid, think),
                            "customers table": load(url, cookies, table, pid, think),
                            "customer page": load(url, cookies, customer, pid, think),
                            "load_average": os.getloadavg()[0]}
                    for think in THINKS}
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    for think, results in runs.items():
        report(think, results)
    print(f"first customer page after the server answered (each worker reads the "
          f"per-customer figures once, from its start): {first_page * 1000:,.0f} ms")
    print(f"then waited {settle:.1f}s for the server to be idle (the other workers "
          "reading those figures) before the runs")
    print("req/s: the offered request rate (requests answered / seconds run); server CPU: "
          "the server process's user+system CPU over the run / requests")
    print(json.dumps({"customers": CUSTOMERS, "users": USERS, "workers": WORKERS,
                      "first_customer_page_seconds": first_page, "settle_seconds": settle,
                      "runs": {f"think {t:g}s": r for t, r in runs.items()}}, default=float))


if __name__ == "__main__":
    main()
