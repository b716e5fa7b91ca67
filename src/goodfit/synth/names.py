"""Pools of people and company names drawn once with Faker, then sampled per customer.

Faker is slow (tens of microseconds per name), so a few thousand names per locale are made
up front from a Faker seeded with the run's seed, and customers draw from the pools.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from faker import Faker

_LOCALES: dict[str, tuple[str, str]] = {  # currency → (Faker locale, top-level domain)
    "USD": ("en_US", "com"), "EUR": ("de_DE", "de"), "GBP": ("en_GB", "co.uk"),
}
STAFF: tuple[str, ...] = ("sam", "alex", "maria", "jonas", "priya", "tom", "lea", "omar",
                          "kim", "noah", "ines", "david")


@dataclass(frozen=True)
class Pool:
    people: tuple[str, ...]
    companies: tuple[str, ...]
    phones: tuple[str, ...]
    tld: str


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    words = [w for w in words if w not in ("and", "und", "inc", "llc", "ltd", "plc", "gmbh",
                                           "co", "kg", "ag", "group", "the")]
    return "-".join(words[:2]) or "example"


def build_pools(seed: int, size: int = 1500) -> dict[str, Pool]:
    pools = {}
    for i, (currency, (locale, tld)) in enumerate(_LOCALES.items()):
        fake = Faker(locale)
        fake.seed_instance(seed * 7 + i)
        n = size if currency == "USD" else size // 2
        pools[currency] = Pool(
            people=tuple(f"{fake.first_name()} {fake.last_name()}" for _ in range(n)),
            companies=tuple(fake.company() for _ in range(n)),
            phones=tuple(fake.phone_number() for _ in range(n // 4)),
            tld=tld,
        )
    return pools


def email_for(person: str, domain: str, r: random.Random) -> str:
    parts = slug(person).split("-")
    first, last = parts[0], parts[-1]
    style = r.random()
    local = (f"{first}.{last}" if style < 0.5 else f"{first[0]}{last}" if style < 0.8
             else first)
    return f"{local}@{domain}"
