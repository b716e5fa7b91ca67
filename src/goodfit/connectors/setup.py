"""Adding a connector to goodfit.toml: type, url and options only, never a credential."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from goodfit.config import ConnectorSettings, connector_types
from goodfit.errors import ConfigError, ConnectorExists

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
SECRET_WORDS = ("token", "secret", "password", "key", "identifier")


def toml_value(value: Any) -> str:
    """A TOML literal for strings, numbers, booleans, lists and tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}"
                                for k, v in value.items()) + " }"
    raise ConfigError(f"cannot write {type(value).__name__} to goodfit.toml")


def parse_option(pair: str) -> tuple[str, Any]:
    """key=value; the value is read as JSON when it parses (numbers, true, lists, {…})."""
    if "=" not in pair:
        raise ConfigError(f"option '{pair}': expected key=value")
    key, raw = (p.strip() for p in pair.split("=", 1))
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return key, value


def add_connector(config_file: Path, existing: dict[str, ConnectorSettings], name: str,
                  type_: str, url: str, options: dict[str, Any]) -> ConnectorSettings:
    if not NAME.match(name):
        raise ConfigError(f"connector name '{name}': use lower-case letters, digits, - and _ "
                          "(starting with a letter)")
    if name in existing:
        raise ConnectorExists(name)
    if type_ not in connector_types():
        raise ConfigError(f"connector type '{type_}': choose one of {', '.join(connector_types())}")
    if url and not re.match(r"^https?://", url):
        raise ConfigError(f"url '{url}' must start with https:// (or http://)")
    if "@" in url.split("//", 1)[-1].split("/", 1)[0]:
        raise ConfigError("the url must not contain a user name or password; credentials go "
                          "in environment variables or the secrets file")
    query = urlsplit(url).query
    leaked = [k for k, _ in parse_qsl(query, keep_blank_values=True)
              if any(w in k.lower().replace("-", "_") for w in (*SECRET_WORDS, "auth", "sig",
                                                               "pass", "access"))]
    if leaked:
        raise ConfigError(f"the url must not carry credentials in its query ({', '.join(leaked)}"
                          "=…); credentials go in environment variables or the secrets file")
    for key in options:
        if any(w in key.lower() for w in SECRET_WORDS) and key != "page_size":
            raise ConfigError(f"option '{key}' looks like a credential; credentials go in "
                              "environment variables or the secrets file, not goodfit.toml")
    settings = ConnectorSettings(type=type_, url=url, options=options)  # type: ignore[arg-type]
    # Validate the options with the connector's own model before writing anything.
    from goodfit.connectors.base import parse_options
    from goodfit.connectors.registry import options_model

    parse_options(options_model(type_), name, options)
    lines = ["", f"[connectors.{name}]", f"type = {toml_value(type_)}", f"url = {toml_value(url)}"]
    if options:
        lines.append(f"[connectors.{name}.options]")
        lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in options.items()]
    text = config_file.read_text(encoding="utf-8")
    new = text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    tomllib.loads(new)  # never leave a file goodfit cannot read
    config_file.write_text(new, encoding="utf-8")
    return settings
