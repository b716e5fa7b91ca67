"""Every error goodfit raises on purpose.

Each class has a stable ``code`` (used in ``--json`` output and documented in
docs/cli.md) and an exit code for the command line. The message is written for the
person who has to fix the input, not for the developer.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Likely meant names, ignoring case ('acme-01' finds 'ACME-01')."""
    by_lower: dict[str, str] = {}
    for cand in candidates:
        by_lower.setdefault(cand.lower(), cand)
    hits = difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[h] for h in hits]


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    matches = close_matches(word, candidates)
    return f" Did you mean {', '.join(repr(m) for m in matches)}?" if matches else ""


# What each exit code of the command line means (docs/cli.md is generated from this).
EXIT_MEANINGS: dict[int, str] = {
    0: "success",
    1: "a goodfit error not covered below",
    2: "usage error: unknown command, option, table, customer or snapshot",
    3: "project or configuration problem (no goodfit.toml, invalid key, nothing scored yet)",
    4: "bad input data (unreadable file, missing columns, a bad row under `--strict`)",
    5: "warehouse problem (cannot connect, backend cannot do this)",
    6: "import: more than `[import] max_rejected_share` of the rows (or every row) were "
       "quarantined (`too_many_rejected`): the file is refused, nothing of it imported; or, "
       "with `--fail-on-reject`, any row was quarantined",
    7: "a connector could not fetch: credentials refused, wrong URL, source unavailable "
       "after retries",
    8: "project busy: another command is writing to this project and did not finish "
       "within `[warehouse] busy_timeout_seconds`",
    70: "a bug in goodfit: the traceback is printed, please report it",
}


def error_classes() -> list[type[GoodfitError]]:
    """Every error goodfit raises on purpose, for the generated reference."""
    found: list[type[GoodfitError]] = []
    todo: list[type[GoodfitError]] = [GoodfitError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.exit_code, c.code))


class GoodfitError(Exception):
    """Base class: a problem a user can fix. Anything else is a bug."""

    code: ClassVar[str] = "goodfit_error"
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message}


class ConfigError(GoodfitError):
    code = "config_error"
    exit_code = 3


class ProjectNotFound(GoodfitError):
    code = "project_not_found"
    exit_code = 3

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} is not a goodfit project (no goodfit.toml). "
            f"Create one with: goodfit init {path}"
        )


class ProjectExists(GoodfitError):
    code = "project_exists"
    exit_code = 3

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already holds a goodfit project (goodfit.toml exists).")


class UnknownTable(GoodfitError):
    code = "unknown_table"
    exit_code = 2

    def __init__(self, name: str, known: Iterable[str]) -> None:
        known = list(known)
        super().__init__(
            f"'{name}' is not a goodfit table.{_did_you_mean(name, known)} "
            f"Tables: {', '.join(known)}"
        )


class UnknownCustomer(GoodfitError):
    code = "unknown_customer"
    exit_code = 2

    def __init__(self, customer_id: str, known: Iterable[str]) -> None:
        super().__init__(f"No customer '{customer_id}'.{_did_you_mean(customer_id, known)}")


class UnknownTicket(GoodfitError):
    code = "unknown_ticket"
    exit_code = 2

    def __init__(self, ticket_id: str) -> None:
        super().__init__(f"No ticket '{ticket_id}' in the warehouse table tickets.")


class InputFileError(GoodfitError):
    """The file as a whole cannot be read or does not fit the table."""

    code = "input_file_error"
    exit_code = 4

    def __init__(self, file: Path | str, reason: str) -> None:
        super().__init__(f"{Path(file).name}: {reason}")
        self.file = str(file)
        self.reason = reason


class MissingColumns(InputFileError):
    code = "missing_columns"

    def __init__(self, file: Path | str, table: str, missing: list[str], found: list[str]) -> None:
        hints = []
        for col in missing:
            guess = close_matches(col, found)
            hint = f" (found '{guess[0]}': map it with --map {guess[0]}={col})" if guess else ""
            hints.append(f"{col}{hint}")
        super().__init__(
            file,
            f"required column(s) for table {table} missing: {'; '.join(hints)}. "
            f"Columns in the file: {', '.join(found) or '(none)'}",
        )
        self.missing = missing


class AmbiguousValues(InputFileError):
    """A column's values could mean different numbers or dates: goodfit does not guess."""

    code = "ambiguous_values"

    def __init__(self, file: Path | str, column: str, what: str, *, conflict: bool,
                 examples: dict[str, list[str]]) -> None:
        if what == "number":
            setting = ("[import] decimal_comma = true or false in goodfit.toml, or "
                       "--decimal-comma / --decimal-point")
        else:
            setting = ("[import] date_order = \"dmy\" or \"mdy\" in goodfit.toml, or "
                       "--date-order dmy|mdy")
        shown = "; ".join(f"{k}: {', '.join(repr(v) for v in vals)}"
                          for k, vals in examples.items() if vals)
        if conflict:
            why = (f"column {column} mixes values that need different readings ({shown}); "
                   f"fix the file or choose one with {setting} (the others are then quarantined)")
        else:
            why = (f"column {column} has only values that read as different "
                   f"{'numbers' if what == 'number' else 'dates'} either way (e.g. {shown}); "
                   f"say which with {setting}; nothing was imported")
        super().__init__(file, why)
        self.column = column
        self.examples = examples

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "file": self.file, "column": self.column,
                "examples": self.examples}


class BadMapping(GoodfitError):
    """A --map pair names a column that is not in the file or not in the table."""

    code = "bad_mapping"
    exit_code = 2

    def __init__(self, pair: str, problem: str, candidates: Iterable[str]) -> None:
        word = problem.split("'")[1] if "'" in problem else ""
        super().__init__(f"--map {pair}: {problem}.{_did_you_mean(word, candidates)}")


class DuplicateTarget(GoodfitError):
    """Two columns of a file are mapped to one field: which holds the value is not guessed."""

    code = "duplicate_target"
    exit_code = 2

    def __init__(self, file: Path | str, table: str, field: str, columns: list[str]) -> None:
        first, second = columns[0], columns[1]
        super().__init__(
            f"{Path(file).name}: columns '{first}' and '{second}' are both mapped to "
            f"{table}.{field} (by --map, [mapping.{table}] or the export profile); map only "
            f"one of them to {field}. One column may feed several fields "
            f"(--map '{first}={field}' --map '{first}=OTHER'), never the reverse.")
        self.file, self.field, self.columns = str(file), field, columns

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "file": self.file, "field": self.field,
                "columns": self.columns}


class UnknownProfile(GoodfitError):
    code = "unknown_profile"
    exit_code = 2

    def __init__(self, name: str, known: list[str]) -> None:
        hint = close_matches(name, known)
        super().__init__(
            f"no export profile '{name}'"
            + (f"; did you mean '{hint[0]}'?" if hint else "")
            + f" Bundled and configured profiles: {', '.join(known)}. A profile can also be "
              "a .toml file given by its path, or [profiles.NAME] in goodfit.toml.")


class TooManyRejected(GoodfitError):
    """An import that quarantined every row, or more than the allowed share."""

    code = "too_many_rejected"
    exit_code = 6

    def __init__(self, file: Path | str, rejected: int, read: int, share: float,
                 top: list[str], quarantine_file: str | None, result: Any = None) -> None:
        where = f"; the rows and reasons are in {quarantine_file}" if quarantine_file else ""
        super().__init__(
            f"{Path(file).name}: {rejected:,} of {read:,} row(s) were quarantined, more than "
            f"[import] max_rejected_share = {share:g}. Most common: {'; '.join(top)}{where}. "
            "Nothing was imported from this file. Fix the mapping (--map, [mapping.TABLE], "
            "--profile) or the settings and import again.")
        self.file, self.rejected, self.read = str(file), rejected, read
        self.quarantine_file = quarantine_file
        self.result = result  # the refused import's ImportResult (counts, reasons)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "file": self.file, "rejected": self.rejected,
                "rows_read": self.read, "quarantine_file": self.quarantine_file}


class InvalidRow(GoodfitError):
    """One bad row. In normal imports these go to quarantine; --strict raises the first."""

    code = "invalid_row"
    exit_code = 4

    def __init__(self, file: Path | str, row: int, field: str, reason: str,
                 rejected: int = 1) -> None:
        more = f" ({rejected - 1} more bad row(s); nothing was imported)" if rejected > 1 else \
            " (nothing was imported)"
        super().__init__(f"{Path(file).name}, row {row}, field {field}: {reason}{more}")
        self.file, self.row, self.field, self.reason = str(file), row, field, reason

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "file": self.file, "row": self.row, "field": self.field,
                "reason": self.reason}


class WarehouseError(GoodfitError):
    code = "warehouse_error"
    exit_code = 5


class WarehouseOutOfMemory(WarehouseError):
    """DuckDB needed more memory than the warehouse may use for one query."""

    code = "warehouse_out_of_memory"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the warehouse ran out of memory ({detail}). Raise [warehouse] memory_limit in "
            "goodfit.toml (default \"1GB\"; e.g. \"4GB\" for 100,000 customers, if the "
            "machine has it) and run the command again: the step that failed did not "
            "finish, and what earlier steps stored is kept.")


class ProjectBusy(GoodfitError):
    """Another command is writing to this project and did not finish in time."""

    code = "project_busy"
    exit_code = 8

    def __init__(self, holder: str, waited: float) -> None:
        super().__init__(
            f"project busy: {holder}; waited {waited:g} s for it to finish. Try again when "
            "it has, or wait longer with [warehouse] busy_timeout_seconds in goodfit.toml.")
        self.holder = holder


class BackupError(GoodfitError):
    """A backup cannot be made or restored as asked (destination, damaged files, stores)."""

    code = "backup_error"
    exit_code = 3


class NotImplementedOnBackend(GoodfitError):
    code = "not_implemented_on_backend"
    exit_code = 5


class UnknownSnapshot(GoodfitError):
    code = "unknown_snapshot"
    exit_code = 2

    def __init__(self, snapshot_id: int, known: Iterable[int]) -> None:
        known = list(known)
        listed = ", ".join(str(k) for k in known[-10:]) or "none yet (goodfit score --snapshot)"
        super().__init__(f"No snapshot {snapshot_id}. Snapshots: {listed}")

class NotEnoughTrainingData(GoodfitError):
    """Too few coded tickets (or codes) to learn resolution codes from."""

    code = "not_enough_training_data"
    exit_code = 1


class ModelNotTrained(GoodfitError):
    code = "model_not_trained"
    exit_code = 1

    def __init__(self, what: str, command: str) -> None:
        super().__init__(f"No {what} model in this project yet. Train one with: {command}")


class ModelBelowBaseline(GoodfitError):
    """The learned model does not beat guessing; applying it would mislabel tickets."""

    code = "model_below_baseline"
    exit_code = 1


class UnsafeModelFile(GoodfitError):
    """A model file is damaged or holds something other than plain arrays and JSON."""

    code = "unsafe_model_file"
    exit_code = 3


class ToneModelUnavailable(GoodfitError):
    """``[tone] model = "embedding"`` but the tone model's package is missing or differs."""

    code = "tone_model_unavailable"
    exit_code = 3


class NoKnowledgeBase(GoodfitError):
    code = "no_kb_articles"
    exit_code = 1

    def __init__(self) -> None:
        super().__init__("The knowledge base is empty: import your articles first with "
                         "goodfit import kb_articles FILE (columns article_id, title, body).")


class SynthError(GoodfitError):
    """Synthetic data cannot be generated as asked (sizes, persona mix, output folder)."""

    code = "synth_error"
    exit_code = 2
# -- actions (cases, approvals, outbox, audit) ----------------------------------
class UnknownUser(GoodfitError):
    code = "unknown_user"
    exit_code = 2

    def __init__(self, name: str, known: Iterable[str]) -> None:
        known = list(known)
        hint = _did_you_mean(name, known)
        add = " Add people with: goodfit users add NAME --role owner|manager|agent"
        super().__init__(f"No user '{name}'.{hint}{add}" if known else
                         f"No user '{name}': there are no users yet.{add}")


class NotAllowed(GoodfitError):
    """The acting user's role does not allow this, or four-eyes forbids it."""

    code = "not_allowed"
    exit_code = 1


class UnknownCase(GoodfitError):
    code = "unknown_case"
    exit_code = 2

    def __init__(self, case_id: object, step: int | None = None) -> None:
        what = f"step {step} in case {case_id}" if step is not None else f"case {case_id}"
        super().__init__(f"No {what}. List cases with: goodfit cases list")


class IllegalTransition(GoodfitError):
    """A case or step cannot make this move from the state it is in."""

    code = "illegal_transition"
    exit_code = 1

    def __init__(self, what: str, current: str, action: str, allowed: Iterable[str],
                 hint: str = "") -> None:
        moves = ", ".join(allowed) or "none (final state)"
        super().__init__(f"cannot {action} {what}: it is {current}; allowed from {current}: "
                         f"{moves}.{(' ' + hint) if hint else ''}")
        self.current = current
        self.allowed = list(allowed)


class ToneLintBlocked(GoodfitError):
    """Outgoing text blames or bad-mouths the customer; a manager may override with a reason."""

    code = "tone_lint_blocked"
    exit_code = 1


class ActionError(GoodfitError):
    """An action cannot be drafted or executed as asked (missing contact, call not logged…)."""

    code = "action_error"
    exit_code = 1


class SendError(GoodfitError):
    """Some e-mails were not sent; `goodfit outbox list` shows each one's state and error."""

    code = "send_error"
    exit_code = 1


# -- rewards, what-ifs, education ------------------------------------------------
class WhatifError(GoodfitError):
    """A fee or price change given to `goodfit whatif` cannot be understood."""

    code = "whatif_error"
    exit_code = 2


class MissingDerivedTable(GoodfitError):
    """An action needs a table another command writes (e.g. ticket_kb_match)."""

    code = "missing_derived_table"
    exit_code = 3

    def __init__(self, table: str, command: str) -> None:
        super().__init__(f"the warehouse has no '{table}' table yet; create it with: {command}")
        self.table = table


class ConnectorError(GoodfitError):
    """A connector could not fetch from its source. Never carries a credential."""

    code = "connector_error"
    exit_code = 7


class UnknownConnector(ConnectorError):
    code = "unknown_connector"
    exit_code = 2

    def __init__(self, name: str, known: Iterable[str]) -> None:
        known = list(known)
        listed = ", ".join(known) if known else "(none yet: add one with goodfit connect add)"
        super().__init__(f"No connector '{name}'.{_did_you_mean(name, known)} Connectors: {listed}")


class ConnectorExists(ConnectorError):
    code = "connector_exists"
    exit_code = 2

    def __init__(self, name: str) -> None:
        super().__init__(f"A connector named '{name}' is already in goodfit.toml; pick another "
                         "name or edit [connectors." + name + "] there.")


class MissingCredentials(ConnectorError):
    code = "missing_credentials"
    exit_code = 3


class SecretsFileError(ConnectorError):
    code = "secrets_file_error"
    exit_code = 3


class ConnectorAuthError(ConnectorError):
    """401/403: the source refused the credentials."""

    code = "connector_auth_error"


class ConnectorUrlError(ConnectorError):
    """Wrong URL: DNS, connection refused, 404 on the API, or not the expected API at all."""

    code = "connector_url_error"


class ConnectorUnavailable(ConnectorError):
    """Rate limits, server errors or timeouts that outlasted every retry."""

    code = "connector_unavailable"


class ConnectorResponseError(ConnectorError):
    """The source answered, but not in the shape its API documents."""

    code = "connector_response_error"


class InvalidWindow(GoodfitError):
    """--since/--until/--as-of that do not make a window."""

    code = "invalid_window"
    exit_code = 2


class MissingCurrencyRate(GoodfitError):
    code = "missing_currency_rate"
    exit_code = 3

    def __init__(self, currencies: Iterable[str], project_currency: str) -> None:
        names = ", ".join(sorted(currencies))
        super().__init__(
            f"amounts in {names} cannot be converted to {project_currency}: add "
            f"[costs] currency_rates = {{ {names.split(', ')[0]} = … }} to goodfit.toml "
            f"(units of {project_currency} per one unit of that currency)"
        )


class InvalidChoice(GoodfitError):
    code = "invalid_choice"
    exit_code = 2

    def __init__(self, option: str, value: str, choices: Iterable[str]) -> None:
        choices = list(choices)
        super().__init__(f"{option} must be one of {', '.join(choices)}, not '{value}'."
                         f"{_did_you_mean(value, choices)}")


class StepStopped(GoodfitError):
    """A step of ``goodfit analyze`` ran in its own process and that process died."""

    code = "step_stopped"
    exit_code = 1

    def __init__(self, step: str, how: str) -> None:
        hint = " (the system stops the largest process when memory runs out)" \
            if "SIGKILL" in how else ""
        super().__init__(f"step {step} stopped: its process {how}{hint}. The steps before "
                         "it are recorded: rerun goodfit analyze to resume from this step.")


class NoScoringRun(GoodfitError):
    """A command that shows scores was asked for them before any were computed."""

    code = "no_scoring_run"
    exit_code = 3

    def __init__(self) -> None:
        super().__init__("no scoring run is stored yet: reads show a stored run and never "
                         "compute one. Run: goodfit score (or goodfit analyze)")


class CountryNotStored(GoodfitError):
    """A country filter on a snapshot stored before snapshots kept each customer's country."""

    code = "snapshot_without_country"

    def __init__(self, snapshot_id: int) -> None:
        super().__init__(f"snapshot {snapshot_id} was stored before snapshots kept each "
                         "customer's country, so it cannot be filtered by country: run "
                         "`goodfit score` for a new snapshot")


class NoSnapshot(GoodfitError):
    """The web app was opened on a project with no stored scoring run yet."""

    code = "no_snapshot"

    def __init__(self) -> None:
        super().__init__("no score snapshot yet: run `goodfit score` (or `goodfit analyze`) "
                         "in the project, then reload")


class ToneInputError(GoodfitError):
    """`goodfit tone` was given no text, both a text and a file, an unreadable file or an
    unknown --model."""

    code = "tone_input"
    exit_code = 2
