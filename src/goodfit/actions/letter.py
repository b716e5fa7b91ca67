"""Written notices as PDF letters (fpdf2), addressed to the organisation.

Core PDF fonts only cover Latin-1. Set ``[offboarding] letter_font`` to a TrueType file
(relative to the project folder) for other scripts; without it, characters outside
Latin-1 are transliterated ("Łódź" → "Lodz"), never dropped silently into "?"
unless nothing close exists.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF

_PUNCT = {"‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-",
          "…": "...", "•": "-", "€": "EUR", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
          "đ": "d", "Đ": "D", "ß": "ss", "ı": "i", "\u00a0": " "}


def transliterate(text: str) -> str:
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        if ch in _PUNCT:
            out.append(_PUNCT[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                       if not unicodedata.combining(c))
        try:
            out.append(base.encode("latin-1").decode("latin-1") if base else "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


@dataclass(frozen=True)
class Letter:
    sender: str  # the provider
    sender_address: str
    recipient: str  # the organisation
    recipient_lines: tuple[str, ...]  # e.g. "Attn: Billing", e-mail address
    dated: date
    subject: str
    body: str  # rendered from templates/offboarding/letter.txt


def long_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


def write_pdf(letter: Letter, path: Path, font_file: Path | None = None) -> Path:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=25)
    # Fixed creation date: the same letter gives the same bytes (hashes stay stable).
    pdf.set_creation_date(datetime(letter.dated.year, letter.dated.month, letter.dated.day))
    pdf.set_title(letter.subject)
    pdf.set_author(letter.sender)
    if font_file is not None:
        pdf.add_font("letter", "", str(font_file))
        pdf.add_font("letter", "B", str(font_file))
        family, fix = "letter", (lambda s: s)
    else:
        family, fix = "helvetica", transliterate
    pdf.add_page()
    pdf.set_font(family, "B", 13)
    pdf.cell(0, 7, fix(letter.sender), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    for line in letter.sender_address.splitlines():
        pdf.cell(0, 4.5, fix(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.set_font(family, "", 11)
    pdf.cell(0, 5.5, fix(letter.recipient), new_x="LMARGIN", new_y="NEXT")
    for line in letter.recipient_lines:
        pdf.cell(0, 5.5, fix(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.cell(0, 5.5, fix(long_date(letter.dated)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, "B", 11)
    pdf.multi_cell(0, 6, fix(letter.subject), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "", 11)
    for para in letter.body.strip().split("\n\n"):
        pdf.multi_cell(0, 5.5, fix(" ".join(para.split("\n")) if not _is_list(para)
                                   else para), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _is_list(para: str) -> bool:
    """Keep line breaks for blocks of short lines (dates, lists, signatures)."""
    lines = para.strip().splitlines()
    return len(lines) > 1 and all(len(x) < 60 for x in lines)
