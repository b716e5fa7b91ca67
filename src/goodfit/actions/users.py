"""Users and roles. The first user may be added by anyone; after that, only an owner."""

from __future__ import annotations

from dataclasses import dataclass

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


def add_user(db: StateDB, name: str, role: str, *, actor: str | None = None) -> UserView:
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
        user = User(name=name, role=role, created_at=audit.now_iso(), created_by=actor)
        session.add(user)
        audit.append_in(session, "user_added", actor=actor or name,
                        data={"user": name, "role": role})
        return _view(user)


def list_users(db: StateDB) -> list[UserView]:
    with db.session() as session:
        return [_view(u) for u in session.execute(select(User).order_by(User.name)).scalars()]
