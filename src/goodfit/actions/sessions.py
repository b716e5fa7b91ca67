"""Web sessions and the sign-in rate limit, kept in the state DB.

Every server process (``goodfit serve --workers N``) reads and writes the same rows, so a
session made by one worker is valid in every other, survives a restart, and a sign-out
or an expiry holds everywhere at once. The browser holds a random 256-bit id; the state
DB holds only its SHA-256, so a copy of the DB does not let anyone act as a user. Each
session carries its own CSRF token. Failed sign-ins are rows per user name and per client
address: at most ``attempts`` within ``window`` seconds, counted across every worker.
Times are wall-clock seconds (UTC), the one clock processes share.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from goodfit.state.db import StateDB
from goodfit.state.web_sessions import SignInFailure, WebSession

# Expired sessions and old failures are deleted by a write at most this often.
PURGE_SECONDS = 60.0


@dataclass(frozen=True)
class Session:
    id: str
    csrf: str
    expires: float
    user: str | None = None  # None: not signed in yet (holds the sign-in form's CSRF token)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


class SessionStore:
    def __init__(self, state: StateDB, lifetime_seconds: float) -> None:
        self._state = state
        self.lifetime_seconds = lifetime_seconds
        self._purged = 0.0

    def new(self, user: str | None = None) -> Session:
        s = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                    time.time() + self.lifetime_seconds, user)
        with self._state.engine.begin() as con:
            self._purge(con)
            con.execute(insert(WebSession).values(id_sha256=_digest(s.id), csrf=s.csrf,
                                                  user_name=user, expires_at=s.expires))
        return s

    def get(self, sid: str | None) -> Session | None:
        if not sid or len(sid) > 200:
            return None
        t = WebSession.__table__
        with self._state.engine.connect() as con:
            row = con.execute(select(t.c.csrf, t.c.user_name, t.c.expires_at).where(
                t.c.id_sha256 == _digest(sid), t.c.expires_at >= time.time())).first()
        return None if row is None else Session(sid, row.csrf, row.expires_at, row.user_name)

    def drop(self, sid: str) -> None:
        with self._state.engine.begin() as con:
            con.execute(delete(WebSession).where(WebSession.id_sha256 == _digest(sid)))

    def _purge(self, con: object) -> None:
        now = time.time()
        if now - self._purged >= PURGE_SECONDS:
            self._purged = now
            con.execute(delete(WebSession).where(  # type: ignore[attr-defined]
                WebSession.expires_at < now))


class LoginLimiter:
    """At most ``attempts`` failed sign-ins per user name and per client address within
    ``window`` seconds; further attempts are refused without checking the password."""

    def __init__(self, state: StateDB, attempts: int, window: float) -> None:
        self._state = state
        self.attempts = attempts
        self.window = window

    @staticmethod
    def _keys(name: str, client: str) -> tuple[str, str]:
        return (f"user:{name.strip().lower()}"[:300], f"addr:{client}"[:300])

    def blocked(self, name: str, client: str) -> bool:
        since = time.time() - self.window
        with self._state.engine.connect() as con:
            for key in self._keys(name, client):
                n = con.execute(select(func.count()).select_from(SignInFailure).where(
                    SignInFailure.key == key, SignInFailure.at >= since)).scalar_one()
                if n >= self.attempts:
                    return True
        return False

    def failed(self, name: str, client: str) -> None:
        now = time.time()
        with self._state.engine.begin() as con:
            con.execute(delete(SignInFailure).where(SignInFailure.at < now - self.window))
            con.execute(insert(SignInFailure), [{"key": k, "at": now}
                                                for k in self._keys(name, client)])

    def succeeded(self, name: str) -> None:
        with self._state.engine.begin() as con:
            con.execute(delete(SignInFailure).where(
                SignInFailure.key == self._keys(name, "")[0]))
