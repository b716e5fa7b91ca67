"""A draw anyone can verify: commit to the list and a secret seed, then reveal.

1. **commit**: publish ``eligible.txt`` (the eligible customer ids, sorted, one per
   line) with its SHA-256, and the SHA-256 of a secret seed. From then on neither the
   list nor the seed can change without the published hashes giving it away.
2. **draw**: reveal the seed; the winners follow from seed + list alone.
3. **verify**: anyone recomputes the winners from the three published files.

The algorithm ("goodfit-draw-v1", documented in docs/rewards.md with a standalone
reference implementation)::

    list_hash = hex(SHA-256(eligible.txt bytes))
    remaining = the ids in file order; counter = 0
    while fewer than k winners:
        h = int(SHA-256(ascii(f"{seed}:{list_hash}:{counter}")), big-endian)
        counter += 1
        n = len(remaining)
        if h >= 2**256 - (2**256 % n): continue          # rejection: no modulo bias
        winners.append(remaining.pop(h % n))

Everything here is pure: values in, values (and files) out.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodfit.errors import ActionError

ALGORITHM = "goodfit-draw-v1"
LIST_FILE = "eligible.txt"
COMMITMENT_FILE = "commitment.json"
REVEAL_FILE = "reveal.json"
_SPACE = 2**256


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_list(customer_ids: Sequence[str]) -> bytes:
    """Sorted (by Unicode code point), de-duplicated ids, each line ending in a newline."""
    ids = sorted(set(customer_ids))
    for cid in ids:
        if not cid or "\n" in cid or "\r" in cid:
            raise ActionError(f"customer id {cid!r} cannot be published in a draw list")
    return "".join(f"{cid}\n" for cid in ids).encode("utf-8")


def parse_list(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    return text.split("\n")[:-1] if text else []


def new_seed() -> str:
    """32 random bytes as 64 lowercase hex characters."""
    return secrets.token_hex(32)


def pick_winners(seed: str, list_bytes: bytes, k: int) -> list[str]:
    """The winners, in draw order, for ``seed`` and the published list."""
    list_hash = sha256_hex(list_bytes)
    remaining = parse_list(list_bytes)
    winners: list[str] = []
    counter = 0
    while len(winners) < k and remaining:
        digest = hashlib.sha256(f"{seed}:{list_hash}:{counter}".encode("ascii")).digest()
        counter += 1
        h = int.from_bytes(digest, "big")
        n = len(remaining)
        if h >= _SPACE - (_SPACE % n):
            continue  # rejected so every remaining id has exactly the same chance
        winners.append(remaining.pop(h % n))
    return winners


@dataclass(frozen=True)
class Commitment:
    draw_id: int
    list_sha256: str
    seed_sha256: str
    winners: int  # how many will be drawn
    eligible: int  # how many ids the list holds
    committed_at: str
    algorithm: str = ALGORITHM

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def commit(directory: Path, draw_id: int, customer_ids: Sequence[str], winners: int,
           committed_at: str, seed: str | None = None) -> tuple[Commitment, str]:
    """Write eligible.txt and commitment.json; return the commitment and the secret seed."""
    seed = seed or new_seed()
    data = canonical_list(customer_ids)
    c = Commitment(draw_id, sha256_hex(data), sha256_hex(seed.encode("ascii")), winners,
                   len(parse_list(data)), committed_at)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / LIST_FILE).write_bytes(data)
    (directory / COMMITMENT_FILE).write_text(_json(c.to_dict()), encoding="utf-8")
    return c, seed


def reveal(directory: Path, seed: str, drawn_at: str) -> list[str]:
    """Check the seed against the commitment, draw, and write reveal.json."""
    c = _read_json(directory / COMMITMENT_FILE)
    if sha256_hex(seed.encode("ascii")) != c["seed_sha256"]:
        raise ActionError("the seed does not match the published seed hash; refusing to draw")
    data = (directory / LIST_FILE).read_bytes()
    if sha256_hex(data) != c["list_sha256"]:
        raise ActionError(f"{LIST_FILE} changed since it was committed; refusing to draw")
    winners = pick_winners(seed, data, int(c["winners"]))
    (directory / REVEAL_FILE).write_text(_json({
        "draw_id": c["draw_id"], "seed": seed, "winners": winners, "drawn_at": drawn_at,
        "algorithm": ALGORITHM}), encoding="utf-8")
    return winners


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]
    winners: tuple[str, ...]  # recomputed from the artefacts
    list_sha256: str
    seed_sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": list(self.problems), "winners": list(self.winners),
                "list_sha256": self.list_sha256, "seed_sha256": self.seed_sha256}


def verify(directory: Path) -> Verification:
    """Recompute the winners from eligible.txt, commitment.json and reveal.json alone."""
    for name in (LIST_FILE, COMMITMENT_FILE, REVEAL_FILE):
        if not (directory / name).is_file():
            raise ActionError(f"{directory / name} is missing: a verification needs "
                              f"{LIST_FILE}, {COMMITMENT_FILE} and {REVEAL_FILE}")
    data = (directory / LIST_FILE).read_bytes()
    c = _read_json(directory / COMMITMENT_FILE)
    r = _read_json(directory / REVEAL_FILE)
    problems = []
    list_hash = sha256_hex(data)
    seed = str(r.get("seed", ""))
    seed_hash = sha256_hex(seed.encode("utf-8"))
    if c.get("algorithm") != ALGORITHM:
        problems.append(f"unknown algorithm {c.get('algorithm')!r} (this is {ALGORITHM})")
    if list_hash != c.get("list_sha256"):
        problems.append(f"{LIST_FILE} does not match the committed hash "
                        f"(file {list_hash[:12]}…, committed {str(c.get('list_sha256'))[:12]}…)")
    if data != canonical_list(parse_list(data)):
        problems.append(f"{LIST_FILE} is not a sorted list of distinct ids, one per line")
    if seed_hash != c.get("seed_sha256"):
        problems.append("the revealed seed does not match the committed seed hash")
    recomputed = pick_winners(seed, data, int(c.get("winners", 0))) if seed.isascii() else []
    if recomputed != list(r.get("winners", [])):
        problems.append(f"the published winners {r.get('winners')} differ from the "
                        f"recomputed winners {recomputed}")
    return Verification(not problems, tuple(problems), tuple(recomputed), list_hash, seed_hash)


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ActionError(f"cannot read {path}: {exc}") from None
    if not isinstance(value, dict):
        raise ActionError(f"{path} is not a JSON object")
    return value
