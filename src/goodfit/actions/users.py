"""Users and roles. The first user may be added by anyone; after that, only an owner.

A user may carry an argon2id password hash to sign in to the web app; the hash is never
returned by a view, logged or audited (the audit records only that it was set)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodfit.actions import audit
from goodfit.errors import GoodfitError, NotAllowed, UnknownUser
from goodfit.state.db import StateDB
from goodfit.state.users import ROLES, User


@dataclass(frozen=True)
class UserView:
    name: str
    role: str
    created_at: str
    created_by: str | None


def _view(u: User) -> UserView:
    return UserView(u.name, u.role, u.created_at, u.created_by)


def require_user(session: Session, name: str | None) -> User:
    """The acting user, or a clear error naming how to say who you are."""
    if not name:
        raise NotAllowed("say who is acting: --as USER (or set GOODFIT_USER)")
    user = session.get(User, name)
    if user is None:
        known = session.execute(select(User.name)).scalars().all()
        raise UnknownUser(name, known)
    return user


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError as exc:  # the web extra is not installed
        raise GoodfitError("passwords need the web extra: pip install 'goodfit[web]'") from exc
    return PasswordHasher()


def _checked_hash(password: str, min_length: int) -> str:
    if len(password) < min_length:
        raise GoodfitError(f"a password must be at least {min_length} characters "
                           "([web] min_password_length)")
    return str(_hasher().hash(password))


def add_user(db: StateDB, name: str, role: str, *, actor: str | None = None,
             password: str | None = None, min_password_length: int = 12) -> UserView:
    if role not in ROLES:
        raise GoodfitError(f"role must be one of {', '.join(ROLES)}, not '{role}'")
    name = name.strip()
    if not name or len(name) > 100:
        raise GoodfitError("a user name must be 1–100 characters")
    with db.session() as session:
        count = session.execute(select(func.count()).select_from(User)).scalar_one()
        if count:
            acting = require_user(session, actor)
            if acting.role != "owner":
                raise NotAllowed(f"only an owner may add users; {acting.name} is {acting.role}")
        elif role != "owner":
            raise NotAllowed("the first user must be an owner (--role owner)")
        if session.get(User, name) is not None:
            raise GoodfitError(f"user '{name}' already exists")
        digest = _checked_hash(password, min_password_length) if password is not None else None
        user = User(name=name, role=role, created_at=audit.now_iso(), created_by=actor,
                    password_hash=digest)
        session.add(user)
        audit.append_in(session, "user_added", actor=actor or name,
                        data={"user": name, "role": role, "password_set": digest is not None})
        return _view(user)


def set_password(db: StateDB, name: str, password: str, *, actor: str | None,
                 min_password_length: int = 12) -> UserView:
    """Set a user's web password: the user themself, or an owner for anyone."""
    digest = _checked_hash(password, min_password_length)
    with db.session() as session:
        user = session.get(User, name)
        if user is None:
            raise UnknownUser(name, session.execute(select(User.name)).scalars().all())
        acting = require_user(session, actor)
        if acting.name != name and acting.role != "owner":
            raise NotAllowed(f"only an owner may set another user's password; "
                             f"{acting.name} is {acting.role}")
        user.password_hash = digest
        audit.append_in(session, "password_set", actor=acting.name, data={"user": name})
        return _view(user)


def authenticate(db: StateDB, name: str, password: str) -> UserView | None:
    """The user when the password matches their stored hash; None otherwise (same cost
    whether or not the user exists, so a probe cannot tell names apart by timing)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    ph = _hasher()
    with db.session() as session:
        user = session.get(User, name) if name else None
        digest = user.password_hash if user is not None else None
        try:
            ph.verify(digest or _DUMMY_HASH.get(ph), password)
        except (VerificationError, InvalidHashError):
            return None
        return _view(user) if user is not None and digest else None


class _Dummy:
    """A hash to verify against when the user is unknown (computed once, lazily)."""

    value: str | None = None

    def get(self, ph: Any) -> str:
        if self.value is None:
            self.value = str(ph.hash("not a real password: keeps timing even"))
        return self.value


_DUMMY_HASH = _Dummy()


def get_user(db: StateDB, name: str) -> UserView | None:
    with db.session() as session:
        user = session.get(User, name)
        return _view(user) if user is not None else None


def list_users(db: StateDB) -> list[UserView]:
    with db.session() as session:
        return [_view(u) for u in session.execute(select(User).order_by(User.name)).scalars()]
