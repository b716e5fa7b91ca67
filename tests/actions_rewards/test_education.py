"""Education digests: the articles that answer each customer's own questions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

from goodfit.actions import cases, education, outbox
from goodfit.actions.users import add_user
from goodfit.errors import MissingDerivedTable
from goodfit.project import Project
from tests.actions_rewards.conftest import AS_OF, Provider


def kb_world() -> Provider:
    p = Provider()
    p.customer("C-ASK").customer("C-ONE").customer("C-NONE").customer("C-GONE", status="cancelled")
    p.ticket("C-ASK", "T-1", subject="How do I reset my root password?",
             when="2024-03-04 09:00:00")
    p.ticket("C-ASK", "T-2", subject="Where do I point my DNS?", when="2024-06-10 09:00:00")
    p.ticket("C-ASK", "T-3", subject="Server down", when="2024-07-01 09:00:00")  # not answerable
    # the docs answer it, but goodfit is not sure which article: no article is sent
    p.ticket("C-ASK", "T-7", subject="How do I give my developer access to the panel?",
             when="2024-08-01 09:00:00")
    p.ticket("C-ASK", "T-OLD", subject="Old question", when="2023-01-01 09:00:00")  # too old
    p.ticket("C-ONE", "T-4", subject="Reset password", when="2024-09-01 09:00:00")
    p.ticket("C-NONE", "T-5", subject="Disk failure", when="2024-09-01 09:00:00")
    p.ticket("C-GONE", "T-6", subject="Reset password", when="2024-09-01 09:00:00")
    p.add("kb_articles", article_id="KB-1", title="Reset your VPS root password",
          url="https://help.example/kb/1")
    p.add("kb_articles", article_id="KB-2", title="Point your domain to us (DNS)",
          url="https://help.example/kb/2")
    p.add("kb_articles", article_id="KB-3", title="DNS basics", url="")
    return p


MATCHES = [  # ticket, customer, article, score, rank, answerable, confident
    ("T-1", "C-ASK", "KB-1", 0.9, 1, True, True),
    ("T-1", "C-ASK", "KB-3", 0.2, 2, False, False),
    ("T-2", "C-ASK", "KB-3", 0.7, 1, False, False),  # best match does not answer it ...
    ("T-2", "C-ASK", "KB-2", 0.6, 2, True, True),  # ... the second does
    ("T-3", "C-ASK", "KB-3", 0.1, 1, False, False),
    ("T-7", "C-ASK", "KB-1", 0.5, 1, True, False),  # answerable, article unsure
    ("T-OLD", "C-ASK", "KB-1", 0.9, 1, True, True),
    ("T-4", "C-ONE", "KB-1", 0.8, 1, True, True),
    ("T-5", "C-NONE", "KB-3", 0.1, 1, False, False),
    ("T-6", "C-GONE", "KB-1", 0.8, 1, True, True),
]


EXPECTED_BODY = """Hello C-ASK Ltd,

Thank you for getting in touch with us this year. For some of the questions you sent
us, our help centre has a step-by-step guide. We have collected them here, in case they
are useful next time or for others on your team:

- Your question: "How do I reset my root password?" (04 March 2024)
  Guide: Reset your VPS root password
  https://help.example/kb/1

- Your question: "Where do I point my DNS?" (10 June 2024)
  Guide: Point your domain to us (DNS)
  https://help.example/kb/2

Of course, our team is always happy to help whenever you need us; just reply to this
e-mail or open a ticket as usual.

Kind regards,
The my provider team
"""


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[Project]:
    proj = kb_world().project(tmp_path)
    cols = list(zip(*MATCHES, strict=True))
    proj.warehouse.write_table("ticket_kb_match", pa.table({
        "ticket_id": list(cols[0]), "customer_id": list(cols[1]), "article_id": list(cols[2]),
        "score": list(cols[3]), "rank": list(cols[4]), "answerable": list(cols[5]),
        "confident": list(cols[6])}))
    yield proj
    proj.close()


def test_digests_list_each_answerable_ticket_with_its_article(kb: Project) -> None:
    digests = {d.customer_id: d for d in kb.education_plan(as_of=AS_OF)}
    assert set(digests) == {"C-ASK", "C-ONE"}  # C-NONE: nothing answerable; C-GONE: cancelled
    items = [(i.ticket_id, i.subject, i.article_id) for i in digests["C-ASK"].items]
    assert items == [("T-1", "How do I reset my root password?", "KB-1"),
                     ("T-2", "Where do I point my DNS?", "KB-2")]
    assert digests["C-ASK"].items[0].opened_at == datetime(2024, 3, 4, 9)
    assert digests["C-ASK"].to == "billing@c-ask.example"


def test_min_tickets_and_min_score_come_from_config(kb: Project) -> None:
    kb.config.education.min_tickets = 2
    assert [d.customer_id for d in kb.education_plan(as_of=AS_OF)] == ["C-ASK"]
    kb.config.education.min_tickets = 1
    kb.config.education.min_score = 0.85
    digests = {d.customer_id: d for d in kb.education_plan(as_of=AS_OF)}
    assert [i.ticket_id for i in digests["C-ASK"].items] == ["T-1"]


def test_the_email_quotes_their_questions_and_links_the_articles(kb: Project) -> None:
    d = next(x for x in kb.education_plan(as_of=AS_OF) if x.customer_id == "C-ASK")
    mail = education.render(kb.actions_context(), d)
    assert mail.kind == "education" and mail.to == "billing@c-ask.example"
    assert mail.subject == "my provider: guides for the questions you asked us"
    assert mail.body == EXPECTED_BODY
    assert "Server down" not in mail.body and "Old question" not in mail.body
    assert education.lint(kb.actions_context(), mail) == []  # courteous: nothing to flag


def test_a_project_template_replaces_the_default(kb: Project) -> None:
    (kb.root / "templates" / "education").mkdir(parents=True, exist_ok=True)
    (kb.root / "templates" / "education" / "digest.txt").write_text(
        "Subject: Tips for {{ customer_name }}\n\n{% for i in items %}{{ i.title }};{% endfor %}\n")
    d = next(x for x in kb.education_plan(as_of=AS_OF) if x.customer_id == "C-ASK")
    mail = education.render(kb.actions_context(), d)
    assert mail.subject == "Tips for C-ASK Ltd"
    assert mail.body == "Reset your VPS root password;Point your domain to us (DNS);\n"


def test_drafting_puts_one_email_per_customer_in_the_outbox(kb: Project) -> None:
    add_user(kb.state, "alice", "owner")
    opened = kb.education_draft("alice", as_of=AS_OF)
    assert [c.customer_id for c in opened] == ["C-ASK", "C-ONE"]
    case = cases.get_case(kb.state, opened[0].id)
    assert case.kind == "education" and case.state == "draft"
    assert case.data["articles"] == ["KB-1", "KB-2"]
    msgs = outbox.list_messages(kb.state, case_id=case.id)
    assert [m.state for m in msgs] == ["draft"]
    assert "Reset your VPS root password" in msgs[0].body


def test_without_kb_matches_the_command_says_what_to_run(tmp_path: Path) -> None:
    proj = kb_world().project(tmp_path)
    try:
        with pytest.raises(MissingDerivedTable, match="goodfit kb match"):
            proj.education_plan()
    finally:
        proj.close()


def test_drafting_twice_never_sends_the_same_articles_again(kb: Project) -> None:
    add_user(kb.state, "alice", "owner")
    assert len(kb.education_draft("alice", as_of=AS_OF)) == 2
    assert kb.education_draft("alice", as_of=AS_OF) == []
    # a cancelled digest does not count as sent
    first = cases.list_cases(kb.state, kind="education")[0]
    add_user(kb.state, "bob", "manager", actor="alice")
    cases.cancel(kb.actions_context(), first.id, "bob", reason="wrong wording")
    again = kb.education_draft("alice", as_of=AS_OF)
    assert [c.customer_id for c in again] == [first.customer_id]


def test_a_condescending_template_is_held_by_the_tone_lint(kb: Project) -> None:
    from goodfit.errors import ToneLintBlocked

    add_user(kb.state, "alice", "owner")
    add_user(kb.state, "bob", "manager", actor="alice")
    (kb.root / "templates" / "education").mkdir(parents=True, exist_ok=True)
    (kb.root / "templates" / "education" / "digest.txt").write_text(
        "Subject: Read the docs\n\nIt is your fault you did not read these:\n"
        "{% for i in items %}{{ i.title }}\n{% endfor %}")
    opened = kb.education_draft("alice", as_of=AS_OF, customer_ids=["C-ONE"])
    step = opened[0].steps[0]
    assert [f["text"] for f in step.lint] == ["your fault"]
    with pytest.raises(ToneLintBlocked):
        cases.approve(kb.actions_context(), opened[0].id, "bob")
