"""Text benchmark: tone scoring throughput (and, in its own section, KB matching).

    PYTHONPATH=src python benchmarks/text_bench.py [--messages 1000000] [--workers 2]

Prints messages per second for goodfit's tone scorer on synthetic customer messages, a
baseline measured in the same run (one lower-case + one compiled regex per message: the
least any lexicon scorer must do), their ratio, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sys
import time
from collections.abc import Callable

from goodfit.text.tone import ToneScorer, score_tone_batch

# Synthetic messages: mostly ordinary support text, some with tone, some quoted replies.
_OPENERS = ["Hi,", "Hello team,", "Good morning,", "Hey,", "", "Dear support,"]
_BODIES = [
    "my VPS at 203.0.113.{n} stopped answering ping around 02:00 UTC.",
    "the SSL certificate on shop{n}.example.com expired, can you renew it?",
    "we were charged twice for invoice INV-{n}, please refund one.",
    "ERROR 500 on /checkout since the deploy #{n}, logs attached.",
    "can you add a DNS TXT record for the domain verification code {n}?",
    "the nightly backup job {n} failed with exit code 2.",
    "please reset MFA for user{n}@example.com, new phone.",
    "disk usage on node{n} is at 97%, any idea what grew?",
    "this bug is killing me, kill -9 does not stop worker {n}.",
    "could you check why the cron job {n} runs twice? Happy to send logs.",
    "the invoice for March shows 12 seats, we only have {n} users.",
]
# About one message in ten carries some tone, as in a provider's real ticket history.
_TONED = [
    "still waiting for an answer on ticket {n}, it's been 3 days.",
    "your support is useless, this is the {n}th time I ask.",
    "fix it ASAP or I will file a chargeback!!!",
    "WHY IS THE SERVER DOWN AGAIN, ticket {n}",
    "what the fuck happened to my DNS records on zone {n}?",
]
_CLOSERS = ["Thanks!", "Best regards,\nSam", "", "Sent from my iPhone", "Cheers",
            "\n\nOn Mon, Support wrote:\n> We restarted the service, please check."]


def synthetic(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        body = _TONED if rnd.random() < 0.1 else _BODIES
        parts = [rnd.choice(_OPENERS), rnd.choice(body).format(n=i % 997)]
        if rnd.random() < 0.5:
            parts.append(rnd.choice(_BODIES).format(n=(i * 7) % 991))
        parts.append(rnd.choice(_CLOSERS))
        out.append(" ".join(p for p in parts if p))
    return out


def rate(fn: Callable[[list[str]], object], texts: list[str]) -> float:
    start = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - start)


def cpu_rate(fn: Callable[[list[str]], object], texts: list[str]) -> float:
    """Messages per CPU-second of this process: stable when other programs share the cores."""
    start = time.process_time()
    fn(texts)
    return len(texts) / (time.process_time() - start)


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(kb, children) / 1024  # Linux reports kilobytes


def tone_section(messages: int, workers: int) -> None:
    texts = synthetic(messages)
    scorer = ToneScorer()
    baseline_re = re.compile(r"\b(?:fuck\w*|idiots?|chargeback|asap)\b")

    def baseline(batch: list[str]) -> None:
        search = baseline_re.search
        for t in batch:
            search(t.lower())

    base = rate(baseline, texts)
    single = rate(scorer.score_many, texts)
    cpu = cpu_rate(scorer.score_many, texts)
    base_cpu = cpu_rate(baseline, texts)
    print(f"tone: {messages:,} synthetic messages; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"  baseline (lower + one regex)   {base:12,.0f} msgs/s")
    print(f"  goodfit tone, 1 process       {single:12,.0f} msgs/s  ({single / base:.3f}x baseline)")
    print(f"  per CPU-second: goodfit {cpu:,.0f} msgs, baseline {base_cpu:,.0f} msgs "
          f"({cpu / base_cpu:.3f}x); {1e6 / cpu:.1f} µs of CPU per message")
    if workers > 1:
        par = rate(lambda b: score_tone_batch(b, workers=workers), texts)
        print(f"  goodfit tone, {workers} processes     {par:12,.0f} msgs/s  ({par / base:.2f}x baseline)")
    print(f"  peak RSS {peak_rss_mb():,.0f} MB")


def kb_section() -> None:
    # KB matching throughput (tickets/s, target >= 5k) is measured by benchmarks/kb_bench.py.
    print("kb: see benchmarks/kb_bench.py")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    tone_section(args.messages, args.workers)
    kb_section()
    return 0


if __name__ == "__main__":
    sys.exit(main())
