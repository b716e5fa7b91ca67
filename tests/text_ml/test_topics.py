"""Repeat topics: recurring questions grouped, ranked by staff time, with evidence."""

from __future__ import annotations

from goodfit.text.pipeline import load_texts
from tests.text_ml.conftest import MakeProject
from tests.text_ml.fixtures import Provider

VAT = [("VAT number missing on invoice", "our VAT number is not on the invoice, accountant needs it"),
       ("invoice VAT id", "please put our VAT id on the invoice"),
       ("Wrong VAT on invoice", "the invoice shows the wrong VAT number for our company")]
FTP = [("FTP password", "forgot my FTP password, filezilla login fails"),
       ("ftp login incorrect", "FTP password rejected, 530 login incorrect"),
       ("Reset FTP password", "how do I reset the FTP password for uploads"),
       ("FTP password not working", "my FTP password does not work in filezilla"),
       ("new FTP password", "need a new FTP password, the old one fails")]
BACKUP = [("restore backup", f"please restore the backup of {site} from yesterday")
          for site in ("shop", "blog", "wiki", "forum", "crm", "intranet", "portal", "docs")]
DOMAIN = [("domain transfer stuck", "the domain transfer has been stuck for a week"),
          ("domain transfer pending", "domain transfer still pending after 10 days")]


def _provider() -> Provider:
    p = Provider()
    for c in ("C1", "C2", "C3", "C4"):
        p.customer(c)
    n = 0
    for group, minutes, customers in ((VAT, 60.0, ["C1", "C2", "C1"]),
                                      (FTP, 10.0, ["C1", "C2", "C3", "C3", "C3"]),
                                      (BACKUP, 5.0, ["C4"] * 8),
                                      (DOMAIN, 100.0, ["C1", "C2"])):
        for (subject, body), customer in zip(group, customers * 3, strict=False):
            p.ticket(f"T{n:02d}", customer, subject, body, ["done"], minutes=minutes)
            n += 1
    return p


def test_topics_are_ranked_by_total_staff_minutes(make_project: MakeProject) -> None:
    project = make_project(_provider(), kb=True, topic_count=4, topic_min_tickets=3)
    result = project.topics()
    # VAT: 3 × 60 = 180 min; FTP: 5 × 10 = 50; backups: 8 × 5 = 40. The domain-transfer
    # pair costs 200 minutes but two tickets are not a recurring topic (minimum 3).
    summary = [(t.topic_id, t.tickets, t.staff_minutes, t.customers) for t in result.topics]
    assert summary == [(1, 3, 180.0, 2), (2, 5, 50.0, 3), (3, 8, 40.0, 1)]
    assert result.tickets == 18 and result.unassigned == 2
    labels = [t.label for t in result.topics]
    assert "vat" in labels[0] and "invoice" in labels[0]
    assert "ftp" in labels[1] and "password" in labels[1]
    assert "backup" in labels[2] or "restore" in labels[2]
    vat_ids = {"T00", "T01", "T02"}
    assert set(result.topics[0].example_ticket_ids) == vat_ids
    assert all(len(t.example_ticket_ids) == 3 for t in result.topics)
    # the FTP topic is answered by the FTP article of the knowledge base
    assert result.topics[1].article_id == "KB-03"

    topics = project.warehouse.table("topics").order_by("topic_id").to_pyarrow()
    assert topics.column_names == ["topic_id", "label", "tickets", "staff_minutes",
                                   "customers", "example_ticket_ids", "article_id"]
    assert topics.column("tickets").to_pylist() == [3, 5, 8]
    assert set(topics.column("example_ticket_ids")[0].as_py().split(",")) == vat_ids
    links = project.warehouse.table("ticket_topic").to_pyarrow().to_pylist()
    assert {r["ticket_id"] for r in links if r["topic_id"] == 1} == vat_ids
    assert len(links) == 16


def test_minutes_are_estimated_from_staff_replies_when_not_logged(
        make_project: MakeProject) -> None:
    p = Provider().customer("C1")
    # chat: 2 staff replies × 6 min ([costs] reply_minutes.chat); email: 3 × 10
    p.ticket("A", "C1", "slow site", "site is slow", ["looking", "fixed"], channel="chat")
    p.ticket("B", "C1", "slow site", "site is slow", ["a", "b", "c"], channel="email")
    p.ticket("C", "C1", "slow site", "site is slow", ["a"], minutes=7.0)
    project = make_project(p)
    texts = load_texts(project.warehouse, project.config)
    assert dict(zip(texts.ticket_id, texts.staff_minutes, strict=True)) == {
        "A": 12.0, "B": 30.0, "C": 7.0}
    assert texts.minutes_estimated == [True, True, False]


def test_too_few_tickets_make_no_topics(make_project: MakeProject) -> None:
    p = Provider().customer("C1")
    p.ticket("A", "C1", "hello", "hi", ["hi"])
    project = make_project(p)
    result = project.topics()
    assert result.topics == [] and result.unassigned == 1
    assert project.warehouse.row_count("topics") == 0


# Every ticket of a group carries the same greeting, signature and quoted earlier reply, so
# without stripping their words would recur in the whole group and head its label.
SIGNED = ("Hello Priya,\n\n{body}\n\nKind regards,\nBartholomew Quackenbush\nZephyrtronics GmbH"
          "\n\nOn Tue, 3 Mar 2026, Support <help@example.net> wrote:\n> Flibbertigibbet the "
          "wibblewobble configuration, then reboot.\n> Flibbertigibbet again if needed.")
MAIL = [("mailbox quota full", "my mailbox quota is full and mail bounces"),
        ("mailbox full", "the mailbox quota is exceeded, incoming mail bounces"),
        ("quota exceeded", "mail bounces because the mailbox quota is full"),
        ("raise mailbox quota", "please raise the mailbox quota, mail bounces")]
CRON = [("cron job not running", "my cron job does not run at midnight anymore"),
        ("cron schedule", "the cron job schedule is ignored, job never runs"),
        ("cronjob failing", "cron job fails silently every night"),
        ("cron job stopped", "the nightly cron job stopped running")]


def test_labels_leave_out_greetings_signatures_and_quoted_replies(
        make_project: MakeProject) -> None:
    p = Provider()
    for c in ("C1", "C2"):
        p.customer(c)
    for n, (subject, body) in enumerate(MAIL + CRON):
        p.ticket(f"T{n:02d}", "C1" if n % 2 else "C2", subject, SIGNED.format(body=body),
                 ["Hi,\n\nDone.\n\nBest regards,\nPriya\nExample Hosting"], minutes=10.0)
    project = make_project(p, topic_count=2, topic_min_tickets=3)
    result = project.topics()
    labels = sorted(t.label for t in result.topics)
    assert len(labels) == 2
    noise = {"hello", "priya", "kind", "regards", "bartholomew", "quackenbush",
             "zephyrtronics", "gmbh", "tue", "mar", "2026", "support", "example.net", "wrote",
             "flibbertigibbet", "wibblewobble", "configuration", "reboot"}
    for label in labels:
        words = set(label.replace(",", " ").split())
        assert not words & noise, label
        assert 1 <= len(label.split(", ")) <= 3
    # one label names the cron tickets, the other the mailbox ones
    assert "cron" in labels[0] and "job" in labels[0]
    assert "mailbox" in labels[1] or "quota" in labels[1]
    # the question the models read is the customer's words alone
    texts = load_texts(project.warehouse, project.config)
    assert texts.question[0] == "mailbox quota full\nmy mailbox quota is full and mail bounces"
    assert texts.full[0].endswith("\nDone.")


def test_a_topic_links_the_article_that_answers_half_of_it_or_says_write_one() -> None:
    from goodfit.config import TextSettings
    from goodfit.text.corpus import TicketTexts
    from goodfit.text.topics import find_topics

    pairs = FTP[:4] + BACKUP[:3]
    subjects = [s for s, _ in pairs]
    questions = [f"{s}\n{b}" for s, b in pairs]
    n = len(questions)
    texts = TicketTexts(ticket_id=[f"T{i}" for i in range(n)], customer_id=["C1"] * n,
                        resolution_code=[None] * n, subject=subjects, question=questions,
                        full=questions, staff_minutes=[10.0] * 4 + [60.0] * 3,
                        minutes_estimated=[False] * n)
    # FTP: 2 of 4 tickets surely answered by KB-FTP (half: linked); backups: 1 of 3
    answers = ("KB-FTP", None, "KB-FTP", "KB-OTHER", "KB-BACKUP", None, None)
    result = find_topics(texts, TextSettings(topic_count=2, topic_min_tickets=3), answers,
                         {"KB-FTP": "Reset your FTP password"})
    backup, ftp = result.topics  # backups cost 180 minutes, FTP 40
    assert (backup.tickets, ftp.tickets) == (3, 4)
    assert (ftp.article_id, ftp.article_title, ftp.article_share) == (
        "KB-FTP", "Reset your FTP password", 0.5)
    assert backup.article_id is None and backup.article_share == 1 / 3  # write one
    # examples prefer different subjects
    assert len({texts.subject[int(i[1:])] for i in ftp.example_ticket_ids}) == 3
