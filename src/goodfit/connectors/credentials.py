"""Credentials for connectors: environment variables first, then a secrets file.

Never from goodfit.toml (it is meant to be committed) and never written anywhere by
goodfit. A secrets file inside the project folder is refused: it would travel with the
project into backups and version control.

    GOODFIT_<NAME>_TOKEN / GOODFIT_<NAME>_USER / GOODFIT_<NAME>_SECRET

or ~/.config/goodfit/secrets.toml (``--secrets-file`` elsewhere)::

    [billing]            # the connector's name
    user = "api-identifier"
    secret = "api-secret"
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from goodfit.errors import MissingCredentials, SecretsFileError

DEFAULT_SECRETS_FILE = Path("~/.config/goodfit/secrets.toml")
FIELDS = ("token", "user", "secret")


@dataclass(frozen=True)
class Credentials:
    token: str | None = None
    user: str | None = None
    secret: str | None = None

    def __repr__(self) -> str:  # never shown, even in a debugger or a log line
        have = [f for f in FIELDS if getattr(self, f)]
        return f"Credentials(set={have})"

    __str__ = __repr__

    def redact(self, text: str) -> str:
        """``text`` (e.g. a server's error message) with every credential blanked out,
        also in the URL-encoded forms a server echoing the request would show."""
        from urllib.parse import quote, quote_plus

        for value in sorted((str(getattr(self, f)) for f in FIELDS if getattr(self, f)),
                            key=len, reverse=True):
            for form in {value, quote(value, safe=""), quote_plus(value)}:
                text = text.replace(form, "[redacted]")
        return text

    def require(self, connector: str, *fields: str) -> tuple[str, ...]:
        missing = [f for f in fields if not getattr(self, f)]
        if missing:
            raise MissingCredentials(
                f"connector '{connector}' needs {', '.join(missing)}: set "
                + ", ".join(env_name(connector, f) for f in missing)
                + f" or add them under [{connector}] in {DEFAULT_SECRETS_FILE} "
                "(or the file given with --secrets-file)")
        return tuple(str(getattr(self, f)) for f in fields)


def env_name(connector: str, field: str) -> str:
    return f"GOODFIT_{re.sub(r'[^A-Za-z0-9]', '_', connector).upper()}_{field.upper()}"


def load_credentials(connector: str, project_root: Path, secrets_file: Path | None = None,
                     environ: Mapping[str, str] | None = None) -> Credentials:
    """Each field from the environment when set there, else from the secrets file."""
    env = os.environ if environ is None else environ
    values: dict[str, str | None] = {f: env.get(env_name(connector, f)) or None for f in FIELDS}
    explicit = secrets_file is not None
    path = (secrets_file or DEFAULT_SECRETS_FILE).expanduser()
    if explicit or path.is_file():
        from_file = _read_secrets(path, project_root).get(connector, {})
        if not isinstance(from_file, dict):
            raise SecretsFileError(f"{path}: [{connector}] must be a table of token/user/secret")
        for f in FIELDS:
            if values[f] is None and from_file.get(f):
                values[f] = str(from_file[f])
    return Credentials(**values)


def _read_secrets(path: Path, project_root: Path) -> dict[str, object]:
    resolved = path.resolve()
    if resolved.is_relative_to(project_root.resolve()):
        raise SecretsFileError(
            f"{path} is inside the project folder {project_root}; goodfit refuses to read "
            "secrets from there (they would travel with the project). Move it, e.g. to "
            f"{DEFAULT_SECRETS_FILE}")
    if not resolved.is_file():
        raise SecretsFileError(f"secrets file {path} does not exist")
    try:
        return tomllib.loads(resolved.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # the parser's message names a line and column, never the value
        raise SecretsFileError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise SecretsFileError(f"{path}: cannot be read ({exc.strerror})") from None
