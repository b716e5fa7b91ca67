"""The connectors capability for a project: configure sources and sync them through the
one import path."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goodfit.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from goodfit.config import ConnectorSettings
    from goodfit.ingest.service import Ingest
    from goodfit.workspace import Workspace


def _require_connectors_extra() -> None:
    """Connectors need HTTP libraries the base install leaves out: say so, not a traceback."""
    import importlib.util

    from goodfit.errors import ConfigError

    missing = [m for m in ("httpx", "tenacity") if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(f"connectors need {', '.join(missing)}, which the base install "
                          "leaves out: pip install 'goodfit[connectors]'")


class Connectors:
    def __init__(self, ws: Workspace, ingest: Ingest) -> None:
        self._ws = ws
        self._ingest = ingest

    def add(self, name: str, type_: str, url: str = "",
            options: Mapping[str, Any] | None = None) -> ConnectorSettings:
        """Add [connectors.NAME] to goodfit.toml (type, url, options; never credentials)."""
        _require_connectors_extra()
        from goodfit.connectors.setup import add_connector

        settings = add_connector(self._ws.config_file, self._ws.config.connectors, name, type_,
                                 url, dict(options or {}))
        self._ws.reload_config()
        return settings

    @staticmethod
    def parse_options(texts: list[str]) -> dict[str, Any]:
        """``["key=value", …]`` from the command line."""
        from goodfit.connectors.setup import parse_option

        return dict(parse_option(t) for t in texts)

    def credential_names(self, name: str) -> list[str]:
        """The environment variables connector ``name`` reads its credentials from."""
        from goodfit.connectors.credentials import env_name
        from goodfit.connectors.registry import credential_fields

        return [env_name(name, f)
                for f in credential_fields(self._ws.config.connectors[name].type)]

    def configured(self) -> list[dict[str, Any]]:
        """Configured connectors with where their last sync stands."""
        from goodfit.state.sync import SyncCursor, last_runs

        out = []
        with self._ws.state.session() as s:
            for name, c in self._ws.config.connectors.items():
                runs = last_runs(s, name, limit=1)
                cursor = s.get(SyncCursor, name)
                out.append({
                    "name": name, "type": c.type, "url": c.url, "options": c.options,
                    "last_sync": runs[0].started_at if runs else None,
                    "last_status": runs[0].status if runs else None,
                    "last_error": runs[0].error if runs else None,
                    "cursor_at": cursor.updated_at if cursor else None,
                })
        return out

    __call__ = configured  # ``project.connectors()``: the first release's flat name

    def sync(self, name: str | None = None, *, full: bool = False,
             secrets_file: str | Path | None = None, progress: Progress = NO_PROGRESS,
             policy: Any = None) -> list[Any]:
        """Fetch from one connector (or all), import through the file importer, then
        move the stored cursor. Returns one SyncResult per connector."""
        _require_connectors_extra()
        from goodfit.connectors.base import ConnectorContext
        from goodfit.connectors.credentials import load_credentials
        from goodfit.connectors.http import RetryPolicy
        from goodfit.connectors.sync import run_sync
        from goodfit.errors import UnknownConnector

        known = self._ws.config.connectors
        if name is not None and name not in known:
            raise UnknownConnector(name, known)
        if not known:
            raise UnknownConnector(name or "(any)", known)
        results = []
        for cname in [name] if name else list(known):
            creds = load_credentials(cname, self._ws.root,
                                     Path(secrets_file) if secrets_file else None)
            ctx = ConnectorContext(cname, known[cname], creds, policy or RetryPolicy())
            results.append(run_sync(
                ctx, state=self._ws.state, staging_root=self._ws.root / ".sync", full=full,
                import_file=lambda table, path: self._ingest.import_file(table, path,
                                                                         progress=progress),
                progress=progress))
        return results
