"""``generate``: write a realistic synthetic provider as Parquet files, one per table.

Customers are made in batches; each batch has its own random streams derived from
(seed, batch number), so a run is reproducible byte for byte and never depends on the
clock. Rows are appended to Parquet writers batch by batch, so memory stays flat.
"""

from __future__ import annotations

import calendar
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from goodfit import csvsafe
from goodfit.errors import SynthError
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.synth.customer import Calendar, Counters, billing, make_account, usage_and_costs
from goodfit.synth.kb import article_url, build_articles
from goodfit.synth.names import build_pools
from goodfit.synth.personas import BEHAVIOURS, DEFAULT_MIX, PERSONAS, check_mix
from goodfit.synth.tickets import TicketMaker
from goodfit.synth.writer import ProviderWriter

BATCH = 2_000
# Customer-months per batch: long histories get smaller batches so memory stays flat.
BATCH_CUSTOMER_MONTHS = 48_000
DEFAULT_END = date(2026, 10, 31)


@dataclass(frozen=True)
class SynthSummary:
    out: Path
    customers: int
    months: int
    seed: int
    rows: dict[str, int]
    personas: dict[str, int]
    seconds: float = field(compare=False, default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "customers": self.customers, "months": self.months,
                "seed": self.seed, "rows": self.rows, "personas": self.personas,
                "seconds": round(self.seconds, 2)}


def month_calendar(end: date, months: int) -> Calendar:
    """The ``months`` whole months ending with the month of ``end``."""
    starts = []
    year, month = end.year, end.month
    for _ in range(months):
        starts.append(calendar.timegm((year, month, 1, 0, 0, 0)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    last = calendar.timegm((end.year, end.month, end.day, 23, 59, 59))
    return Calendar(sorted(starts), last)


def generate(out: Path, *, customers: int, months: int, seed: int, end: date = DEFAULT_END,
             mix: Mapping[str, float] | None = None, batch_size: int | None = None,
             progress: Progress = NO_PROGRESS) -> SynthSummary:
    """Write OUT/<table>.parquet for every canonical table plus ground_truth/ and README.txt."""
    if customers < 1 or months < 1:
        raise SynthError(f"cannot make {customers} customers over {months} months: "
                         "both must be at least 1")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SynthError(f"{out} exists and is not a folder; give a folder to write into")
    started = time.perf_counter()
    if batch_size is None:
        batch_size = max(50, min(BATCH, BATCH_CUSTOMER_MONTHS // months))
    try:
        weights = check_mix(dict(mix or DEFAULT_MIX))
    except ValueError as exc:
        raise SynthError(f"persona mix: {exc}") from None
    truth_dir = out / "ground_truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    cal = month_calendar(end, months)
    pools = build_pools(seed)
    articles = build_articles()
    writer = ProviderWriter(out)
    for article in articles:
        writer["kb_articles"].add((article.article_id, article.title, article.body,
                                   article_url(article.article_id), article.tags))
    ids = Counters()
    persona_counts = dict.fromkeys(PERSONAS, 0)
    with open(truth_dir / "personas.csv", "w", newline="", encoding="utf-8") as pf, \
            open(truth_dir / "tickets.csv", "w", newline="", encoding="utf-8") as tf:
        personas_csv = csvsafe.writer(pf)
        personas_csv.writerow(("customer_id", "persona"))
        tickets_csv = csvsafe.writer(tf)
        tickets_csv.writerow(("ticket_id", "customer_id", "intent", "resolution_code",
                              "article_id"))
        done = 0
        for batch_no, first in enumerate(range(0, customers, batch_size)):
            n = min(batch_size, customers - first)
            rng = np.random.Generator(np.random.PCG64([seed, batch_no]))
            r = random.Random(int(rng.integers(2**62)))
            kinds = rng.choice(len(PERSONAS), size=n, p=weights)
            spread = np.array([BEHAVIOURS[p].ticket_spread for p in PERSONAS])[kinds]
            # lognormal with mean 1 within each persona: heterogeneity makes the heavy tail
            load = np.exp(rng.normal(-spread**2 / 2, spread))
            usage_level = np.array([BEHAVIOURS[p].usage_level for p in PERSONAS])[kinds] * \
                np.exp(rng.normal(0.0, 0.5, size=n))
            truth: list[tuple[Any, ...]] = []
            tickets = TicketMaker(r, cal, ids, writer, articles, truth)
            for i in range(n):
                persona = PERSONAS[int(kinds[i])]
                customer_id = f"C-{first + i + 1:06d}"
                account = make_account(r, customer_id, persona, pools, cal, ids, writer)
                billing(r, account, cal, ids, writer)
                usage_and_costs(r, account, cal, float(min(usage_level[i], 40.0)), writer)
                tickets.for_account(account, float(load[i]))
                personas_csv.writerow((customer_id, persona))
                persona_counts[persona] += 1
            tickets_csv.writerows(truth)
            writer.flush()
            done += n
            progress("synth", done, customers)
    rows = writer.close()
    _readme(out, customers, months, seed, end, rows, persona_counts)
    return SynthSummary(out, customers, months, seed, rows, persona_counts,
                        time.perf_counter() - started)


def _readme(out: Path, customers: int, months: int, seed: int, end: date,
            rows: dict[str, int], personas: dict[str, int]) -> None:
    lines = [
        "Synthetic provider generated by goodfit (goodfit synth).",
        "",
        "Every customer, invoice, ticket and message here is made up; names come from Faker.",
        f"Customers: {customers}; months: {months} ending {end.isoformat()}; seed: {seed}.",
        "The same seed and sizes give byte-identical files.",
        "",
        "Import with: goodfit import FOLDER (this folder).",
        "",
        "Tables:",
        *(f"  {name}.parquet  {count} rows" for name, count in rows.items()),
        "",
        "ground_truth/ holds the answers, for evaluating goodfit only (never import it):",
        "  personas.csv  customer_id, persona",
        "  tickets.csv   ticket_id, customer_id, intent, true resolution_code, KB article",
        "",
        "Personas:",
        *(f"  {name}: {count}" for name, count in personas.items()),
        "",
    ]
    (out / "README.txt").write_text("\n".join(lines), encoding="utf-8")
