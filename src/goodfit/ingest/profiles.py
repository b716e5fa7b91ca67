"""Export profiles: how a vendor's export looks, so ``goodfit import --profile NAME`` reads it.

A profile is TOML: per table, a column map (their column → our column, or a list of
ours), value maps, the units of minute-valued columns, the values read as empty,
the date order, decimal mark and timestamp formats of the export, and for event logs the
collapse rule. Bundled profiles live in ``goodfit/resources/profiles/NAME.toml`` and cite
the vendor's documentation of the export's columns; users add their own as
``[profiles.NAME]`` in goodfit.toml or as a ``.toml`` file given by path.

What wins: the profile is the base; goodfit.toml's ``[mapping.TABLE]`` and any
``[import]`` setting changed from its default override it, and the command line
overrides both.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from goodfit.config import MAPPING_KEYS, Config, ImportSettings, ProfileSettings, ProfileTable
from goodfit.errors import ConfigError, GoodfitError, UnknownProfile

PROFILE_DIR = "profiles"
# [import] settings a profile table may set (the same names as in ImportSettings).
_IMPORT_KEYS = ("date_order", "decimal_comma", "timestamp_formats", "delimiter", "encoding")
# Options of one import a profile table may set.
_OPTION_KEYS = ("collapse", "order_by", "state_column")


@dataclass(frozen=True)
class Profile:
    name: str
    settings: ProfileSettings
    origin: str  # "bundled", "goodfit.toml" or the file's path

    def table(self, table: str) -> ProfileTable:
        tp = self.settings.tables.get(table)
        if tp is None:
            raise GoodfitError(
                f"export profile '{self.name}' has nothing for table {table}; it describes "
                f"{', '.join(self.settings.tables) or 'no table'}")
        return tp


def bundled_names() -> list[str]:
    folder = resources.files("goodfit.resources").joinpath(PROFILE_DIR)
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def _parse(name: str, text: str, origin: str) -> ProfileSettings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"export profile '{name}' ({origin}) is not valid TOML: {exc}") \
            from None
    return _validate(name, data, origin)


def _validate(name: str, data: dict[str, Any], origin: str) -> ProfileSettings:
    try:
        return ProfileSettings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"export profile '{name}' ({origin}): {where}: {first['msg']}") \
            from None


def load_bundled(name: str) -> Profile:
    path = resources.files("goodfit.resources").joinpath(PROFILE_DIR).joinpath(f"{name}.toml")
    return Profile(name, _parse(name, path.read_text(encoding="utf-8"), "bundled"), "bundled")


def resolve(name: str, config: Config) -> Profile:
    """The profile called ``name``: goodfit.toml's [profiles.NAME], a bundled one, or the
    .toml file at path ``name``. An unknown name is an error naming the closest."""
    if name in config.profiles:
        return Profile(name, config.profiles[name], "goodfit.toml")
    if name in bundled_names():
        return load_bundled(name)
    if name.endswith(".toml"):
        path = Path(name)
        if not path.is_file():
            raise GoodfitError(f"{path}: no such profile file")
        return Profile(path.stem, _parse(path.stem, path.read_text(encoding="utf-8"),
                                         str(path)), str(path))
    raise UnknownProfile(name, sorted({*bundled_names(), *config.profiles}))


def listing(config: Config) -> list[dict[str, Any]]:
    """Every profile goodfit knows: name, title, tables, sources, where it comes from."""
    out = []
    for name in sorted({*bundled_names(), *config.profiles}):
        p = resolve(name, config)
        out.append({"name": name, "title": p.settings.title, "origin": p.origin,
                    "tables": list(p.settings.tables), "sources": p.settings.sources,
                    "notes": p.settings.notes})
    return out


def apply(config: Config, profile: Profile, table: str) -> tuple[Config, dict[str, Any]]:
    """(a copy of ``config`` with the profile's maps and readings under the user's own,
    the import options the profile sets: collapse, order_by, state_column)."""
    tp = profile.table(table)
    cfg = config.model_copy(deep=True)
    mine = dict(cfg.mapping.get(table, {}))
    columns: dict[str, Any] = {**tp.columns, **{k: v for k, v in mine.items()
                                               if k not in MAPPING_KEYS}}
    user_values: Any = mine.get("values")
    values: dict[str, dict[str, str]] = {c: dict(v) for c, v in tp.values.items()}
    if isinstance(user_values, dict):
        for column, vmap in user_values.items():
            values[column] = {**values.get(column, {}), **vmap}
    merged: dict[str, Any] = dict(columns)
    if values:
        merged["values"] = values
    units = {**tp.units, **config.units(table)}
    if units:
        merged["units"] = units
    # Null values add up: the profile's, then the user's (a "?" is never data in the
    # export the profile describes).
    nulls = list(dict.fromkeys([*tp.null_values, *config.null_values(table)]))
    if nulls:
        merged["null_values"] = nulls
    cfg.mapping[table] = merged
    settings = cfg.import_
    for key in _IMPORT_KEYS:
        value = getattr(tp, key)
        # A setting still at its default is the user's non-choice: the profile's wins.
        default = ImportSettings.model_fields[key].get_default(call_default_factory=True)
        if value is not None and getattr(settings, key) == default:
            setattr(settings, key, value)
    options = {k: getattr(tp, k) for k in _OPTION_KEYS if getattr(tp, k) is not None}
    return cfg, options
