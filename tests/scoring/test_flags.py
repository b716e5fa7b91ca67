"""Each flag: fires at its threshold with the rows behind it, stays silent just below."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from goodfit.config import Config
from goodfit.scoring.evidence import EvidenceRef, Flag, FlagWithoutEvidence, Severity
from goodfit.scoring.flags import compute_flags
from tests.scoring.builders import Provider

D = datetime(2025, 3, 3, 9, 0)


def flags_of(p: Provider, code: str, cfg: Config | None = None) -> dict[str, Flag]:
    return {f.customer_id: f for f in compute_flags(p.inputs(), cfg or Config())
            if f.code == code}


def ids(flag: Flag, kind: str) -> list[str]:
    return [e.id for e in flag.evidence if e.kind == kind]


def test_a_flag_without_evidence_cannot_exist() -> None:
    with pytest.raises(FlagWithoutEvidence):
        Flag("c1", "idle", Severity.INFO, (), "nothing")


def test_every_flag_raised_names_rows() -> None:
    p = Provider().customer("a", revenue=0, tickets=3, support_minutes=90)
    for i in range(3):
        p.ticket("a", D + timedelta(days=i), priority="urgent", resolution_code="documentation")
    p.invoice("a", D, 10)
    for f in compute_flags(p.inputs(), Config()):
        assert f.evidence, f.code


def test_priority_misuse_needs_three_misused_and_half_of_high_priority() -> None:
    cfg = Config()
    cfg.flags.priority_misuse.min_high_share = 0.0
    p = Provider().customer("a").customer("b")
    a = [p.ticket("a", D + timedelta(days=i), priority="urgent", resolution_code=code)
         for i, code in enumerate(["documentation", "information_request", "documentation",
                                   "hardware_event"])]
    # b: 3 misused of 7 high-priority tickets = 43% < 50%
    for i in range(7):
        p.ticket("b", D + timedelta(days=i), priority="high",
                 resolution_code="documentation" if i < 3 else "network_event")
    got = flags_of(p, "priority_misuse", cfg)
    assert set(got) == {"a"}
    assert ids(got["a"], "ticket") == a[:3]
    assert got["a"].detail.startswith("3 of 4 high/urgent tickets")


def test_predicted_resolution_codes_count_for_priority_misuse() -> None:
    p = Provider().customer("a")
    ts = [p.ticket("a", D + timedelta(days=i), priority="urgent") for i in range(3)]
    for t in ts:
        p.resolved(t, "information_request")
    assert ids(flags_of(p, "priority_misuse")["a"], "ticket") == ts


def test_impatience_counts_urgent_tickets_after_payment_and_rapid_followups() -> None:
    p = Provider().customer("a").customer("b")
    pay = p.payment("a", D)
    t1 = p.ticket("a", D + timedelta(minutes=20), priority="urgent")
    p.ticket("a", D + timedelta(minutes=200), priority="urgent")  # too late: not an event
    t2 = p.ticket("a", D + timedelta(days=1))
    p.message(t2, D + timedelta(days=1))
    f1 = p.message(t2, D + timedelta(days=1, minutes=5))  # follow-up 5 minutes later
    f2 = p.message(t2, D + timedelta(days=1, minutes=14))  # and again 9 minutes later
    p.message(t2, D + timedelta(days=1, minutes=20), role="staff")
    p.message(t2, D + timedelta(days=1, minutes=25))  # after a staff reply: not a follow-up
    # b: two events only
    tb = p.ticket("b", D)
    p.message(tb, D)
    p.message(tb, D + timedelta(minutes=1))
    p.message(tb, D + timedelta(minutes=2))
    got = flags_of(p, "impatience")
    assert set(got) == {"a"}
    assert ids(got["a"], "ticket") == [t1]
    assert ids(got["a"], "payment") == [pay]
    assert sorted(ids(got["a"], "message")) == sorted([f1, f2])
    assert got["a"].extra["events"] == 3


def test_hand_holding_uses_kb_matches_and_documentation_codes() -> None:
    p = Provider().customer("a").customer("b").customer("c")
    a = [p.ticket("a", D + timedelta(days=i)) for i in range(6)]
    for t in a[:3]:
        p.kb_match(t, "KB-7")
    p.resolved(a[3], "documentation")
    p.kb_match(a[4], "KB-9", answerable=False)
    # b: 1 answerable of 1 — below min_tickets 2; c: 2 answerable of 5 = 40% < 50%
    p.ticket("b", D, resolution_code="documentation")
    for i in range(5):
        p.ticket("c", D + timedelta(days=i),
                 resolution_code="documentation" if i < 2 else "network_event")
    got = flags_of(p, "hand_holding")
    assert set(got) == {"a"}
    assert ids(got["a"], "ticket") == a[:4]  # 4 of 6 = 67% >= 50%
    assert ids(got["a"], "kb_article") == ["KB-7"]
    assert got["a"].detail == "4 of 6 tickets are answered by the documentation"


def test_one_long_thread_the_docs_answer_counts_twice_for_hand_holding() -> None:
    # Default long_thread_messages = 6. Each customer has a single ticket the docs answer.
    # a: KB match AND a (predicted) documentation code, 6 messages -> counts 2 >= 2: flagged.
    # b: the same with 5 messages -> counts 1 < 2. c: KB match only, 6 messages -> 1.
    # d: documentation code only (given), 7 messages -> 1.
    # e: like a, but 1 of 3 tickets answerable = 33% < 50% share -> not flagged.
    p = Provider()
    for cid in "abcde":
        p.customer(cid)
    ta = p.ticket("a", D)
    p.kb_match(ta, "KB-1")
    p.resolved(ta, "documentation")
    tb = p.ticket("b", D)
    p.kb_match(tb, "KB-1")
    p.resolved(tb, "documentation")
    tc = p.ticket("c", D)
    p.kb_match(tc, "KB-2")
    p.resolved(tc, "network_event")
    td = p.ticket("d", D, resolution_code="documentation")
    te = p.ticket("e", D)
    p.kb_match(te, "KB-1")
    p.resolved(te, "documentation")
    for i in range(2):
        p.ticket("e", D + timedelta(days=i + 1), resolution_code="network_event")
    for tid, n in ((ta, 6), (tb, 5), (tc, 6), (td, 7), (te, 6)):
        for i in range(n):
            p.message(tid, D + timedelta(hours=i), role="customer" if i % 2 == 0 else "staff")
    got = flags_of(p, "hand_holding")
    assert set(got) == {"a"}
    assert ids(got["a"], "ticket") == [ta]
    assert ids(got["a"], "kb_article") == ["KB-1"]
    assert got["a"].detail == "1 of 1 tickets are answered by the documentation"
    cfg = Config()
    cfg.flags.hand_holding.long_thread_messages = 0  # off: one ticket is never enough
    assert flags_of(p, "hand_holding", cfg) == {}
    cfg.flags.hand_holding.long_thread_messages = 5  # b's 5 messages now count too
    assert set(flags_of(p, "hand_holding", cfg)) == {"a", "b"}


def test_mostly_urgent_questions_are_priority_misuse_not_hand_holding() -> None:
    p = Provider().customer("a")
    for i in range(4):
        p.ticket("a", D + timedelta(days=i), priority="urgent", resolution_code="documentation")
    codes = {f.code for f in compute_flags(p.inputs(), Config())}
    assert "priority_misuse" in codes and "hand_holding" not in codes
    cfg = Config()
    cfg.flags.hand_holding.skip_if_priority_misuse = False
    assert "hand_holding" in {f.code for f in compute_flags(p.inputs(), cfg)}


def test_an_urgent_question_right_after_paying_is_priority_misuse() -> None:
    # a: one urgent "is it active yet?" question 20 minutes after paying; b: the same
    # question two hours after paying; c: an urgent outage 20 minutes after paying.
    p = Provider().customer("a").customer("b").customer("c")
    pay = p.payment("a", D)
    ta = p.ticket("a", D + timedelta(minutes=20), priority="urgent",
                  resolution_code="information_request")
    for _ in range(9):  # mostly normal tickets: the "mostly high" path does not apply
        p.ticket("a", D + timedelta(days=3), resolution_code="network_event")
    p.payment("b", D)
    p.ticket("b", D + timedelta(hours=2), priority="urgent",
             resolution_code="information_request")
    p.payment("c", D)
    p.ticket("c", D + timedelta(minutes=20), priority="urgent", resolution_code="network_event")
    got = flags_of(p, "priority_misuse")
    assert set(got) == {"a"}
    assert got["a"].evidence == (EvidenceRef("ticket", ta), EvidenceRef("payment", pay))
    assert "1 high/urgent questions within 60 minutes of paying or ordering" in got["a"].detail


def test_abusive_language_quotes_the_spans() -> None:
    p = Provider().customer("a").customer("b")
    t = p.ticket("a", D)
    m1 = p.message(t, D, body="you are useless idiots")
    m2 = p.message(t, D + timedelta(hours=1), body="I will sue you")
    p.tone_row(m1, spans=[("insult", 8, 22, "useless idiots")])
    p.tone_row(m2, spans=[("threat", 0, 14, "I will sue you")])
    tb = p.ticket("b", D)  # b: strong words, but not aimed at staff
    p.tone_row(p.message(tb, D, body="damn this"), abusive=False,
               spans=[("profanity", 0, 4, "damn")])
    got = flags_of(p, "abusive_language")
    assert set(got) == {"a"}
    assert got["a"].evidence == (EvidenceRef("message", m1, (8, 22), "useless idiots"),
                                 EvidenceRef("message", m2, (0, 14), "I will sue you"))
    assert got["a"].severity is Severity.HIGH
    assert json.loads(got["a"].evidence_json())[0] == {
        "kind": "message", "id": m1, "span": [8, 22], "quote": "useless idiots"}


def test_no_tone_table_means_no_abusive_flag() -> None:
    p = Provider().customer("a")
    t = p.ticket("a", D)
    p.message(t, D, body="idiots")
    assert flags_of(p, "abusive_language") == {}


def test_infra_burden_ignores_an_ordinary_spread_of_usage() -> None:
    # Twenty peers between 100 and 290 GB: the heaviest is under 3x the median (195).
    p = Provider()
    for i in range(20):
        p.customer(f"c{i}", plan="vps")
        p.usage(f"c{i}", D, 100 + 10 * i)
    assert flags_of(p, "infra_burden") == {}


def test_infra_burden_compares_usage_per_dollar_with_plan_peers() -> None:
    p = Provider()
    # Six peers on "storage" each using 100 GB per 1200 revenue; "hog" uses 5000 GB.
    for i in range(6):
        p.customer(f"peer{i}", plan="storage")
        p.usage(f"peer{i}", D, 100 + i)
    p.customer("hog", plan="storage")
    u1 = p.usage("hog", D, 3000)
    u2 = p.usage("hog", D + timedelta(days=31), 2000)
    # Same usage on a pricier plan is no burden: "big" pays 100x more.
    p.customer("big", plan="premium", revenue=120000)
    p.usage("big", D, 5000)
    got = flags_of(p, "infra_burden")
    assert set(got) == {"hog"}
    assert ids(got["hog"], "usage") == [u1, u2]


def test_payment_trouble_failures_disputes_and_refund_after_support() -> None:
    # a: 2 failed of 2 attempts; d: 1 failed (below 2) and a refund after too little support
    p = Provider().customer("a").customer("b").customer("c").customer("d")
    fa = [p.payment("a", D + timedelta(days=i), "failed") for i in range(2)]
    db = p.payment("b", D, "chargeback")
    tc = p.ticket("c", D, staff_minutes=150)
    rc = p.payment("c", D + timedelta(days=10), "refunded")
    p.payment("d", D, "failed")
    p.ticket("d", D, staff_minutes=100)
    p.payment("d", D + timedelta(days=2), "refunded")  # 100 minutes < 120: no
    got = flags_of(p, "payment_trouble")
    assert set(got) == {"a", "b", "c"}
    assert ids(got["a"], "payment") == fa
    assert ids(got["b"], "payment") == [db]
    assert ids(got["c"], "payment") == [rc]
    assert ids(got["c"], "ticket") == [tc]


def test_manual_orders_and_custom_requests() -> None:
    p = Provider().customer("a").customer("b")
    manual = [p.order("a", D + timedelta(days=i), ch) for i, ch in
              enumerate(["email", "phone", "email"])]
    p.order("a", D, "self_service")
    custom = [p.order("b", D + timedelta(days=i), "api", custom=True) for i in range(2)]
    p.order("b", D, "email")  # 1 manual of 3: below min_orders 2
    got = flags_of(p, "manual_orders")
    assert set(got) == {"a"}
    assert ids(got["a"], "order") == manual
    c = flags_of(p, "custom_requests")
    assert set(c) == {"b"} and ids(c["b"], "order") == custom


def test_unprofitable_names_invoices_and_costliest_tickets() -> None:
    p = Provider().customer("a", revenue=100, support_minutes=300).customer("b")
    inv = p.invoice("a", D, 100)
    small = p.ticket("a", D, staff_minutes=20)
    big = p.ticket("a", D, staff_minutes=280)
    got = flags_of(p, "unprofitable")
    assert set(got) == {"a"}  # 100 - 300 minutes x 1/minute = -200
    assert ids(got["a"], "invoice") == [inv]
    assert ids(got["a"], "ticket") == [big, small]
    assert "loses 200.00" in got["a"].detail


def test_low_margin_needs_consecutive_months() -> None:
    # 60/h = 1 per minute; a 100 invoice with 90 minutes of support: margin 10% < 20%.
    p = Provider().customer("a").customer("b")
    for month in (3, 4, 5):
        p.invoice("a", datetime(2025, month, 1), 100)
        p.ticket("a", datetime(2025, month, 2), staff_minutes=90)
    for month in (3, 4, 6):  # b: a gap in May, and June fine
        p.invoice("b", datetime(2025, month, 1), 100)
        p.ticket("b", datetime(2025, month, 2), staff_minutes=90 if month < 6 else 10)
    got = flags_of(p, "low_margin")
    assert set(got) == {"a"}
    assert len(ids(got["a"], "invoice")) == 3
    assert "2025-03 to 2025-05" in got["a"].detail


def test_idle_pays_but_uses_nothing() -> None:
    p = Provider().customer("idle1", signup_at=datetime(2024, 1, 1)).customer("active")
    p.customer("noinfo")
    invs = [p.invoice("idle1", datetime(2025, m, 1), 10) for m in (1, 2, 3)]
    use = p.usage("idle1", datetime(2025, 1, 1), 5, allowance=1000)  # 0.5% of allowance
    for m in (1, 2):
        p.invoice("active", datetime(2025, m, 1), 10)
        p.invoice("noinfo", datetime(2025, m, 1), 10)
    p.usage("active", datetime(2025, 1, 1), 300, allowance=1000)
    got = flags_of(p, "idle")
    assert set(got) == {"idle1"}  # noinfo has no usage rows: not called idle
    assert ids(got["idle1"], "invoice") == invs
    assert ids(got["idle1"], "usage") == [use]


def test_idle_is_broken_by_a_later_order() -> None:
    p = Provider().customer("a", signup_at=datetime(2024, 1, 1))
    for m in (1, 2):
        p.invoice("a", datetime(2025, m, 1), 10)
    p.usage("a", datetime(2025, 1, 1), 0)
    p.order("a", datetime(2025, 2, 5))
    assert flags_of(p, "idle") == {}


def test_heavy_load_is_the_smallest_set_carrying_80_percent() -> None:
    # minutes 500, 300, 100, 50, 50 (total 1000): 500+300 = 80% — the set is {a, b}
    p = Provider()
    for cid, minutes in (("a", 500), ("b", 300), ("c", 100), ("d", 50), ("e", 50)):
        p.customer(cid, support_minutes=minutes)
        p.ticket(cid, D, staff_minutes=minutes)
    got = flags_of(p, "heavy_load")
    assert set(got) == {"a", "b"}
    assert "50.0%" in got["a"].detail


def test_priority_misuse_can_require_a_high_share_of_high_priority_tickets() -> None:
    # a: 3 misused urgent tickets of 4 tickets (75% high); b: 3 of 10 tickets (30% high)
    p = Provider().customer("a").customer("b")
    for cid, normal in (("a", 1), ("b", 7)):
        for i in range(3):
            p.ticket(cid, D + timedelta(days=i), priority="urgent",
                     resolution_code="information_request")
        for i in range(normal):
            p.ticket(cid, D + timedelta(days=i), resolution_code="network_event")
    cfg = Config()
    cfg.flags.priority_misuse.min_high_share = 0.0
    assert set(flags_of(p, "priority_misuse", cfg)) == {"a", "b"}
    cfg.flags.priority_misuse.min_high_share = 0.5
    assert set(flags_of(p, "priority_misuse", cfg)) == {"a"}


def test_payment_trouble_needs_a_failure_rate() -> None:
    # a: 2 failed of 10 attempts (20% >= 15%); b: 2 failed of 14 attempts (14.3% < 15%),
    # like a good payer whose card expired once or twice in a year
    p = Provider().customer("a").customer("b")
    for cid, ok in (("a", 8), ("b", 12)):
        for i in range(2):
            p.payment(cid, D + timedelta(days=i), "failed")
        for i in range(ok):
            p.payment(cid, D + timedelta(days=i))
    assert set(flags_of(p, "payment_trouble")) == {"a"}
    cfg = Config()
    cfg.flags.payment_trouble.min_failed_share = 0.0
    assert set(flags_of(p, "payment_trouble", cfg)) == {"a", "b"}


def test_one_custom_setup_ordered_by_email_is_enough_for_manual_orders() -> None:
    p = Provider().customer("a").customer("b")
    oa = p.order("a", D, "email", custom=True)
    p.order("b", D, "email")  # one plain e-mailed order: not enough
    got = flags_of(p, "manual_orders")
    assert set(got) == {"a"} and ids(got["a"], "order") == [oa]


def test_every_flag_rule_is_registered_where_it_is_defined_with_its_settings() -> None:
    from goodfit.config import FlagSettings
    from goodfit.scoring.flag_registry import rules

    codes = [r.code for r in rules()]
    assert codes == ["priority_misuse", "impatience", "hand_holding", "abusive_language",
                     "infra_burden", "payment_trouble", "manual_orders", "custom_requests",
                     "unprofitable", "low_margin", "idle", "heavy_load"]
    assert sorted(codes) == sorted(FlagSettings.model_fields)


def test_a_flag_typo_in_goodfit_toml_is_an_error_with_a_suggestion(tmp_path) -> None:
    from goodfit.config import load_config
    from goodfit.errors import ConfigError

    cfg = tmp_path / "goodfit.toml"
    cfg.write_text('[segments]\npart_ways_flags = ["abusive_langauge"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'abusive_language'"):
        load_config(cfg)
