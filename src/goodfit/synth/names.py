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


_SUFFIXES: dict[str, tuple[str, ...]] = {
    "USD": ("Inc", "LLC", "Group", "Co", "Labs", "Partners", "Studio", "Systems"),
    "EUR": ("GmbH", "AG", "KG", "GmbH & Co. KG", "Digital", "Media", "IT-Service", "Systeme"),
    "GBP": ("Ltd", "PLC", "LLP", "Digital", "Media", "Consulting", "& Sons", "Solutions"),
}
_TRADES: tuple[str, ...] = ("Web", "Hosting", "Design", "Data", "Cloud", "Print", "Shop",
                            "Travel", "Dental", "Legal", "Games", "Photo", "Garden", "Auto")


@dataclass(frozen=True)
class Pool:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    phones: tuple[str, ...]
    suffixes: tuple[str, ...]
    tld: str

    def person(self, r: random.Random) -> str:
        return f"{r.choice(self.first_names)} {r.choice(self.last_names)}"

    def company(self, r: random.Random) -> str:
        last, other = r.choice(self.last_names), r.choice(self.last_names)
        style = r.random()
        if style < 0.45:
            return f"{last} {r.choice(self.suffixes)}"
        if style < 0.7:
            return f"{last} & {other} {r.choice(self.suffixes)}"
        if style < 0.9:
            return f"{last} {r.choice(_TRADES)}"
        return f"{r.choice(_TRADES)}{r.choice(_TRADES).lower()} {r.choice(self.suffixes)}"


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    words = [w for w in words if w not in ("and", "und", "inc", "llc", "ltd", "plc", "gmbh",
                                           "co", "kg", "ag", "group", "the", "llp")]
    return "-".join(words[:2]) or "example"


def build_pools(seed: int, size: int = 400) -> dict[str, Pool]:
    """Distinct first and last names per locale; people and companies combine them."""
    pools = {}
    for i, (currency, (locale, tld)) in enumerate(_LOCALES.items()):
        fake = Faker(locale)
        fake.seed_instance(seed * 7 + i)
        pools[currency] = Pool(
            first_names=tuple(dict.fromkeys(fake.first_name() for _ in range(size))),
            last_names=tuple(dict.fromkeys(fake.last_name() for _ in range(size))),
            phones=tuple(fake.phone_number() for _ in range(size // 4)),
            suffixes=_SUFFIXES[currency],
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
