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


# The order column as exports write it: a counter (sys_mod_count) and day-first dates.
# By text "10" < "9" and "5/3/2016" < "29/2/2016": the wrong event would be kept.
UPDATES = """number,incident_state,company,opened_at,priority,sys_mod_count,sys_updated_at
INC1,Resolved,Acme,2016-02-29 01:16:00,2 - High,9,29/2/2016 23:00
INC1,Closed,Acme,2016-02-29 01:16:00,4 - Low,10,5/3/2016 12:00
INC1,Active,Acme,2016-02-29 01:16:00,1 - Critical,2,29/2/2016 08:53
"""
UPDATE_MAP = {"number": "ticket_id", "company": "customer_id"}


def test_a_counter_orders_by_number_not_text(duck: Project, log: Path, tmp_path: Path) -> None:
    f = write(tmp_path / "updates.csv", UPDATES)
    duck.import_file("tickets", f, mapping=UPDATE_MAP, collapse="last",
                     order_by="sys_mod_count")
    (t,) = rows(duck, "tickets", "ticket_id")
    assert t["priority"] == "low"  # count 10 is the last event (by text, 9 would be)
    duck.import_file("tickets", f, mapping=UPDATE_MAP, collapse="first",
                     order_by="sys_mod_count")
    (t,) = rows(duck, "tickets", "ticket_id")
    assert t["priority"] == "urgent"  # count 2 is the first (by text, 10 would be)


def test_day_first_order_dates_need_the_date_order(duck: Project, log: Path,
                                                   tmp_path: Path) -> None:
    f = write(tmp_path / "updates.csv", UPDATES.replace("Closed", "Active"))
    with pytest.raises(InputFileError, match=r"sys_updated_at: '29/2/2016 \d\d:\d\d' is a "
                                             r"date .*--date-order dmy or mdy"):
        duck.import_file("tickets", f, mapping=UPDATE_MAP, collapse="last",
                         order_by="sys_updated_at", state_column="incident_state")
    duck.config.import_.date_order = "dmy"
    duck.import_file("tickets", f, mapping=UPDATE_MAP, collapse="last",
                     order_by="sys_updated_at", state_column="incident_state")
    (t,) = rows(duck, "tickets", "ticket_id")
    # by date: 29/2 08:53 Active, 29/2 23:00 Resolved, 5/3 12:00 Active (kept, low):
    # reopened once. By text 5/3 would sort first: Resolved kept (high), no reopen.
    assert (t["priority"], t["reopened_count"]) == ("low", 1)
