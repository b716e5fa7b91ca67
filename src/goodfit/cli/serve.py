"""``goodfit serve``: the team's web app (needs the web extra)."""


import os
from pathlib import Path
from typing import Annotated

import typer

from goodfit.cli.app import ProjectOption, app, err_console, open_project
from goodfit.errors import GoodfitError


@app.command("serve")
def serve(project: ProjectOption = Path("."),
          host: Annotated[str | None, typer.Option(
              "--host", help="Address to listen on (default [web] host, 127.0.0.1). Another "
              "address exposes the app: put a TLS reverse proxy in front (docs/web.md).")] = None,
          port: Annotated[int | None, typer.Option(
              "--port", help="Port (default [web] port, 8000).")] = None,
          insecure_cookies: Annotated[bool, typer.Option(
              "--insecure-cookies", help="Send the session cookie over plain http too: only "
              "for http://127.0.0.1 (same as [web] secure_cookies = false).")] = False,
          workers: Annotated[int | None, typer.Option(
              "--workers", min=1, max=64, help="Server processes (default [web] workers, 2): "
              "one per CPU core the server may use. They share sessions and the sign-in "
              "limit through the state DB; 1 serves from this process.")] = None,
          ) -> None:
    """Serve the web app: overview, customers, evidence, cases, rewards, audit, /api."""
    try:
        import uvicorn

        from goodfit.web.app import create_app
    except ImportError as exc:
        raise GoodfitError("the web app needs the web extra: pip install 'goodfit[web]'") from exc
    p = open_project(project)
    settings = p.config.web
    secure = settings.secure_cookies and not insecure_cookies
    n = workers or settings.workers
    bind, listen = host or settings.host, port or settings.port
    options = {"host": bind, "port": listen, "log_level": "warning",
               "proxy_headers": True, "forwarded_allow_ips": "127.0.0.1"}
    err_console.print(f"goodfit web app on http://{bind}:{listen} "
                      f"(project {p.root}, {n} worker{'s' if n > 1 else ''}); Ctrl+C stops it")
    if n == 1:
        uvicorn.run(create_app(p, secure_cookies=secure, warm=True), **options)  # type: ignore[arg-type]
        return
    # each worker process opens the project itself (goodfit.web.worker); opening the state
    # DB brings it to the current schema, so it is opened here first, once, and not by the
    # workers at the same time
    p.state  # noqa: B018 - opened for its migration
    from goodfit.web.worker import PROJECT_ENV, SECURE_ENV

    os.environ[PROJECT_ENV] = str(p.root)
    os.environ[SECURE_ENV] = "1" if secure else "0"
    uvicorn.run("goodfit.web.worker:app", factory=True, workers=n,
                **options)  # type: ignore[arg-type]
