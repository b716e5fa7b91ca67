"""SMTP transport for the outbox: one connection, and what each failure means.

``Transient``: the server did not take the message (refused connection, 4xx) — safe
to retry. ``Permanent``: refused for good (5xx). ``Ambiguous``: the line broke while the
server held the message — it may have been delivered, so it must not be resent blindly.
Credentials come only from GOODFIT_SMTP_USER / GOODFIT_SMTP_PASSWORD.
"""

from __future__ import annotations

import contextlib
import smtplib

from goodfit.actions.context import ActionContext
from goodfit.errors import SendError

USER_ENV, PASSWORD_ENV = "GOODFIT_SMTP_USER", "GOODFIT_SMTP_PASSWORD"


class Transient(Exception):
    """The server did not take the message: safe to try again."""


class Permanent(Exception):
    """The server refused the message for good (5xx)."""


class Ambiguous(Exception):
    """The line broke while the server held the message: it may have been delivered."""


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


class Connection:
    def __init__(self, ctx: ActionContext) -> None:
        self.ctx = ctx
        self.smtp: smtplib.SMTP | None = None
        self.unreachable = False  # the last attempt could not even connect

    def open(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        s = self.ctx.config.smtp
        smtp: smtplib.SMTP | None = None
        try:
            cls = smtplib.SMTP_SSL if s.ssl else smtplib.SMTP
            smtp = cls(s.host, s.port, timeout=s.timeout_seconds)
            smtp.ehlo()
            if s.starttls and not s.ssl:
                smtp.starttls()
                smtp.ehlo()
            self._login(smtp)
        except SendError:
            _quietly_close(smtp)
            raise
        except (OSError, smtplib.SMTPException) as exc:
            _quietly_close(smtp)
            self.unreachable = True
            raise Transient(f"cannot reach SMTP server {s.host}:{s.port}: "
                             f"{type(exc).__name__}: {exc}") from None
        self.smtp, self.unreachable = smtp, False
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        s = self.ctx.config.smtp
        user, password = self.ctx.env.get(USER_ENV), self.ctx.env.get(PASSWORD_ENV)
        if not (user and password):
            return
        if not smtp.has_extn("auth"):
            raise SendError(f"{USER_ENV}/{PASSWORD_ENV} are set but the SMTP server "
                            f"{s.host}:{s.port} offers no login (AUTH)"
                            + ("" if s.starttls or s.ssl else "; it may need [smtp] starttls"))
        try:
            smtp.login(user, password)
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError(f"the SMTP server {s.host}:{s.port} refused the login of "
                            f"{USER_ENV} (reply {exc.smtp_code}); check {USER_ENV} and "
                            f"{PASSWORD_ENV}") from None

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            _quietly_close(self.smtp)
            self.smtp = None

    def send(self, sender: str, to: str, raw: str) -> None:
        smtp = self.open()
        try:
            code, resp = smtp.mail(sender)
            if code != 250:
                self._refused(smtp, code, resp, "MAIL FROM")
            code, resp = smtp.rcpt(to)
            if code not in (250, 251):
                self._refused(smtp, code, resp, f"RCPT TO {to}")
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            self.close()
            raise Transient(f"{type(exc).__name__}: {exc}") from None
        try:
            code, resp = smtp.data(raw)
        except smtplib.SMTPResponseException as exc:  # refused before the content was sent
            self._refused(smtp, exc.smtp_code, exc.smtp_error, "DATA")
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise Ambiguous(f"connection lost during DATA: {type(exc).__name__}: {exc}") \
                from None
        if code != 250:  # the server answered: it did not take the message
            self._refused(smtp, code, resp, "DATA")

    @staticmethod
    def _refused(smtp: smtplib.SMTP, code: int, resp: bytes | str, stage: str) -> None:
        text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.rset()
        if 400 <= code < 500:
            raise Transient(f"{stage}: {code} {text}")
        raise Permanent(f"{stage}: {code} {text}")
