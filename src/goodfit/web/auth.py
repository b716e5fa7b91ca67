"""Sessions, CSRF tokens, sign-in rate limiting and which role may use which route.

Sessions and failed sign-ins live in the state DB (``project.actions.web_sessions``,
actions/sessions.py), so every worker of ``goodfit serve --workers N`` shares them and
a restart signs nobody out: a random 256-bit id in a cookie that is HttpOnly,
SameSite=Strict and Secure (unless turned off for plain http on 127.0.0.1), of which the
state DB keeps only the SHA-256. Each session carries its own CSRF token; every
state-changing form posts it back. The user's role is read from the state DB on every
request, so a removed or demoted user loses access at once.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goodfit.actions.sessions import Session

COOKIE = "goodfit_session"

ROLES = ("owner", "manager", "agent", "viewer")
ANY_SIGNED_IN = frozenset(ROLES)
STAFF = frozenset({"owner", "manager", "agent"})
LEADS = frozenset({"owner", "manager"})
OWNER = frozenset({"owner"})


def csrf_ok(session: Session | None, token: str | None) -> bool:
    return bool(session and token and hmac.compare_digest(session.csrf, token))
