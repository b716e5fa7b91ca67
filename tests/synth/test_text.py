"""Ticket text is varied, human-looking, and carries (noisy) signal for a classifier."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from goodfit.synth import generate


def _customer_bodies(db, where: str = "true") -> list[tuple[str, str]]:
    return db.execute(f"""
        SELECT p.persona, m.body FROM messages m JOIN tickets t USING (ticket_id)
        JOIN persona p USING (customer_id) WHERE m.author_role = 'customer' AND {where}
    """).fetchall()


def test_customer_messages_are_almost_all_distinct(tmp_path: Path) -> None:
    summary = generate(tmp_path / "p", customers=200, months=12, seed=5)
    import duckdb

    bodies = [b for (b,) in duckdb.sql(
        f"SELECT body FROM read_parquet('{summary.out}/messages.parquet') "
        "WHERE author_role = 'customer'").fetchall()]
    assert len(bodies) >= 300
    assert len(set(bodies)) / len(bodies) > 0.9


def test_no_persona_speaks_in_one_sentence(db) -> None:
    first = db.execute("""
        SELECT p.persona, t.subject, m.body FROM messages m JOIN tickets t USING (ticket_id)
        JOIN persona p USING (customer_id)
        WHERE m.author_role = 'customer' AND m.sent_at = t.opened_at""").fetchall()
    by_persona: dict[str, list[tuple[str, str]]] = {}
    for persona, subject, body in first:
        by_persona.setdefault(persona, []).append((subject, body))
    assert set(by_persona) >= {"normal", "hand_holder", "priority_abuser", "abusive",
                               "bandwidth_hog", "payment_trouble", "manual_orderer"}
    for persona, tickets in by_persona.items():
        if len(tickets) < 30:
            continue
        bodies = [b for _, b in tickets]
        assert len(set(bodies)) / len(bodies) > 0.9, persona
        # the sentence that carries the request: many different ones per persona
        cores = {_core(b) for b in bodies}
        assert len(cores) >= 15, (persona, len(cores))
        assert len({s for s, _ in tickets}) >= 10, persona


def _core(body: str) -> str:
    """The first line that is not a greeting, cut at its first sentence end."""
    lines = [ln for ln in body.splitlines() if ln.strip()]
    text = lines[1] if len(lines) > 1 and lines[0].rstrip().endswith(",") else lines[0]
    return re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0].lower()


def test_messages_look_like_email(db) -> None:
    bodies = [b for _, b in _customer_bodies(db)]
    n = len(bodies)
    quoted = sum(1 for b in bodies if "\n> " in b)
    header = sum(1 for b in bodies if re.search(r"^On \w{3}, \d+ \w{3} \d{4} at .* wrote:$", b,
                                                re.M))
    phone = sum(1 for b in bodies if "Sent from my" in b)
    dashes = sum(1 for b in bodies if "\n--\n" in b)
    assert quoted / n >= 0.05 and header >= 50 and phone >= 50 and dashes >= 50
    # typos: words that are a known word with two letters swapped or one dropped
    vocabulary = Counter(w for b in bodies for w in re.findall(r"[a-z]{5,}", b))
    typos = [w for w, c in vocabulary.items() if c <= 3 and (
        any(w[:i] + w[i + 1] + w[i] + w[i + 2:] in vocabulary and
            vocabulary[w[:i] + w[i + 1] + w[i] + w[i + 2:]] > 20 for i in range(len(w) - 1)))]
    assert len(typos) >= 10
    staff = [b for (b,) in db.execute(
        "SELECT body FROM messages WHERE author_role = 'staff'").fetchall()]
    assert all(re.match(r"(Hi|Hello|Dear)\b", b) for b in staff)


def test_ticket_text_carries_the_reason_with_some_noise(db) -> None:
    rows = db.execute("""
        SELECT t.resolution_code, lower(t.subject || ' ' || m.body) FROM tickets t
        JOIN messages m USING (ticket_id)
        WHERE m.sent_at = t.opened_at AND m.author_role = 'customer'
          AND t.resolution_code IN ('network_event', 'hardware_event', 'documentation')""").fetchall()
    network = re.compile(r"packet|unreachable|ping|latency|timeout|traceroute|connect|reach")
    hardware = re.compile(r"disk|i/o|raid|crash|kernel|memory|smart|sector|reboot|read-only")

    def share(code: str, pattern: re.Pattern[str]) -> float:
        texts = [text for c, text in rows if c == code]
        assert len(texts) >= 30, code
        return sum(1 for text in texts if pattern.search(text)) / len(texts)

    assert 0.6 <= share("network_event", network) < 1.0  # signal, and some noise
    assert 0.6 <= share("hardware_event", hardware) < 1.0
    assert share("documentation", network) <= 0.3
    assert share("documentation", hardware) <= 0.3
