"""Connector sync benchmark: Stripe-shaped customers and charges through ``goodfit sync``
(HTTP paging from a local replay server, staging, import) vs importing the same rows from
Parquet files with ``goodfit import`` (the floor: no HTTP, no mapping).

    PYTHONPATH=src:. python benchmarks/connector_sync_bench.py [--customers 5000] [--charges 20000]

Prints rows/s for each, the sync's time as a ratio of the file import, and peak RSS.
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE.parent)]

from tests.connectors.conftest import FAST  # noqa: E402
from tests.connectors.fakes import STRIPE_KEY, stripe_api, stripe_data  # noqa: E402
from tests.connectors.replay import serve  # noqa: E402

from goodfit.project import Project  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--charges", type=int, default=20000)
    args = ap.parse_args()
    data = stripe_data()
    cust, charge = data["customers"][0], data["charges"][0]
    data.update(customers=[], charges=[], subscriptions=[], invoices=[], refunds=[],
                disputes=[])
    for i in range(args.customers):
        c = copy.deepcopy(cust)
        c.update(id=f"cus_{i:07d}", created=1_680_000_000 + i)
        data["customers"].append(c)
    for i in range(args.charges):
        ch = copy.deepcopy(charge)
        ch.update(id=f"ch_{i:07d}", customer=f"cus_{i % args.customers:07d}",
                  created=1_690_000_000 + i)
        data["charges"].append(ch)
    os.environ["GOODFIT_PAY_TOKEN"] = STRIPE_KEY
    with tempfile.TemporaryDirectory() as tmp, serve(stripe_api(data)) as api:
        root = Path(tmp)
        synced = Project.init(root / "synced")
        synced.connect_add("pay", "stripe", api.url)
        t0 = time.monotonic()
        [result] = synced.sync("pay", policy=FAST)
        sync_s = time.monotonic() - t0
        rows = sum(result.fetched.values())
        # the baseline: the same canonical rows as files, imported directly
        files = root / "files"
        files.mkdir()
        for table in ("customers", "contacts", "payments"):
            synced.warehouse.table(table).to_parquet(files / f"{table}.parquet")
        synced.close()
        imported = Project.init(root / "imported")
        t0 = time.monotonic()
        imported.import_directory(files)
        import_s = time.monotonic() - t0
        imported.close()
    print(f"sync:   {rows:,} rows in {sync_s:.2f} s ({rows / sync_s:,.0f} rows/s, "
          f"{result.requests} HTTP requests)")
    print(f"import: {rows:,} rows in {import_s:.2f} s ({rows / import_s:,.0f} rows/s)")
    print(f"sync / import: {sync_s / import_s:.1f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
