"""Sessions, CSRF tokens, sign-in rate limiting and which role may use which route.

Sessions live in the server's memory (a restart signs everyone out): a random 256-bit id
in a cookie that is HttpOnly, SameSite=Strict and Secure (unless turned off for plain
http on 127.0.0.1). Each session carries its own CSRF token; every state-changing form
posts it back. The user's role is read from the state DB on every request, so a removed
or demoted user loses access at once.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

COOKIE = "goodfit_session"

ROLES = ("owner", "manager", "agent", "viewer")
ANY_SIGNED_IN = frozenset(ROLES)
STAFF = frozenset({"owner", "manager", "agent"})
LEADS = frozenset({"owner", "manager"})
OWNER = frozenset({"owner"})


@dataclass
class Session:
    id: str
    csrf: str
    expires: float
    user: str | None = None  # None: not signed in yet (holds the sign-in form's CSRF token)


@dataclass
class SessionStore:
    lifetime_seconds: float
    _sessions: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def new(self, user: str | None = None) -> Session:
        s = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                    time.monotonic() + self.lifetime_seconds, user)
        with self._lock:
            self._expire()
            self._sessions[s.id] = s
        return s

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self._lock:
            s = self._sessions.get(sid)
            if s is None or s.expires < time.monotonic():
                self._sessions.pop(sid, None)
                return None
            return s

    def drop(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(sid, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for sid in [k for k, v in self._sessions.items() if v.expires < now]:
            del self._sessions[sid]


def csrf_ok(session: Session | None, token: str | None) -> bool:
    return bool(session and token and hmac.compare_digest(session.csrf, token))


@dataclass
class LoginLimiter:
    """At most ``attempts`` failed sign-ins per user name and per client address within
    ``window`` seconds; further attempts are refused without checking the password."""

    attempts: int
    window: float
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _keys(self, name: str, client: str) -> tuple[str, str]:
        return (f"user:{name.strip().lower()}", f"addr:{client}")

    def blocked(self, name: str, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(name, client):
                q = self._failures.get(key)
                while q and q[0] < now - self.window:
                    q.popleft()
                if q and len(q) >= self.attempts:
                    return True
            return False

    def failed(self, name: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(name, client):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(name, "")[0], None)
