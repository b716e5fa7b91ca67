"""Composes ticket subjects and message bodies from the templates in ``text``.

Text choices use a ``random.Random`` seeded from the batch's numpy generator: it is several
times faster than numpy for single picks, and just as deterministic.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

from goodfit.synth import text as t

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class _Slots(dict[str, Any]):
    """Slot values for one ticket; missing ones are drawn when a template first asks."""

    def __init__(self, r: random.Random, base: dict[str, Any]) -> None:
        super().__init__(base)
        self.r = r

    def __missing__(self, key: str) -> str:
        r = self.r
        if key in t.SLOTS:
            value = r.choice(t.SLOTS[key])
        elif key == "pct":
            value = str(r.randint(5, 60))
        elif key == "ms":
            value = str(r.randint(180, 2400))
        elif key in ("mins", "hours", "n"):
            value = str(r.randint(2, 45 if key == "mins" else 12))
        else:
            value = key
        self[key] = value
        return value


class MessageWriter:
    def __init__(self, r: random.Random) -> None:
        self.r = r

    def slots(self, base: dict[str, Any]) -> _Slots:
        return _Slots(self.r, base)

    def _pick(self, options: Sequence[str]) -> str:
        return options[int(self.r.random() * len(options))]

    def subject(self, intent: str, s: _Slots, question: str | None = None) -> str:
        r = self.r
        if intent == "howto" and question:
            x = r.random()
            if x < 0.5:
                subject = question.rstrip("?. ")
                return subject[:70] if len(subject) <= 70 else subject[:67] + "..."
            if x < 0.8:
                return self._pick(("Question", "Help please", "How to?", "quick question",
                                   "Need help", "Problem", "?"))
            return "Question about " + s["tag"]
        subject = self._pick(t.SUBJECTS.get(intent, t.SUBJECTS["info"])).format_map(s)
        return subject.upper() if r.random() < 0.04 else subject

    def customer_first(self, intent: str, s: _Slots, *, question: str | None = None,
                       abusive: bool = False) -> str:
        r = self.r
        core = question if question else self._pick(t.CORES[intent]).format_map(s)
        if question and r.random() < 0.5:
            core = self._pick(("I have a question: ", "Quick one - ", "Sorry to bother you, ",
                               "I looked around but ", "Hi again, ", "")) + core
        parts = [core]
        details = t.QUESTION_DETAILS if intent in t.QUESTION_INTENTS else t.DETAILS
        if r.random() < 0.55:
            parts.append(self._pick(details).format_map(s))
        if r.random() < 0.25:
            parts.append(self._pick(details).format_map(s))
        return self._wrap(" ".join(parts), s, abusive)

    def customer_followup(self, intent: str, s: _Slots, *, resolved: bool, abusive: bool,
                          quote: str | None, quote_at: int) -> str:
        r = self.r
        kind = "done" if resolved else "ask" if intent in t.QUESTION_INTENTS else "open"
        body = self._pick(t.CUSTOMER_FOLLOWUPS[kind]).format_map(s)
        if r.random() < 0.3 and not resolved:
            details = t.QUESTION_DETAILS if intent in t.QUESTION_INTENTS else t.DETAILS
            body += " " + self._pick(details).format_map(s)
        out = self._wrap(body, s, abusive, greet=r.random() < 0.4)
        if quote and r.random() < 0.45:
            out += "\n\n" + self._quote(quote, quote_at)
        return out

    def _wrap(self, body: str, s: _Slots, abusive: bool, greet: bool = True) -> str:
        r = self.r
        if abusive:
            body = self._abuse(body)
        elif r.random() < 0.3:
            body = typos(body, r)
        lines = []
        if greet:
            greeting = self._pick(t.GREETINGS).format_map(s)
            if greeting:
                lines += [greeting, ""]
        lines.append(body)
        closing = self._pick(t.CLOSINGS)
        signature = self._pick(t.SIGNATURES).format_map(s)
        if closing:
            comma = signature and closing[-1].isalpha() and r.random() < 0.5
            lines += ["", closing + ("," if comma else "")]
        if signature:
            lines.append(signature if closing else "\n" + signature)
        return "\n".join(lines)

    def _abuse(self, body: str) -> str:
        """Insults, shouting, profanity and threats aimed at staff, in varied mixes."""
        r = self.r
        if r.random() < 0.35:
            body = body.upper() + "!!!"
        extra = []
        if r.random() < 0.7:
            extra.append(self._pick(t.ABUSE_INSULTS))
        if r.random() < 0.5:
            extra.append(self._pick(t.ABUSE_SHOUTS))
        if r.random() < 0.45:
            extra.append(self._pick(t.ABUSE_THREATS))
        if r.random() < 0.25:
            extra.append(self._pick(t.ABUSE_PROFANITY))
        if not extra:
            extra.append(self._pick(t.ABUSE_THREATS))
        r.shuffle(extra)
        return body + " " + " ".join(extra) if r.random() < 0.6 else " ".join(extra) + " " + body

    def _quote(self, previous: str, at: int) -> str:
        r = self.r
        quoted = "\n".join("> " + line if line else ">" for line in previous.splitlines())
        if r.random() < 0.5:
            return quoted
        tm = time.gmtime(at)
        header = (f"On {_WEEKDAYS[tm.tm_wday]}, {tm.tm_mday} {_MONTHS[tm.tm_mon - 1]} "
                  f"{tm.tm_year} at {tm.tm_hour:02d}:{tm.tm_min:02d}, ExampleHost Support "
                  "<support@examplehost.net> wrote:")
        return header + "\n" + quoted

    def staff(self, intent: str, s: _Slots, *, calm: bool = False, closing: bool = False) -> str:
        lines = [self._pick(("Hi {first},", "Hello {first},", "Dear {first},", "Hi,"))
                 .format_map(s), ""]
        if calm:
            lines += [self._pick(t.STAFF_CALM), ""]
        if closing:
            lines.append(self._pick(("Glad to hear it works. I will close this ticket now.",
                                     "Thanks for confirming, closing the ticket.",
                                     "Great news. Feel free to reply if anything comes up.")))
        else:
            opener = self._pick(t.STAFF_OPENERS)
            lines.append(opener + " " + self._pick(t.STAFF_CORES[intent]).format_map(s))
        lines += ["", self._pick(t.STAFF_CLOSINGS).format_map(s)]
        return "\n".join(lines)


def typos(text: str, r: random.Random) -> str:
    """A few human slips: swapped or dropped letters, lower-case i, missing apostrophes."""
    words = text.split(" ")
    for _ in range(r.randint(1, 3)):
        i = r.randrange(len(words))
        w = words[i]
        if len(w) < 4 or not w.isalpha():
            continue
        j = r.randrange(1, len(w) - 1)
        kind = r.random()
        if kind < 0.4:
            w = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
        elif kind < 0.7:
            w = w[:j] + w[j + 1:]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    out = " ".join(words)
    if r.random() < 0.3:
        out = out.replace(" I ", " i ").replace("'", "")
    return out
