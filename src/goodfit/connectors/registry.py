"""Connector types by name (the ``type`` in [connectors.NAME]).

A connector registers where it is defined, as an entry point of the group
``goodfit.connectors`` (pyproject.toml ``[project.entry-points."goodfit.connectors"]``),
the way datasette and pytest find plugins. A package of your own can add one the same
way. Names are read from the installed metadata without importing anything, so goodfit.toml
is checked against them even on a base install without the connectors extra.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from goodfit.config import CONNECTOR_GROUP, connector_types
from goodfit.connectors.base import Connector, ConnectorContext, Options
from goodfit.errors import ConfigError, close_matches


def connector_class(type_: str) -> Any:
    """The class registered for ``type_`` (imported now: it needs the connectors extra)."""
    found = [ep for ep in entry_points(group=CONNECTOR_GROUP) if ep.name == type_]
    if not found:
        near = close_matches(type_, connector_types())
        hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise ConfigError(f"no connector type '{type_}'.{hint} Types: "
                          f"{', '.join(connector_types())}")
    return found[0].load()


def options_model(type_: str) -> type[Options]:
    model: type[Options] = connector_class(type_).options_model
    return model


def credential_fields(type_: str) -> tuple[str, ...]:
    """Which of token / user / secret the type reads (docs/connectors/<type>.md)."""
    return tuple(connector_class(type_).credential_fields)


def make_connector(ctx: ConnectorContext) -> Connector:
    connector: Connector = connector_class(ctx.settings.type)(ctx)
    return connector
