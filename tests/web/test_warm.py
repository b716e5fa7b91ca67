"""A starting server reads every customer's figures before it accepts a request."""

from __future__ import annotations

import gc
import threading
import time

import httpx
import uvicorn

from goodfit.project import Project
from tests.processes import free_port


def test_the_server_answers_only_after_the_per_customer_figures_are_read(
        project: Project) -> None:
    from goodfit.web.app import create_app

    app = create_app(project, secure_cookies=False, warm=True)
    data = app.state.data
    assert data._per_customer_cache == {}  # nothing read when the app is made
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    frozen_before = gc.get_freeze_count()
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:  # set by uvicorn once the lifespan startup is done
            assert time.monotonic() < deadline and thread.is_alive(), "did not start"
            time.sleep(0.02)
        snap = data.snapshot()
        # read before the first request: the first customer page only looks them up
        assert list(data._per_customer_cache) == [snap.id]
        # and moved out of the collector's walks
        assert gc.get_freeze_count() > frozen_before
        r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=10)
        assert r.status_code == 200
    finally:
        server.should_exit = True
        thread.join(10)
        gc.unfreeze()
