"""goodfit.toml, typed.

Every number a provider might disagree with lives here with a documented default.
Unknown keys are an error with a suggestion, so a typo never silently falls back to a
default. The commented file that ``goodfit init`` writes is
``goodfit/resources/goodfit.toml``; a test keeps it equal to these defaults.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from goodfit.errors import ConfigError, close_matches
from goodfit.schema import DEFAULT_RESOLUTION_CODES, TABLES

CONFIG_FILE = "goodfit.toml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ProjectSettings(Section):
    name: str = "my provider"
    currency: str = "USD"  # every money figure is reported in this currency
    timezone: str = "UTC"  # naive timestamps in imported files are read in this zone


class WarehouseSettings(Section):
    # duckdb:///warehouse.duckdb (relative to the project folder) or postgresql://…
    url: str = "duckdb:///warehouse.duckdb"
    # DuckDB only: memory it may use before spilling to disk (keeps big imports and
    # scorecards inside small machines). Empty: DuckDB's default (80% of RAM).
    memory_limit: str = "1GB"


class StateSettings(Section):
    url: str = "sqlite:///state.db"


class ImportSettings(Section):
    # Tried in order for timestamps that are not ISO 8601 (strftime codes).
    timestamp_formats: list[str] = Field(default_factory=lambda: [
        "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
        "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    ])
    decimal_comma: bool = False  # "1.234,50" means 1234.50 when true
    encoding: str = "utf-8"  # or "latin-1"
    delimiter: str = ""  # empty: detect
    strict: bool = False  # reject the whole file on any bad row

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        normal = value.lower().replace("_", "-")
        aliases = {"utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1",
                   "utf-16": "utf-16"}
        normal = aliases.get(normal, normal)
        if normal not in ("utf-8", "latin-1", "utf-16"):
            raise ValueError("encoding must be utf-8, latin-1 or utf-16")
        return normal


class CostSettings(Section):
    """The cost model. Money in the project currency."""

    staff_hourly_rate: Decimal = Decimal("60")
    # Minutes of staff time assumed per staff reply when a ticket has no logged minutes.
    reply_minutes: dict[str, float] = Field(default_factory=lambda: {
        "email": 10.0, "web": 10.0, "chat": 6.0, "phone": 12.0, "api": 5.0, "default": 10.0,
    })
    manual_order_minutes: float = 15.0  # orders placed outside the self-service form
    custom_request_minutes: float = 60.0  # orders flagged custom
    payment_failure_fee: Decimal = Decimal("2.50")
    dispute_fee: Decimal = Decimal("15")
    chargeback_fee: Decimal = Decimal("15")
    # Cost per unit beyond the plan allowance, by usage metric (usage.unit_cost wins).
    usage_unit_cost: dict[str, Decimal] = Field(default_factory=lambda: {
        "egress_gb": Decimal("0.01"), "storage_gb": Decimal("0.02"),
    })
    # Units of project currency per one unit of the named currency.
    currency_rates: dict[str, Decimal] = Field(default_factory=lambda: {
        "EUR": Decimal("1.08"), "GBP": Decimal("1.27"),
    })


class TextSettings(Section):
    resolution_codes: list[str] = Field(default_factory=lambda: list(DEFAULT_RESOLUTION_CODES))


class ToneSettings(Section):
    """Tone toward staff (docs/tone.md): flags for a person to read, never a verdict."""

    # A label is given only when its score (0-1) reaches this.
    min_score: float = Field(default=0.5, ge=0, le=1)
    # Shouting: this many consecutive words in capitals (acronyms and error codes excluded).
    shouting_min_caps_words: int = Field(default=3, ge=2)
    # Shouting: this many exclamation marks in a row ("!!!"), outside a thankful sentence.
    shouting_min_exclamations: int = Field(default=3, ge=2)
    # More words that are written in capitals by convention in your trade (never shouting).
    acronyms: list[str] = Field(default_factory=list)
    # Extra phrases, matched as whole words in any case, that raise a label.
    extra_demand_phrases: list[str] = Field(default_factory=list)
    extra_insult_phrases: list[str] = Field(default_factory=list)
    extra_threat_phrases: list[str] = Field(default_factory=list)
    extra_profanity: list[str] = Field(default_factory=list)
    # Messages read from the warehouse per batch by analyze-tone.
    batch_size: int = Field(default=20_000, ge=100)


class Config(Section):
    project: ProjectSettings = Field(default_factory=ProjectSettings)
    warehouse: WarehouseSettings = Field(default_factory=WarehouseSettings)
    state: StateSettings = Field(default_factory=StateSettings)
    import_: ImportSettings = Field(default_factory=ImportSettings, alias="import")
    mapping: dict[str, dict[str, str]] = Field(default_factory=dict)
    costs: CostSettings = Field(default_factory=CostSettings)
    text: TextSettings = Field(default_factory=TextSettings)
    tone: ToneSettings = Field(default_factory=ToneSettings)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("mapping")
    @classmethod
    def _mapping_tables_exist(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for name, cols in value.items():
            if name not in TABLES:
                raise ValueError(f"[mapping.{name}]: no such table; tables: {', '.join(TABLES)}")
            known = TABLES[name].column_names
            for ours in cols.values():
                if ours not in known:
                    hint = close_matches(ours, known)
                    raise ValueError(
                        f"[mapping.{name}] maps to '{ours}', not a column of {name}"
                        + (f" (did you mean '{hint[0]}'?)" if hint else "")
                    )
        return value

    def hash(self) -> str:
        """Stable hash of the effective configuration, stored with every snapshot."""
        data = self.model_dump(mode="json", by_alias=True)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _explain(error: ValidationError, source: str) -> str:
    lines = []
    for err in error.errors():
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            section = _model_at(err["loc"][:-1])
            known = list(section.model_fields) if section else []
            hint = close_matches(str(err["loc"][-1]), known)
            lines.append(f"unknown key '{where}'" + (f" — did you mean '{hint[0]}'?" if hint else ""))
        else:
            lines.append(f"{where}: {err['msg']}")
    return f"{source}: " + "; ".join(lines)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = Config
    for part in loc:
        fields = {(f.alias or n): f for n, f in model.model_fields.items()}
        fields.update(model.model_fields)
        f = fields.get(str(part))
        if f is None or not (isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)):
            return None
        model = f.annotation
    return model


def load_config(path: Path) -> Config:
    """Read and validate goodfit.toml; every problem is a ConfigError naming the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, path.name)) from None


def default_config_text() -> str:
    return (Path(__file__).parent / "resources" / CONFIG_FILE).read_text(encoding="utf-8")
