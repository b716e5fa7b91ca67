"""The commit-reveal draw: deterministic, verifiable, and tamper-evident."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from goodfit.actions import draw
from goodfit.errors import ActionError

DOC = Path(__file__).resolve().parents[2] / "docs" / "rewards.md"
SEED = "00" * 32
IDS = ["C-3", "C-1", "C-10", "C-2", "C-1"]


def reference_snippet() -> dict[str, Any]:
    """The standalone implementation in docs/rewards.md, run exactly as written."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    code = next(b for b in blocks if "def goodfit_draw" in b)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


def test_the_list_is_sorted_distinct_and_newline_terminated() -> None:
    assert draw.canonical_list(IDS) == b"C-1\nC-10\nC-2\nC-3\n"
    assert draw.canonical_list([]) == b""
    with pytest.raises(ActionError):
        draw.canonical_list(["C-1\nC-2"])


def test_first_winner_worked_by_hand() -> None:
    data = b"A\nB\nC\n"
    list_hash = hashlib.sha256(data).hexdigest()
    h = int.from_bytes(hashlib.sha256(f"{SEED}:{list_hash}:0".encode()).digest(), "big")
    assert h < 2**256 - (2**256 % 3)  # accepted (rejection has probability < 2^-254)
    assert draw.pick_winners(SEED, data, 1) == [["A", "B", "C"][h % 3]]


def test_same_seed_and_list_give_the_same_winners() -> None:
    data = draw.canonical_list([f"C-{i}" for i in range(50)])
    first = draw.pick_winners(SEED, data, 5)
    assert first == draw.pick_winners(SEED, data, 5)
    assert len(set(first)) == 5
    assert draw.pick_winners("11" * 32, data, 5) != first
    assert draw.pick_winners(SEED, data, 50)[:5] == first  # more winners extend the order
    assert sorted(draw.pick_winners(SEED, data, 99)) == sorted(draw.parse_list(data))


def test_every_id_is_about_equally_likely() -> None:
    data = draw.canonical_list(["A", "B", "C"])
    wins = Counter(draw.pick_winners(f"{i:064x}", data, 1)[0] for i in range(3000))
    assert all(800 < wins[x] < 1200 for x in "ABC"), wins


def test_the_reference_snippet_in_the_docs_agrees_with_goodfit(tmp_path: Path) -> None:
    ref = reference_snippet()
    for n, k in ((1, 1), (7, 3), (200, 10), (5, 9)):
        data = draw.canonical_list([f"C-{i}" for i in range(n)])
        for seed in (SEED, draw.new_seed()):
            assert ref["goodfit_draw"](seed, data, k) == draw.pick_winners(seed, data, k)
    d = tmp_path / "d"
    _, seed = draw.commit(d, 1, [f"C-{i}" for i in range(20)], 4, "2025-01-01T00:00:00")
    assert not (d / draw.REVEAL_FILE).exists()
    draw.reveal(d, seed, "2025-01-02T00:00:00")
    assert ref["verify_folder"](str(d)) is True
    (d / draw.LIST_FILE).write_bytes(b"C-0\n")
    assert ref["verify_folder"](str(d)) is False


def _committed_and_drawn(tmp_path: Path) -> Path:
    d = tmp_path / "draw"
    c, seed = draw.commit(d, 7, [f"C-{i}" for i in range(30)], 3, "2025-01-01T00:00:00")
    assert c.seed_sha256 == hashlib.sha256(seed.encode()).hexdigest()
    assert json.loads((d / draw.COMMITMENT_FILE).read_text())["seed_sha256"] == c.seed_sha256
    assert seed not in (d / draw.COMMITMENT_FILE).read_text()
    draw.reveal(d, seed, "2025-01-02T00:00:00")
    return d


def test_verification_passes_on_untouched_artefacts(tmp_path: Path) -> None:
    d = _committed_and_drawn(tmp_path)
    v = draw.verify(d)
    assert v.ok and v.problems == ()
    assert list(v.winners) == json.loads((d / draw.REVEAL_FILE).read_text())["winners"]


def test_verification_fails_if_the_list_was_altered(tmp_path: Path) -> None:
    d = _committed_and_drawn(tmp_path)
    (d / draw.LIST_FILE).write_bytes((d / draw.LIST_FILE).read_bytes().replace(b"C-13\n", b""))
    v = draw.verify(d)
    assert not v.ok
    assert any("does not match the committed hash" in p for p in v.problems)


def test_verification_fails_if_the_seed_was_altered(tmp_path: Path) -> None:
    d = _committed_and_drawn(tmp_path)
    reveal = json.loads((d / draw.REVEAL_FILE).read_text())
    reveal["seed"] = "ff" + reveal["seed"][2:]
    (d / draw.REVEAL_FILE).write_text(json.dumps(reveal))
    v = draw.verify(d)
    assert not v.ok
    assert any("seed does not match" in p for p in v.problems)


def test_verification_fails_if_the_winners_were_altered(tmp_path: Path) -> None:
    d = _committed_and_drawn(tmp_path)
    reveal = json.loads((d / draw.REVEAL_FILE).read_text())
    others = [x for x in draw.parse_list((d / draw.LIST_FILE).read_bytes())
              if x not in reveal["winners"]]
    reveal["winners"][0] = others[0]
    (d / draw.REVEAL_FILE).write_text(json.dumps(reveal))
    assert any("differ from the recomputed" in p for p in draw.verify(d).problems)


def test_a_wrong_seed_is_refused_at_draw_time(tmp_path: Path) -> None:
    d = tmp_path / "d"
    draw.commit(d, 1, ["A", "B"], 1, "2025-01-01T00:00:00")
    with pytest.raises(ActionError, match="does not match the published seed hash"):
        draw.reveal(d, SEED, "2025-01-02T00:00:00")


def test_a_missing_artefact_is_a_clear_error(tmp_path: Path) -> None:
    d = tmp_path / "d"
    draw.commit(d, 1, ["A", "B"], 1, "2025-01-01T00:00:00")
    with pytest.raises(ActionError, match="reveal.json is missing"):
        draw.verify(d)
