"""A small, varied provider for report tests and the documentation screenshot."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tests.scoring.builders import Provider, derive_cards

NAMES = ["Northwind Hosting", "Blue Fern Studio", "Kestrel Labs", "Orchard IT", "Polar Bytes",
         "Quarry Media", "Riverbend Clinic", "Saffron Foods", "Tidewater Law", "Umber Games",
         "Vantage Realty", "Willow Schools", "Yarrow Bakery", "Zephyr Travel", "Alder Dental",
         "Birch Accounting", "Cedar Logistics", "Dune Outfitters", "Elm Street Books",
         "Fjord Analytics", "Granite Builders", "Harbor Yoga", "Iris Florists", "Juniper Print"]


def demo_provider(seed: int = 7, xss: bool = False) -> Provider:
    rng = random.Random(seed)
    p = Provider()
    kinds = (["ideal"] * 7 + ["normal"] * 6 + ["hand_holder"] * 3 + ["abusive"] * 2
             + ["hog"] * 2 + ["manual"] * 2 + ["idle"] * 2)
    for i, kind in enumerate(kinds):
        cid = f"C-{1001 + i}"
        name = NAMES[i % len(NAMES)]
        if xss and i == 0:
            name = '<script>alert("name")</script>"><img src=x onerror=alert(1)>'
        plan = "storage" if kind == "hog" or i % 3 == 0 else "vps-2"
        signup = datetime(2023, 1, 1) + timedelta(days=rng.randint(0, 500))
        p.customer(cid, name=name, plan=plan, signup_at=signup)
        price = 40 if plan == "vps-2" else 25
        for m in range(1, 13):
            p.invoice(cid, datetime(2025, m, 1), price)
            p.payment(cid, datetime(2025, m, 1, 12))
            quantity = {"hog": 9000.0, "idle": 0.0}.get(kind, rng.uniform(50, 300))
            p.usage(cid, datetime(2025, m, 1), quantity, allowance=1000)
        if kind != "idle":
            p.order(cid, datetime(2025, 2, 3), "self_service")
        n_tickets = {"ideal": 0, "normal": 3, "hand_holder": 9, "abusive": 5, "hog": 2,
                     "manual": 2, "idle": 0}[kind]
        for k in range(n_tickets):
            opened = datetime(2025, 1, 10) + timedelta(days=rng.randint(0, 330))
            code = "documentation" if kind == "hand_holder" else rng.choice(
                ["network_event", "software_bug_fixed", "information_request", "hardware_event"])
            t = p.ticket(cid, opened, staff_minutes=rng.choice([10, 20, 30, 45]),
                         resolution_code=code, priority="normal")
            if xss and kind == "hand_holder" and k == 0:
                p.rows["tickets"][-1]["subject"] = ('"><svg onload=alert(3)></span>'
                                                    '<a href="javascript:alert(2)">x</a>')
            m = p.message(t, opened, body="Thanks, could you check my server?")
            if kind == "abusive" and k < 2:
                quote = ("you useless idiots" if not xss else
                         "<script>alert('q')</script> idiots")
                p.tone_row(m, spans=[("insult", 0, len(quote), quote)])
            if kind == "hand_holder":
                p.kb_match(t, "KB-12")
        if kind == "manual":
            for k in range(6):
                p.order(cid, datetime(2025, 3 + k, 5), "email")
    # Two sign-ups in their first month.
    for j, (name, noisy) in enumerate((("Lumen Startups", True), ("Moss Gardens", False))):
        cid = f"N-{j + 1}"
        signup = datetime(2025, 12, 12 + j)
        p.customer(cid, name=name, signup_at=signup)
        p.invoice(cid, signup, 40)
        if noisy:
            for d in range(3):
                p.ticket(cid, signup + timedelta(days=d + 1), priority="urgent",
                         resolution_code="information_request")
    return derive_cards(p)
