"""The persona validation arithmetic, on a ground truth small enough to work by hand."""

from __future__ import annotations

from benchmarks.persona_validation import evaluate


def test_precision_recall_and_reward_checks_by_hand() -> None:
    personas = {"h1": "hand_holder", "h2": "hand_holder", "n1": "normal", "i1": "ideal",
                "i2": "ideal", "z1": "idle"}
    flags = {"h1": {"hand_holding"}, "n1": {"hand_holding"}, "z1": {"idle"}}
    segments = {"h1": "educate", "h2": "educate", "n1": "healthy", "i1": "reward",
                "i2": "healthy", "z1": "reward"}
    results, checks = evaluate(personas, flags, segments)
    hh = next(r for r in results if r.persona == "hand_holder")
    # flagged {h1, n1}: 1 of 2 is a hand-holder; 1 of 2 hand-holders flagged
    assert (hh.flag_precision, hh.flag_recall) == (0.5, 0.5)
    assert (hh.segment_precision, hh.segment_recall) == (1.0, 1.0)
    assert hh.meets_target is False
    assert checks["ideal_in_reward"] == 0.5 and not checks["ideal_target_met"]
    assert checks["idle_in_reward"] == 1 and not checks["idle_target_met"]
