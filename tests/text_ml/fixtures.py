"""A small, realistic provider for text tests: tickets written per resolution code.

Hand-written templates (subjects, first customer messages, staff replies) with slots
filled from short lists, so every code reads like a hosting/SaaS helpdesk and no two
tickets are identical. Deterministic: the same seed gives the same tickets.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SLOTS: dict[str, list[str]] = {
    "domain": ["acme-shop.com", "bakery.example", "northwind.io", "fjord-design.no",
               "greenleaf.org", "kitten-rescue.net", "lawfirm-berg.de", "pixelforge.dev"],
    "server": ["vps-114", "web03", "db-primary", "node-7", "cloud-2231", "mail02"],
    "app": ["WordPress", "Nextcloud", "Magento", "Joomla", "Ghost", "our Laravel app"],
    "version": ["4.2.1", "5.0", "2.18", "3.7.4", "1.12"],
    "region": ["Frankfurt", "Amsterdam", "London", "Ashburn", "Singapore"],
    "plan": ["VPS-2", "VPS-4", "Business Hosting", "Pro plan", "Starter", "Dedicated-M"],
    "feature": ["the file manager", "the backup restore page", "the DNS editor",
                "the invoice download", "the API token page", "the SSL wizard"],
    "person": ["Sam", "Priya", "Jonas", "Mei", "Luca"],
}

TEMPLATES: dict[str, dict[str, list[str]]] = {
    "documentation": {
        "subject": ["How do I set up e-mail on my phone?", "how to point {domain} to you",
                    "Where do I change my FTP password", "Question about adding a subdomain",
                    "install SSL certificate?", "How to create a MySQL database"],
        "body": ["Hi, I can't work out how to add {domain} to my account. What are the steps?",
                 "Hello, how do I configure my mailbox in Outlook? Which server names do I use?",
                 "Could you tell me how to change the PHP version for {domain}? Thanks",
                 "I want to install {app} but don't know where to start. Is there a guide?",
                 "How do I reset the password for my FTP user? I forgot it.",
                 "what nameservers should {domain} use so it works with your hosting?"],
        "reply": ["Hi, this is covered step by step in our guide: https://help.example/kb/12 ."
                  " Let us know if anything is unclear.",
                  "You can do this yourself in the control panel; the knowledge base article "
                  "'Setting up e-mail clients' walks you through it.",
                  "Please see our documentation on this topic, it lists the exact settings. "
                  "The article link is below.",
                  "Thanks for asking! Our how-to article explains where to find this option."],
    },
    "software_bug_open": {
        "subject": ["{feature} shows an error", "Error 500 in {feature}",
                    "Control panel bug: {feature} broken", "{feature} does nothing when I click"],
        "body": ["When I open {feature} I get an internal server error. Tried two browsers.",
                 "Since this morning {feature} throws 'unexpected token' and the page is blank.",
                 "{feature} spins forever and never loads, my colleague sees the same.",
                 "Clicking save in {feature} gives an error and my changes are lost."],
        "reply": ["Thanks for the report. We reproduced it: it is a bug in the panel and our "
                  "developers are working on a fix. We will update you when it ships.",
                  "Confirmed as a software defect, tracked as issue PANEL-{num}. No workaround "
                  "yet, the fix is scheduled for the next release.",
                  "Our engineers can reproduce this bug. It is logged and still open; we will "
                  "let you know once it is fixed."],
    },
    "software_bug_fixed": {
        "subject": ["{feature} was broken yesterday", "bug in {feature} after update",
                    "{feature} error - please fix", "Strange behaviour in {feature}"],
        "body": ["{feature} failed with an error after your update last night.",
                 "After the panel update {feature} stopped working for {domain}.",
                 "There's a bug: {feature} shows someone else's timezone and wrong dates.",
                 "{feature} crashed with a stack trace, screenshot attached."],
        "reply": ["This was a bug introduced in release {version}; we deployed a fix a few "
                  "minutes ago. Please reload the page and try again.",
                  "Thanks, the defect is now fixed in version {version}. Sorry for the trouble.",
                  "Our developers patched this bug and released the fix. It should work now, "
                  "please confirm."],
    },
    "hardware_event": {
        "subject": ["{server} is down", "Server unreachable - {server}", "{server} very slow",
                    "disk errors on {server}?"],
        "body": ["My server {server} stopped responding at 03:10 and the console shows I/O "
                 "errors.",
                 "{domain} is offline, I cannot even ping {server}.",
                 "{server} rebooted by itself twice tonight. What happened?",
                 "Everything on {server} is extremely slow, load is fine on my side."],
        "reply": ["A failed disk in the host node caused this. The RAID was rebuilt and the "
                  "drive replaced; your server is back online.",
                  "The physical host had a faulty memory module (ECC errors). We migrated your "
                  "VPS to healthy hardware.",
                  "A power supply failed in the rack in {region}. Hardware was swapped by our "
                  "datacenter technicians and {server} is up again."],
    },
    "network_event": {
        "subject": ["site unreachable from {region}", "packet loss to {server}",
                    "Connection timeouts", "Network problem?"],
        "body": ["Since 14:00 {domain} times out for visitors, traceroute stops at your edge.",
                 "We see 30% packet loss to {server} from our office.",
                 "Customers in {region} cannot reach {domain} but it works over mobile data.",
                 "SSH to {server} keeps dropping, latency spikes to 900 ms."],
        "reply": ["We had a network incident: an upstream carrier in {region} had a routing "
                  "problem. Traffic has been rerouted and latency is normal again.",
                  "A DDoS attack against another customer saturated the uplink. Mitigation is in "
                  "place and the network is stable.",
                  "A core switch in {region} failed over; the network issue is resolved, see our "
                  "status page for the incident report."],
    },
    "one_time_event": {
        "subject": ["Please restore a file", "Accidentally deleted my database",
                    "Need a backup from last week", "Can you unlock my account"],
        "body": ["I deleted the uploads folder on {domain} by mistake, can you restore it from "
                 "yesterday?",
                 "We dropped a table in production. Is there a backup from Monday for {domain}?",
                 "My account got locked after too many login attempts, please unlock it.",
                 "Could you restore {server} to the snapshot from last Friday? Migration failed."],
        "reply": ["Done: we restored the folder from last night's backup. Please check it.",
                  "We have restored the database from the backup of {num} hours ago. Everything "
                  "should be back as it was.",
                  "Your account is unlocked; it was a one-off lockout, no further action needed."],
    },
    "information_request": {
        "subject": ["Question about pricing", "Do you offer Windows servers?",
                    "Invoice question", "Data center location"],
        "body": ["Is the {plan} billed monthly or yearly, and is there a discount for two "
                 "years?",
                 "Where are your data centers? We need servers in {region} for GDPR.",
                 "Do you support IPv6 on the {plan}? Just asking before we buy.",
                 "Could you send me a copy of the invoice for March with our VAT number on it?"],
        "reply": ["Good question: the {plan} can be paid monthly or yearly, yearly is 15% "
                  "cheaper.",
                  "Yes, we have locations in {region} and several others; all are ISO 27001 "
                  "certified.",
                  "Here is the information you asked for. The updated invoice is attached.",
                  "Happy to help: IPv6 is included on every plan at no extra cost."],
    },
    "reassigned": {
        "subject": ["Domain transfer stuck", "Billing dispute", "Abuse complaint received",
                    "Sales question about dedicated servers"],
        "body": ["My domain transfer for {domain} has been pending for 10 days.",
                 "I was charged twice this month, please check.",
                 "We received an abuse report about {domain}, what do we need to do?",
                 "We want a quote for 20 dedicated servers in {region}."],
        "reply": ["I'm forwarding this to our billing department, they will contact you.",
                  "This belongs with the domains team; I've reassigned the ticket to them.",
                  "Moving this ticket to the abuse desk, who handle these reports.",
                  "Passing you to our sales team, {person} will get in touch about a quote."],
    },
    "customer_change_request": {
        "subject": ["Upgrade to {plan}", "Please add more RAM", "Change billing e-mail",
                    "Add an extra IP address"],
        "body": ["Please upgrade {server} to the {plan}, we need more capacity.",
                 "Can you add 8 GB RAM to {server}? We accept the price change.",
                 "Please change the billing contact for our account to finance@{domain}.",
                 "We need a second IPv4 address on {server} for a separate SSL site."],
        "reply": ["Done, {server} now runs on the {plan}; the new price applies from the next "
                  "invoice.",
                  "The change you requested has been made: RAM added and the server rebooted.",
                  "We updated your account as requested. The new contact is active.",
                  "A new IP address has been assigned to {server} as you asked."],
    },
    "other": {
        "subject": ["Thank you!", "Feedback", "Test ticket", "Re: your newsletter"],
        "body": ["Just wanted to say thanks for the quick help last week, great service.",
                 "Please ignore this, testing our ticket integration from {app}.",
                 "Your newsletter link to the blog is broken btw.",
                 "Happy new year to the whole support team!"],
        "reply": ["Thank you for the kind words, we'll pass them on to the team!",
                  "Thanks, noted. Closing this one.",
                  "Thanks for letting us know, we appreciate the feedback."],
    },
}

CODES = tuple(TEMPLATES)

# Replies that say nothing about the cause: real helpdesks are full of them, and they make
# some tickets genuinely hard to code from text alone.
GENERIC_REPLIES = ["Thanks for reaching out, we're looking into it.",
                   "Hi, could you send us more details please?",
                   "This should be sorted now, let us know if not.",
                   "Closing this ticket, feel free to reply if you need anything else."]


def _fill(text: str, rng: random.Random) -> str:
    values = {k: rng.choice(v) for k, v in SLOTS.items()}
    values["num"] = str(rng.randint(2, 9999))
    return text.format(**values)


@dataclass
class Provider:
    """Arrow tables for customers, tickets and messages, built ticket by ticket."""

    customers: list[dict[str, object]] = field(default_factory=list)
    tickets: list[dict[str, object]] = field(default_factory=list)
    messages: list[dict[str, object]] = field(default_factory=list)
    truth: dict[str, str] = field(default_factory=dict)  # real code of uncoded tickets

    def customer(self, customer_id: str) -> Provider:
        self.customers.append({"customer_id": customer_id, "name": f"Customer {customer_id}",
                               "signup_at": datetime(2023, 1, 1)})
        return self

    def ticket(self, ticket_id: str, customer_id: str, subject: str, question: str,
               replies: list[str], *, code: str | None = None, minutes: float | None = None,
               channel: str = "email", opened_at: datetime | None = None) -> Provider:
        at = opened_at or datetime(2024, 1, 1) + timedelta(hours=len(self.tickets))
        self.tickets.append({"ticket_id": ticket_id, "customer_id": customer_id,
                             "opened_at": at, "subject": subject, "resolution_code": code,
                             "staff_minutes": minutes, "channel": channel})
        self.messages.append({"message_id": f"{ticket_id}-m0", "ticket_id": ticket_id,
                              "sent_at": at, "author_role": "customer", "body": question})
        for n, reply in enumerate(replies, start=1):
            self.messages.append({"message_id": f"{ticket_id}-m{n}", "ticket_id": ticket_id,
                                  "sent_at": at + timedelta(minutes=20 * n),
                                  "author_role": "staff", "body": reply})
        return self

    def write(self, directory: Path) -> Path:
        """Parquet files named after their tables, ready for Project.import_directory."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, table in self.arrow().items():
            pq.write_table(table, directory / f"{name}.parquet")
        return directory

    def arrow(self) -> dict[str, pa.Table]:
        return {"customers": pa.Table.from_pylist(self.customers),
                "tickets": pa.Table.from_pylist(self.tickets, schema=pa.schema([
                    ("ticket_id", pa.string()), ("customer_id", pa.string()),
                    ("opened_at", pa.timestamp("us")), ("subject", pa.string()),
                    ("resolution_code", pa.string()), ("staff_minutes", pa.float64()),
                    ("channel", pa.string())])),
                "messages": pa.Table.from_pylist(self.messages)}


def coded_provider(per_code: int = 30, *, seed: int = 7, customers: int = 12,
                   uncoded: int = 0, codes: tuple[str, ...] = CODES,
                   generic: float = 0.2, mislabelled: float = 0.03) -> Provider:
    """``per_code`` coded tickets for each code, plus ``uncoded`` tickets without a code.

    A share ``generic`` of tickets gets only a reply that names no cause, and a share
    ``mislabelled`` of coded tickets carries a wrong code, as agents make mistakes.
    """
    rng = random.Random(seed)
    p = Provider()
    for c in range(customers):
        p.customer(f"C{c:03d}")
    plan = [(code, True) for code in codes for _ in range(per_code)]
    plan += [(rng.choice(codes), False) for _ in range(uncoded)]
    for n, (code, coded) in enumerate(plan):
        t = TEMPLATES[code]
        p.ticket(f"T{n:05d}", f"C{rng.randrange(customers):03d}",
                 _fill(rng.choice(t["subject"]), rng), _fill(rng.choice(t["body"]), rng),
                 [_fill(rng.choice(GENERIC_REPLIES if rng.random() < generic else t["reply"]),
                        rng)],
                 code=(rng.choice(codes) if rng.random() < mislabelled else code)
                 if coded else None,
                 minutes=float(rng.choice([5, 10, 15, 30])))
        if not coded:
            p.truth[f"T{n:05d}"] = code
    return p
