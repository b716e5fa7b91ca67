"""Text that looks rough but is not aimed at staff must pass clean."""

from __future__ import annotations

import pytest

from goodfit.config import ToneSettings
from goodfit.text import score_tone

HARD_NEGATIVES = [
    "this bug is killing me",
    "damn, that was fast, thank you!",
    "kill -9 the process",
    "abort trap",
    "Abort trap: 6 when running the installer",
    "core dump",
    "Got a core dump from php-fpm after the upgrade.",
    "hit the server hard",
    "We're going to hit the server hard tomorrow with a load test.",
    "I'm a bit disappointed that the migration took longer than promised, but thanks.",
    "I'm frustrated because the report numbers don't match. Could someone walk me through it?",
    "ERROR 500 on every page after I changed .htaccess.",
    "DNS resolution fails inside the container; SSL handshake fails too. HTTP works.",
    "Webhook returns HTTP 502 BAD GATEWAY from your side.",
    "[2026-03-02 10:14:07] ERROR: ACCESS DENIED FOR USER 'root'@'localhost'",
    "The UPS shows ON BATTERY and LOW BATTERY alarms.",
    "Set NODE_ENV=production, still crashes with MAX_OLD_SPACE exceeded.",
    'The Dell shows "NO BOOTABLE DEVICE -- STRIKE F1 TO RETRY BOOT".',
    "Thanks a million for sorting the VPN so quickly!!!",
    "How do I dispute a charge on my invoice?",
    "A customer of ours is threatening a chargeback, can you send an incident report?",
    "Our lawyer needs a copy of the data processing agreement.",
    "I was an idiot and set the wrong nameservers.",
    "I'll leave you a 5-star review, the support was excellent.",
    "Please cancel my account at the end of the billing period.",
    "Could you give me a rough ETA for the fix? No rush.",
    "The job is still running after 6 hours, is that expected?",
    "Please kill the runaway backup job on my account.",
    "The firewall is killing legitimate connections from our office.",
    "The docs are a bit useless on floating IPs, could you point me to an example?",
    "Thanks for the quick fix yesterday, the site works perfectly now.",
    # Threat words used about technology, colleagues or third parties.
    "We will reverse the migration tomorrow if the tests fail.",
    "I am going to cancel the payment method on file and add a new card.",
    "We will stop all payments processing on the old gateway next week.",
    "I will post the logs on the forum thread you linked.",
    "I will tell everyone in the team to use the new VPN.",
    "We have a lawsuit against a former vendor, unrelated, just FYI.",
    "I expect a chargeback notification from Stripe for order 1123.",
    "Can you block payments from this card? It was stolen.",
    "I will report this bug to the plugin developer.",
    "",
    "   ",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negative_passes_clean(text: str) -> None:
    r = score_tone(text)
    assert r.labels == () and r.spans == () and not r.abusive and r.score == 0.0
    assert r.language_supported


@pytest.mark.parametrize(("text", "labels"), [
    ("Your support team is useless.", ("insult",)),
    ("If this isn't fixed I'm filing a chargeback.", ("threat",)),
    ("WHY DOES THE SERVER KEEP REBOOTING", ("shouting",)),
    ("Still waiting for an answer, it's been two days.", ("demand",)),
    ("This shit keeps crashing every night.", ("profanity",)),
])
def test_each_label_on_a_plain_example(text: str, labels: tuple[str, ...]) -> None:
    r = score_tone(text)
    assert r.labels == labels
    assert r.abusive == bool(set(labels) & {"insult", "threat"})
    assert all(0.5 <= r.scores[label] <= 1 for label in labels) and r.score == max(r.scores.values())


def test_profanity_at_a_situation_is_not_abusive() -> None:
    r = score_tone("My fucking site is down again, please help.")
    assert r.labels == ("profanity",) and not r.abusive


def test_config_adds_phrases_and_acronyms() -> None:
    assert score_tone("need it yesterday please").labels == ()
    custom = ToneSettings(extra_demand_phrases=["need it yesterday"], acronyms=["PLESK"])
    assert score_tone("need it yesterday please", custom).labels == ("demand",)
    assert score_tone("PLESK PANEL UPDATE broke mail").labels == ("shouting",)
    assert score_tone("PLESK PANEL UPDATE broke mail", custom).labels == ()


def test_min_score_hides_weak_labels() -> None:
    assert score_tone("Hello?? anyone?").labels == ("demand",)
    assert score_tone("Hello?? anyone?", ToneSettings(min_score=0.9)).labels == ()


def test_pasted_floods_cost_linear_time_and_bounded_evidence() -> None:
    import time

    flood = "I will file a chargeback and you idiots " * 8000  # 320 kB, one run-on sentence
    start = time.process_time()
    r = score_tone(flood)
    # Quadratic work here takes minutes; linear takes well under a second.
    assert time.process_time() - start < 20
    assert r.abusive and len(r.spans) <= 2 * 50
