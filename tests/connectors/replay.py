"""A real HTTP server on 127.0.0.1 that answers like a vendor's API.

Each fake API is a function (request) -> Reply that pages over fixture objects the way
the vendor's documentation says. ``faults`` inject, per path, replies served before the
real one: a 429 with Retry-After, a 500, a 401.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Api = Callable[[Request, str], Reply]  # (request, base url) -> reply


class Replay:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.log: list[Request] = []
        self.faults: dict[str, list[Reply]] = {}
        self.url = ""
        self.on_request: Callable[[Request], None] | None = None

    def fault(self, path: str, *replies: Reply) -> None:
        self.faults.setdefault(path, []).extend(replies)

    def handle(self, req: Request) -> Reply:
        self.log.append(req)
        if self.on_request:
            self.on_request(req)
        queued = self.faults.get(req.path)
        if queued:
            return queued.pop(0)
        return self.api(req, self.url)


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            form = {k: v[-1] for k, v in parse_qs(raw).items()}
            req = Request(self.command, parts.path, query, form,
                          {k.lower(): v for k, v in self.headers.items()})
            try:
                reply = replay.handle(req)
            except Exception as exc:  # a bug in the fake: answer 599 so the test sees it
                reply = Reply(599, {"fake_error": repr(exc)})
            data = b"" if reply.body is None else (
                reply.body.encode() if isinstance(reply.body, str) else json.dumps(reply.body)
                .encode())
            self.send_response(reply.status)
            ctype = "text/html" if isinstance(reply.body, str) else "application/json"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@contextmanager
def serve(api: Api) -> Iterator[Replay]:
    replay = Replay(api)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    replay.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def load(source: str, name: str) -> Any:
    from pathlib import Path

    path = Path(__file__).parent.parent / "data" / "connectors" / source / name
    return json.loads(path.read_text(encoding="utf-8"))
