"""Courteous offboarding end to end: drafts, approvals, call log, PDF letter, pack, credit."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from pypdf import PdfReader

from goodfit.actions import audit, cases, offboarding, templates
from goodfit.actions.context import ActionContext
from goodfit.config import Alternative
from goodfit.errors import ActionError, IllegalTransition, ToneLintBlocked, UnknownCustomer
from goodfit.project import Project
from tests.actions.conftest import Mailbox, acme_context
from tests.actions.provider import make_project

NOTICE = date(2026, 1, 30)  # a Friday


@pytest.fixture
def project(tmp_path: Path, state_url: str) -> Iterator[Project]:
    p = make_project(tmp_path / "acme")
    p.config.state.url = state_url
    p.config.project.name = "Acme Hosting"
    p.config.offboarding.sender_address = "1 Server Street\n10115 Berlin"
    p.config.offboarding.alternatives = [
        Alternative(name="Example Cloud", url="https://cloud.example", note="managed VPS")]
    yield p
    p.close()


@pytest.fixture
def octx(project: Project, mailbox: Mailbox) -> ActionContext:
    return acme_context(project, mailbox, NOTICE)


def test_effective_date_counts_calendar_or_business_days() -> None:
    assert offboarding.effective_date(NOTICE, 30) == date(2026, 3, 1)
    # 30 Monday–Friday days after Friday 30 Jan: six full weeks → Friday 13 March.
    assert offboarding.effective_date(NOTICE, 30, business_days=True) == date(2026, 3, 13)
    assert offboarding.effective_date(date(2026, 1, 31), 1, business_days=True) == \
        date(2026, 2, 2)  # Saturday + 1 business day = Monday


def test_offboarding_end_to_end(octx: ActionContext, mailbox: Mailbox, snapshot) -> None:  # type: ignore[no-untyped-def]
    case = offboarding.start(octx, "C-1", reason="support load far above plan", actor="carol",
                             notice_date=NOTICE)
    assert case.kind == "offboarding" and case.state == "draft"
    assert [s.kind for s in case.steps] == ["email", "call", "letter", "pack", "credit", "close"]
    assert all(s.lint == [] for s in case.steps)
    assert case.data["effective_date"] == "2026-03-01"
    assert (octx.root / "templates" / "offboarding" / "notice_email.txt").is_file()
    assert "support load" not in "".join(s.text for s in case.steps)  # the reason stays inside

    with pytest.raises(IllegalTransition, match="Approve the call script first"):
        offboarding.log_call(octx, case.id, outcome="voicemail", notes="x", actor="carol")
    cases.approve(octx, case.id, "bob")
    with pytest.raises(ActionError, match="waits for the call"):
        cases.execute(octx, case.id, "carol")
    assert len(mailbox.messages) == 1  # step 1 went out, then it stopped at the call
    case = offboarding.log_call(octx, case.id, outcome="voicemail",
                                notes="Left a message for billing", actor="carol")
    assert case.step(2).state == "executed"
    assert case.step(2).payload["calls"][0]["outcome"] == "voicemail"
    result = cases.execute(octx, case.id, "carol")
    assert result.executed == (3, 4, 5, 6) and result.case.state == "closed"
    assert sorted(mailbox.count_by_id().values()) == [1, 1, 1]

    mails = [message_from_bytes(m["raw"], policy=policy.default) for m in mailbox.messages]
    assert {m["To"] for m in mails} == {"billing@lodz-cafe.example"}
    notice_mail, letter_mail, pack_mail = mails
    assert snapshot(name="notice_email") == (notice_mail["Subject"],
                                             notice_mail.get_content())  # type: ignore[attr-defined]
    pdf_part = next(letter_mail.iter_attachments())  # type: ignore[attr-defined]
    assert pdf_part.get_filename() == "notice-of-cancellation.pdf"
    folder = octx.root / case.data["folder"]
    assert pdf_part.get_content() == (folder / "notice-of-cancellation.pdf").read_bytes()

    text = "\n".join(p.extract_text() for p in PdfReader(folder / "notice-of-cancellation.pdf")
                     .pages)
    assert "Lódz Café GmbH" in text  # addressed to the organisation (Ł, ź transliterated)
    assert "Notice date: 30 January 2026" in text
    assert "Effective date of cancellation: 1 March 2026" in text
    assert "Acme Hosting" in text and "Ada" not in text
    assert snapshot(name="letter_text") == case.step(3).text

    zpart = next(pack_mail.iter_attachments())  # type: ignore[attr-defined]
    z = zipfile.ZipFile(io.BytesIO(zpart.get_content()))
    assert sorted(z.namelist()) == ["alternatives.txt", "configuration_notes.txt",
                                    "services.csv", "tickets.csv"]
    services = list(csv.DictReader(io.StringIO(z.read("services.csv").decode())))
    assert [s["service_id"] for s in services] == ["S-1", "S-2"]  # S-3 ended in 2024
    tickets = list(csv.DictReader(io.StringIO(z.read("tickets.csv").decode())))
    assert [t["ticket_id"] for t in tickets] == ["T-1", "T-2"]  # oldest first, C-1 only
    assert tickets[1]["subject"] == "Restore, please"
    assert "Example Cloud – https://cloud.example: managed VPS" in \
        z.read("alternatives.txt").decode()

    credit = list(csv.DictReader(io.StringIO((folder / "final-month-credit.csv").read_text())))
    assert [(c["service_id"], c["amount"], c["date"]) for c in credit] == [
        ("S-1", "-24.00", "2026-03-01"), ("S-2", "-6.50", "2026-03-01")]

    kinds = [e.kind for e in audit.events(octx.db, customer_id="C-1")]
    assert kinds.count("send") == 3 and "call_logged" in kinds and "export" in kinds
    assert kinds[-1] == "case_closed" and audit.verify(octx.db).ok


def test_letter_renders_to_png(octx: ActionContext, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    pdf = octx.root / case.data["folder"] / "notice-of-cancellation.pdf"
    out = tmp_path / "letter"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(out)],
                   check=True)
    png = out.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image  # fpdf2 depends on Pillow

    with Image.open(png) as img:
        gray = img.convert("L")
        w, h = gray.size  # A4 at 60 dpi: 210 mm → 496.1 px, 297 mm → 701.6 px
        assert abs(w - 496) <= 1 and abs(h - 702) <= 1

        def ink(box: tuple[int, int, int, int]) -> int:
            return sum(gray.crop(box).point(lambda v: 255 if v < 128 else 0).histogram()[255:])

        margin = int(25 / 25.4 * 60)  # 25 mm margins
        assert ink((0, 0, w, margin - 5)) == 0 and ink((0, 0, margin - 5, h)) == 0
        assert ink((margin, margin, w - margin, h // 2)) > 2000  # letterhead, address, text
        assert ink((0, h - margin + 5, w, h)) == 0  # one page, nothing in the bottom margin


def test_billing_contact_is_used_when_customer_has_no_email(octx: ActionContext) -> None:
    case = offboarding.start(octx, "C-2", reason="r", actor="carol", notice_date=NOTICE)
    assert case.data["to"] == "accounts@quiet.example"


def test_unknown_customer_suggests_close_ids(octx: ActionContext) -> None:
    with pytest.raises(UnknownCustomer, match="C-1"):
        offboarding.start(octx, "C-11", reason="r", actor="carol")


def test_blaming_template_blocks_until_manager_overrides(octx: ActionContext) -> None:
    templates.ensure_defaults(octx.root, "offboarding")
    path = octx.root / "templates" / "offboarding" / "notice_email.txt"
    path.write_text("Subject: Goodbye\n\nThis is your fault, {{ organisation }}.\n")
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    assert case.step(1).lint[0]["phrase"] == "your fault"
    with pytest.raises(ToneLintBlocked):
        cases.approve(octx, case.id, "bob")
    case = cases.approve(octx, case.id, "bob", step=1, override_reason="legal asked for it")
    assert case.step(1).override_reason == "legal asked for it"


def test_business_day_notice_in_letter(octx: ActionContext) -> None:
    octx.config.offboarding.business_days = True
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    pdf = octx.root / case.data["folder"] / "notice-of-cancellation.pdf"
    assert "Effective date of cancellation: 13 March 2026" in PdfReader(pdf).pages[0]\
        .extract_text()


def test_letter_is_not_sent_after_its_date(octx: ActionContext, mailbox: Mailbox) -> None:
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    cases.approve(octx, case.id, "bob")
    with pytest.raises(ActionError, match="step order: step.s. 1, 2 of case 1 come first"):
        cases.execute(octx, case.id, "carol", step=3)  # the call step is skipped: refused
    cases.execute(octx, case.id, "carol", step=1)
    offboarding.log_call(octx, case.id, outcome="voicemail", notes="n", actor="carol")
    assert len(mailbox.messages) == 1
    octx.today = lambda: date(2026, 2, 2)  # three days after the letter's date
    with pytest.raises(ActionError, match="would shorten the notice"):
        cases.execute(octx, case.id, "carol", step=3)
    assert len(mailbox.messages) == 1  # the letter did not go out


def test_letter_font_keeps_non_latin_names(octx: ActionContext) -> None:
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.is_file():
        pytest.skip("DejaVu Sans (fonts-dejavu-core) is not installed")
    shutil.copy(font, octx.root / "letter.ttf")
    octx.config.offboarding.letter_font = "letter.ttf"
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    pdf = octx.root / case.data["folder"] / "notice-of-cancellation.pdf"
    assert "Łódź Café GmbH" in PdfReader(pdf).pages[0].extract_text()


def test_one_open_offboarding_per_customer(octx: ActionContext) -> None:
    first = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    with pytest.raises(ActionError, match=f"case {first.id} already offboards C-1"):
        offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    cases.cancel(octx, first.id, "bob", reason="they improved")
    assert offboarding.start(octx, "C-1", reason="r", actor="carol",
                             notice_date=NOTICE).state == "draft"


def test_html_templates_are_autoescaped_text_ones_are_not(tmp_path: Path) -> None:
    (tmp_path / "templates" / "g").mkdir(parents=True)
    (tmp_path / "templates" / "g" / "a.html").write_text("<p>{{ name }}</p>")
    (tmp_path / "templates" / "g" / "a.txt").write_text("{{ name }}")
    name = "<script>x</script> & Co"
    assert templates.render(tmp_path, "g", "a.html", name=name) == \
        "<p>&lt;script&gt;x&lt;/script&gt; &amp; Co</p>"
    assert templates.render(tmp_path, "g", "a.txt", name=name) == name
    with pytest.raises(ActionError, match="'missing' is undefined"):
        (tmp_path / "templates" / "g" / "b.txt").write_text("{{ missing }}")
        templates.render(tmp_path, "g", "b.txt")
