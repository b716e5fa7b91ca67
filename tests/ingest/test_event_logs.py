"""An incident event log (the ServiceNow shape: one row per update of an incident) keeps
the final state per incident and counts reopens from the events."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodfit.errors import BadMapping, InputFileError
from goodfit.project import Project
from tests.ingest.conftest import imported_or_refused, rows, write

CUSTOMERS = "customer_id,signup_at\nAcme,2015-01-01\nBeta,2015-01-01\n"
# number, incident_state, reopen… as in a ServiceNow incident audit export (sys_updated_on
# orders the events; rows are not in time order in the file).
EVENTS = """number,incident_state,company,opened_at,sys_updated_on,priority,contact_type,closed_code
INC0000045,New,Acme,2016-02-29 01:16:00,2016-02-29 01:23:00,3 - Moderate,Phone,
INC0000045,Resolved,Acme,2016-02-29 01:16:00,2016-03-01 09:52:00,3 - Moderate,Phone,code 5
INC0000045,Active,Acme,2016-02-29 01:16:00,2016-02-29 08:53:00,2 - High,Phone,
INC0000047,New,Beta,2016-02-29 04:40:00,2016-02-29 04:57:00,4 - Low,Self service,
INC0000047,Resolved,Beta,2016-02-29 04:40:00,2016-03-01 10:00:00,4 - Low,Self service,code 5
INC0000047,Active,Beta,2016-02-29 04:40:00,2016-03-02 11:00:00,4 - Low,Self service,
INC0000047,Closed,Beta,2016-02-29 04:40:00,2016-03-03 12:00:00,4 - Low,Self service,code 5
INC0000047,Active,Beta,2016-02-29 04:40:00,2016-03-04 09:00:00,1 - Critical,Self service,
INC0000047,Resolved,Beta,2016-02-29 04:40:00,2016-03-05 16:00:00,1 - Critical,Self service,code 6
"""
MAP = {"number": "ticket_id", "company": "customer_id", "contact_type": "channel",
       "closed_code": "resolution_code"}


@pytest.fixture
def log(duck: Project, tmp_path: Path) -> Path:
    duck.import_file("customers", write(tmp_path / "customers.csv", CUSTOMERS))
    return write(tmp_path / "incident_event_log.csv", EVENTS)


def test_last_event_per_incident_with_reopens(duck: Project, log: Path) -> None:
    r = duck.import_file("tickets", log, mapping=MAP, collapse="last",
                         order_by="sys_updated_on", state_column="incident_state")
    assert (r.rows_read, r.accepted, r.rejected, r.collapsed, r.inserted) == (9, 9, 0, 7, 2)
    got = {t["ticket_id"]: t for t in rows(duck, "tickets", "ticket_id")}
    # INC0000045: last update (03-01 09:52) is the resolution, never reopened.
    assert (got["INC0000045"]["priority"], got["INC0000045"]["resolution_code"],
            got["INC0000045"]["reopened_count"]) == ("normal", "code 5", 0)
    # INC0000047: Resolved → Active and Closed → Active: reopened twice; final priority 1.
    assert (got["INC0000047"]["priority"], got["INC0000047"]["resolution_code"],
            got["INC0000047"]["reopened_count"], got["INC0000047"]["channel"]) == (
        "urgent", "code 6", 2, "web")
    again = duck.import_file("tickets", log, mapping=MAP, collapse="last",
                             order_by="sys_updated_on", state_column="incident_state")
    assert (again.unchanged, again.updated, again.inserted) == (2, 0, 0)


def test_first_event_per_incident(duck: Project, log: Path) -> None:
    duck.import_file("tickets", log, mapping=MAP, collapse="first", order_by="sys_updated_on")
    got = {t["ticket_id"]: t for t in rows(duck, "tickets", "ticket_id")}
    assert got["INC0000045"]["resolution_code"] is None
    assert got["INC0000047"]["priority"] == "low"


def test_without_collapse_repeated_keys_are_quarantined(duck: Project, log: Path) -> None:
    r = imported_or_refused(duck, "tickets", log, mapping=MAP)
    assert (r.accepted, r.rejected) == (2, 7)


def test_collapse_options_are_checked(duck: Project, log: Path) -> None:
    with pytest.raises(InputFileError, match="needs --order-by"):
        duck.import_file("tickets", log, mapping=MAP, collapse="last")
    with pytest.raises(BadMapping, match="'sys_updated' .*Did you mean 'sys_updated_on'"):
        duck.import_file("tickets", log, mapping=MAP, collapse="last", order_by="sys_updated")
