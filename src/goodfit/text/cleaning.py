"""Blank out quoted replies and signatures without moving a single character.

E-mail replies quote the staff's own words ("> please do not file a chargeback") and end
in signatures and disclaimers written in capitals. Neither is the customer speaking to
staff, so neither may raise a tone label. Instead of cutting them out (which would shift
every offset), we replace them with spaces and keep newlines: the cleaned text has the
same length as the original, so a span found in it indexes the original text directly.
"""

from __future__ import annotations

import re

# Single-line messages can only be a quote if they start with ">" or carry these.
_ONE_LINE_MARKERS = ("wrote:", "sent from", "original message", "from:")

# A line that starts a quoted reply: everything from it to the end is the earlier thread.
_REPLY_HEADER = re.compile(
    r"^\s*(?:on\b.{0,200}?\bwrote:\s*$"  # On Tue, 3 Mar 2026, Support <s@x> wrote:
    r"|-{2,}\s*original message\s*-{2,}"  # -----Original Message-----
    r"|-{2,}\s*forwarded message\s*-{2,}"
    r"|_{5,}\s*$"  # Outlook's underscore rule
    r"|from:\s.+$)",  # Outlook header block (From: / Sent: / To: / Subject:)
    re.IGNORECASE,
)
# Lines after which the rest is a signature.
_SIG_DELIMITER = re.compile(r"^--\s*$")
_SIGN_OFF = re.compile(
    r"^\s*(?:best|kind|warm|many)?\s*(?:regards|wishes|cheers|sincerely|thanks|thank you"
    r"|thanks in advance|thanks again|thx|tia"
    r"|best|all the best|yours(?: truly| sincerely)?|br|rgds)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
# An opening salutation on a line of its own: "Hi team," "Hello Priya," "Dear Sir/Madam,".
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|hiya|greetings|good\s+(?:morning|afternoon|evening|day))\b"
    r"(?:\s+[\w/.'-]+){0,3}\s*[,:!]?\s*$",  # then a name or two at most
    re.IGNORECASE,
)
_SENT_FROM = re.compile(r"^\s*sent from my\b.*$|^\s*get outlook for\b.*$", re.IGNORECASE)
# A sign-off only ends the message when little follows it (a name, a title, a phone).
_MAX_SIGNATURE_LINES = 6


def strip_quotes_and_signatures(text: str) -> str:
    """``text`` with quoted replies and signatures replaced by spaces (same length)."""
    if "\n" not in text and not text.lstrip().startswith(">"):
        low = text.lower()
        if not any(m in low for m in _ONE_LINE_MARKERS):
            return text
    lines = text.splitlines(keepends=True)
    keep = [True] * len(lines)
    cut_from: int | None = None
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        head = body.lstrip()[:40].lower()
        if not head:
            continue
        # Cheap string tests first; the regular expressions only confirm.
        if (("wrote:" in body or "original message" in head or "forwarded" in head
             or head.startswith(("from:", "_____")))
                and _REPLY_HEADER.match(body) and (i > 0 or len(lines) > 1)):
            cut_from = i
            break
        if head[0] == ">" or (head.startswith(("sent from", "get outlook"))
                              and _SENT_FROM.match(body)):
            keep[i] = False
        elif (head.startswith("--") and _SIG_DELIMITER.match(body)) or (
            len(head) < 30 and i > 0 and len(lines) - i - 1 <= _MAX_SIGNATURE_LINES
            and _SIGN_OFF.match(body)
        ):
            # A sign-off line itself is polite text; blanking it changes no label.
            cut_from = i
            break
    if cut_from is not None:
        for i in range(cut_from, len(lines)):
            keep[i] = False
    if all(keep):
        return text
    return "".join(line if k else _blank(line) for line, k in zip(lines, keep, strict=True))


def _blank(line: str) -> str:
    """Spaces for every character but line breaks, so offsets and line numbers survive."""
    body = line.rstrip("\r\n")
    return " " * len(body) + line[len(body):]


def strip_greeting(text: str) -> str:
    """``text`` with an opening salutation line blanked (same length, like the above)."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    first = text[start:] if end < 0 else text[start:end]
    # A one-line message that is only "Hi team," says nothing either, but a greeting that
    # runs on into the question ("Hi, my site is down") is not on a line of its own.
    if not first or not _GREETING.match(first):
        return text
    return text[:start] + _blank(first) + text[start + len(first):]


def message_content(text: str) -> str:
    """What a message says, for the text models: no quoted reply, signature or greeting.

    The same stripping the tone scorer relies on, plus the salutation; runs of blank
    space are collapsed because the models read words, not offsets.
    """
    cleaned = strip_greeting(strip_quotes_and_signatures(text))
    lines = (" ".join(line.split()) for line in cleaned.splitlines())
    return "\n".join(line for line in lines if line)
