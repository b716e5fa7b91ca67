"""Connector responses fuzzed (hypothesis) against real HTTP servers on 127.0.0.1: one
reply of a sync is broken — malformed JSON, a page cut short, a huge payload, a value of
the wrong type — and the sync either completes or stops with a goodfit error, never a
traceback; when it stops, the stored cursor has not moved and the warehouse is as before.

Each connector (Stripe, WHMCS, Zendesk, Freshdesk) is synced once for real first; every
case then runs a full sync with the n-th reply broken. GOODFIT_CONNECTOR_FUZZ_CASES cases
per connector (default 8; slow suite).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from goodfit.errors import GoodfitError
from goodfit.project import Project
from goodfit.state.sync import SyncCursor
from tests.connectors.conftest import FAST, snapshot
from tests.connectors.replay import Reply, Request, serve
from tests.maintenance.test_secrets import CONNECTORS

CASES = int(os.environ.get("GOODFIT_CONNECTOR_FUZZ_CASES", "8"))
WRONG = [None, "x", 12345, -1.5, True, [], {}, ["a", 1], {"k": None}, "9" * 400]


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document."""
    out = [at] if at else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*at, i))
    return out


def _replace(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return doc


def _drop_lists(doc: Any) -> Any:
    """A page cut short: every list in it loses its second half."""
    if isinstance(doc, dict):
        return {k: _drop_lists(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_drop_lists(v) for v in doc[:len(doc) // 2]]
    return doc


def broken(reply: Reply, kind: str, pick: int, cut: float) -> Reply:
    body = reply.body
    if not isinstance(body, dict | list):
        return Reply(reply.status, "<html>not json", reply.headers)
    if kind == "malformed":
        text = json.dumps(body)
        return Reply(reply.status, text[:int(cut * len(text))] or "{", reply.headers)
    if kind == "truncated":
        return Reply(reply.status, _drop_lists(body), reply.headers)
    if kind == "huge":
        paths = [p for p in _paths(body) if isinstance(_get(body, p), str)] or [()]
        path = paths[pick % len(paths)]
        return Reply(reply.status, _replace(body, path, "A" * 5_000_000) if path else
                     {"padding": "A" * 5_000_000, **body} if isinstance(body, dict) else body,
                     reply.headers)
    paths = _paths(body)
    if not paths:
        return Reply(reply.status, WRONG[pick % len(WRONG)], reply.headers)
    path = paths[pick % len(paths)]
    return Reply(reply.status, _replace(body, path, WRONG[(pick // len(paths)) % len(WRONG)]),
                 reply.headers)


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


class Breaker:
    """Wraps a fake API: the n-th reply (counted from ``arm``) is broken."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.left: int | None = None
        self.how: tuple[str, int, float] = ("malformed", 0, 0.5)
        self.hit = False

    def arm(self, nth: int, how: tuple[str, int, float]) -> None:
        self.left, self.how, self.hit = nth, how, False

    def __call__(self, req: Request, base: str) -> Reply:
        reply: Reply = self.api(req, base)
        if self.left is not None and reply.status == 200:
            if self.left == 0:
                self.left, self.hit = None, True
                return broken(reply, *self.how)
            self.left -= 1
        return reply


def _cursor(p: Project, name: str) -> tuple[str, str] | None:
    with p.ws.state.session() as s:
        c = s.get(SyncCursor, name)
        return (c.cursor, c.run_id) if c else None


@pytest.fixture(scope="module", params=sorted(CONNECTORS))
def synced(request: pytest.FixtureRequest) -> Iterator[tuple[str, Project, Breaker, Any]]:
    name = request.param
    type_, api, env = CONNECTORS[name]
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    breaker = Breaker(api())
    try:
        with tempfile.TemporaryDirectory() as tmp, serve(breaker) as server:
            p = Project.init(Path(tmp) / "p")
            p.connect_add(name, type_, server.url,
                          {"page_size": 2} if type_ == "whmcs" else {})
            p.sync(name, policy=FAST)
            yield name, p, breaker, server
            p.close()
        print(json.dumps({k: v for k, v in outcomes.items() if k.startswith(name + " ")}))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


outcomes: dict[str, int] = {}


@pytest.mark.slow
@settings(max_examples=CASES, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its case
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(nth=st.integers(0, 5), kind=st.sampled_from(["malformed", "truncated", "huge",
                                                     "wrong type"]),
       pick=st.integers(0, 10_000), cut=st.floats(0, 1))
def test_a_broken_reply_is_a_clear_error_and_the_cursor_stays(
        synced: tuple[str, Project, Breaker, Any], nth: int, kind: str, pick: int,
        cut: float) -> None:
    name, p, breaker, _ = synced
    before_cursor, before_rows = _cursor(p, name), snapshot(p)
    breaker.arm(nth, (kind, pick, cut))
    try:
        p.sync(name, full=True, policy=FAST)
    except GoodfitError as exc:
        assert exc.message and exc.code
        assert "Traceback" not in exc.message
        assert _cursor(p, name) == before_cursor, (kind, exc.message)
        assert snapshot(p) == before_rows, (kind, exc.message)
        outcomes[f"{name} {kind}: refused"] = outcomes.get(f"{name} {kind}: refused", 0) + 1
        return
    finally:
        breaker.left = None
    key = f"{name} {kind}: {'synced' if breaker.hit else 'not reached'}"
    outcomes[key] = outcomes.get(key, 0) + 1
