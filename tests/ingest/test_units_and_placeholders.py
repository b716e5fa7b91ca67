"""Durations in the unit the export writes them (HH:MM, seconds, hours), placeholder values
read as empty, and one file column feeding several fields.

The expected minutes are worked out by hand in each test (01:30 is 1 × 60 + 30 = 90)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.config import load_config
from goodfit.errors import ConfigError, DuplicateTarget, GoodfitError
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, rows, write

runner = CliRunner()

# A Freshdesk ticket export (Tickets > Export, CSV): the columns Freshdesk's export dialog
# offers, "Time tracked" as hours:minutes.
FRESHDESK = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,"
    "Resolved time,Closed time,Last update time,Initial response time,Time tracked,"
    "First response time (in hrs),Resolution time (in hrs),Agent interactions,"
    "Customer interactions,Resolution status,First response status,Tags,Survey results,"
    "Full name,Contact ID,Email,Company Name\n"
    "101,Cannot log in,Closed,Medium,Portal,Question,Emma,Support,2024-04-02 09:00:00,"
    "2024-04-03 09:00:00,2024-04-02 10:30:00,2024-04-02 11:00:00,2024-04-02 11:00:00,"
    "2024-04-02 09:20:00,01:30,0.33,1.5,2,1,Within SLA,Within SLA,login,,Ann,1,"
    "ann@acme.example,Acme\n"
    "102,Invoice copy,Resolved,Low,Email,Question,Emma,Billing,2024-04-03 08:00:00,"
    "2024-04-05 08:00:00,2024-04-03 08:40:00,,2024-04-03 08:40:00,2024-04-03 08:10:00,"
    "00:45,0.17,0.67,1,1,Within SLA,Within SLA,,,Ben,2,ben@beta.example,Beta\n"
    "103,Server migration,Closed,High,Phone,Incident,Raj,Support,2024-04-04 07:00:00,"
    "2024-04-05 07:00:00,2024-04-05 08:10:00,2024-04-05 09:00:00,2024-04-05 09:00:00,"
    "2024-04-04 07:05:00,25:10,0.08,25.17,9,6,SLA Violated,Within SLA,migration,,Ann,1,"
    "ann@acme.example,Acme\n"
    "104,Question about plans,Open,Low,Chat,Question,,,2024-04-06 12:00:00,"
    "2024-04-07 12:00:00,,,2024-04-06 12:00:00,,,,,0,1,,,,,Cat,3,cat@acme.example,Acme\n"
    "105,DNS not resolving,Closed,Urgent,Phone,Incident,Raj,Support,2024-04-06 13:00:00,"
    "2024-04-06 17:00:00,2024-04-06 13:50:00,2024-04-06 14:00:00,2024-04-06 14:00:00,"
    "2024-04-06 13:02:00,25:99,0.03,0.83,3,2,Within SLA,Within SLA,,,Ben,2,"
    "ben@beta.example,Beta\n"
    "106,Backup restore,Closed,High,Email,Incident,Emma,Support,2024-04-07 10:00:00,"
    "2024-04-08 10:00:00,2024-04-07 12:00:00,2024-04-07 12:10:00,2024-04-07 12:10:00,"
    "2024-04-07 10:15:00,1.5,0.25,2,4,3,Within SLA,Within SLA,,,Ann,1,ann@acme.example,"
    "Acme\n"
    "107,Refund,Closed,Medium,Portal,Refund,Emma,Billing,2024-04-08 10:00:00,"
    "2024-04-09 10:00:00,2024-04-08 10:20:00,2024-04-08 10:30:00,2024-04-08 10:30:00,"
    "2024-04-08 10:05:00,00:07,0.08,0.33,1,1,Within SLA,Within SLA,,,Ben,2,"
    "ben@beta.example,Beta\n"
)

# A Jira Service Management issue search export (Filters > Export > CSV (all fields)):
# "Time Spent" in seconds.
JIRA = (
    "Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Resolution,Assignee,"
    "Reporter,Created,Updated,Resolved,Original Estimate,Remaining Estimate,Time Spent,"
    "\u03a3 Time Spent,Custom field (Organizations),Custom field (Request Type)\n"
    "Laptop will not boot,HELP-12,10012,Service Request,Done,HELP,Highest,Done,Sam Agent,Ada,"
    "05/Mar/24 9:05 AM,06/Mar/24 4:10 PM,06/Mar/24 4:10 PM,7200,0,5400,9000,Acme,"
    "Get IT help\n"
    "New starter account,HELP-13,10013,Service Request,Open,HELP,Medium,,,Bob,"
    "07/Mar/24 1:00 PM,07/Mar/24 1:00 PM,,,,,,Beta,Request new account\n"
    "VPN certificate,HELP-14,10014,Incident,Done,HELP,High,Done,Sam Agent,Ada,"
    "08/Mar/24 10:00 AM,08/Mar/24 11:00 AM,08/Mar/24 11:00 AM,,,900,900,Acme,Get IT help\n"
    "Printer jam,HELP-15,10015,Incident,Done,HELP,Low,Done,Lee Agent,Cy,"
    "09/Mar/24 2:00 PM,09/Mar/24 3:00 PM,09/Mar/24 3:00 PM,,,1:30,1:30,Beta,Get IT help\n"
    "Mail quota,HELP-16,10016,Incident,Done,HELP,Low,Done,Lee Agent,Cy,"
    "10/Mar/24 2:00 PM,10/Mar/24 3:00 PM,10/Mar/24 3:00 PM,,,-600,-600,Beta,Get IT help\n"
    "Shared drive,HELP-17,10017,Service Request,Done,HELP,Medium,Done,Sam Agent,Ada,"
    "11/Mar/24 9:00 AM,11/Mar/24 9:30 AM,11/Mar/24 9:30 AM,,,3630,3630,Acme,"
    "Request access\n"
)

# A ServiceNow incident export in which "?" stands for an empty field (as in the public
# incident event log data set and exports from instances that write it).
SERVICENOW = (
    "number,caller_id,company,opened_at,resolved_at,priority,state,contact_type,"
    "short_description,category,close_code,assigned_to,assignment_group,reopen_count\n"
    "INC0020001,Abel Tuter,ACME North America,2024-03-04 09:15:00,2024-03-04 11:40:00,"
    "3 - Moderate,Closed,Phone,Email server down,Network,Solved (Permanently),Beth Anglin,"
    "Service Desk,0\n"
    "INC0020002,Bud Richman,ACME North America,2024-03-05 14:02:11,?,?,In Progress,"
    "Self-service,VPN not connecting,?,?,?,?,?\n"
    "INC0020003,Fred Luddy,Initech,2024-03-06 08:30:00,2024-03-07 10:00:00,4 - Low,Resolved,"
    "Email,?,Inquiry / Help,Solved (Work Around),?,?,0\n"
    "INC0020004,?,?,2024-03-06 09:00:00,?,4 - Low,New,Email,Printer,?,?,?,?,0\n"
)


def quarantined(path: str | None) -> dict[str, dict[str, str]]:
    assert path is not None
    with open(path, encoding="utf-8", newline="") as f:
        return {r["_row"]: r for r in csv.DictReader(f)}


def minutes(project: Project) -> dict[str, object]:
    return {str(r["ticket_id"]): r["staff_minutes"] for r in rows(project, "tickets",
                                                                    "ticket_id")}


def test_freshdesk_time_tracked_hh_mm_through_the_profile(duck: Project, tmp_path: Path
                                                           ) -> None:
    f = write(tmp_path / "tickets.csv", FRESHDESK)
    r = duck.ingest.import_file("tickets", f, profile="freshdesk", derive_customers=True)
    assert (r.rows_read, r.accepted, r.rejected) == (7, 5, 2)
    assert r.rows_read == r.accepted + r.rejected
    # by hand: 01:30 = 60 + 30; 00:45 = 45; 25:10 = 25 × 60 + 10 (over a day is fine);
    # empty stays unknown, never 0; 00:07 = 7
    assert minutes(duck) == {"101": 90.0, "102": 45.0, "103": 1510.0, "104": None,
                             "107": 7.0}
    bad = quarantined(r.quarantine_file)
    # the spreadsheet row: header is row 1, ticket 105 is the 5th data row
    assert set(bad) == {"6", "7"}
    assert bad["6"]["_file"] == "tickets.csv" and bad["6"]["_field"] == "staff_minutes"
    assert "'25:99' is not a duration in hh:mm" in bad["6"]["_reason"]
    assert "minutes 00-59" in bad["6"]["_reason"]
    assert "'1.5' is not a duration in hh:mm" in bad["7"]["_reason"]  # 1.5 is not guessed
    assert r.rejected_by_reason == {"staff_minutes: not a duration in hh:mm": 2}
    assert "staff_minutes: hh:mm (set)" in r.readings


def test_jira_time_spent_seconds_through_the_profile(duck: Project, tmp_path: Path) -> None:
    f = write(tmp_path / "Jira.csv", JIRA)
    r = duck.ingest.import_file("tickets", f, profile="jira-service-management",
                                derive_customers=True)
    assert (r.rows_read, r.accepted, r.rejected) == (6, 4, 2)
    # by hand: 5400 s / 60 = 90; empty unknown; 900 / 60 = 15; 3630 / 60 = 60.5
    # ("Σ Time Spent", with sub-tasks, is not read)
    assert minutes(duck) == {"HELP-12": 90.0, "HELP-13": None, "HELP-14": 15.0,
                             "HELP-17": 60.5}
    bad = quarantined(r.quarantine_file)
    assert set(bad) == {"5", "6"}
    assert "'1:30' is not a duration in seconds" in bad["5"]["_reason"]
    assert "'-600' is a negative duration" in bad["6"]["_reason"]
    assert "[mapping.tickets.units] staff_minutes" in bad["6"]["_reason"]
    assert r.rejected_by_reason == {"staff_minutes: negative duration": 1,
                                    "staff_minutes: not a duration in seconds": 1}


def test_units_in_goodfit_toml_hours_for_orders(tmp_path: Path) -> None:
    proj = Project.init(tmp_path / "p")
    toml = proj.root / "goodfit.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[mapping.orders]\nHours = '
                    '"handling_minutes"\n[mapping.orders.units]\nhandling_minutes = "hours"\n',
                    encoding="utf-8")
    proj.close()
    proj = Project.open(tmp_path / "p")
    try:
        proj.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
        f = write(tmp_path / "orders.csv", "order_id,customer_id,placed_at,channel,Hours\n"
                  "O1,C1,2024-03-01,email,1.5\nO2,C1,2024-03-02,email,0.25\n"
                  "O3,C2,2024-03-03,phone,2\nO4,C2,2024-03-04,phone,1:30\n")
        r = proj.import_file("orders", f)
        assert (r.accepted, r.rejected) == (3, 1)
        got = {o["order_id"]: o["handling_minutes"] for o in rows(proj, "orders", "order_id")}
        assert got == {"O1": 90.0, "O2": 15.0, "O3": 120.0}  # 1.5 h, 0.25 h, 2 h
        assert r.rejected_by_reason == {"handling_minutes: not a duration in hours": 1}
    finally:
        proj.close()


def test_without_a_unit_hh_mm_is_refused_and_the_reason_names_the_setting(
        duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    f = write(tmp_path / "t.csv", "ticket_id,customer_id,opened_at,staff_minutes\n"
              "T1,C1,2024-02-01,15\nT2,C1,2024-02-02,20\nT3,C1,2024-02-03,01:30\n")
    r = duck.import_file("tickets", f)
    assert (r.accepted, r.rejected) == (2, 1)
    reason = quarantined(r.quarantine_file)["4"]["_reason"]
    assert "'01:30' is not a number" in reason
    assert "--unit staff_minutes=UNIT" in reason and "[mapping.tickets.units]" in reason


def test_unit_settings_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "goodfit.toml"
    path.write_text('[mapping.tickets.units]\nstaff_minutes = "hh:m"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a unit.*did you mean 'hh:mm'"):
        load_config(path)
    path.write_text('[mapping.tickets.units]\nsubject = "hours"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="no minute-valued column 'subject'"):
        load_config(path)
    path.write_text('[mapping.tickets]\nnull_values = ""\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path)
    path.write_text('[mapping.tickets]\nnull_value = ["?"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'null_values"):
        load_config(path)
    path.write_text('[mapping.tickets]\nnull_values = [""]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="already empty"):
        load_config(path)


def test_unit_and_null_value_on_the_command_line(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    cust = write(tmp_path / "customers.csv", CUSTOMERS)
    assert runner.invoke(app, ["import", "customers", str(cust), "-p", str(proj)]).exit_code == 0
    f = write(tmp_path / "tickets.csv", "ticket_id,customer_id,opened_at,staff_minutes,category\n"
              "T1,C1,2024-02-01,01:30:30,N/A\nT2,C1,2024-02-02,00:05:00,billing\n"
              "T3,C2,2024-02-03,,N/A\n")
    ok = runner.invoke(app, ["import", "tickets", str(f), "-p", str(proj), "--unit",
                             "staff_minutes=hh:mm:ss", "--null-value", "N/A"],
                       env={"COLUMNS": "200"})
    assert ok.exit_code == 0, ok.output
    assert "read as empty: 2 × 'N/A' in category" in ok.output
    p = Project.open(proj)
    try:
        t = {r["ticket_id"]: r for r in rows(p, "tickets", "ticket_id")}
    finally:
        p.close()
    # 1 h 30 min 30 s = 90.5 minutes; 5 minutes
    assert (t["T1"]["staff_minutes"], t["T2"]["staff_minutes"], t["T3"]["staff_minutes"]) == (
        90.5, 5.0, None)
    assert (t["T1"]["category"], t["T2"]["category"]) == (None, "billing")
    bad = runner.invoke(app, ["import", "tickets", str(f), "-p", str(proj), "--unit",
                              "staff_minutes=hhmm"])
    assert bad.exit_code == 2 and "did you mean 'hh:mm'" in bad.output
    wrong = runner.invoke(app, ["import", "tickets", str(f), "-p", str(proj), "--unit",
                                "subject=hours"])
    assert wrong.exit_code == 2 and "no minute-valued column 'subject'" in wrong.output


def test_servicenow_question_marks_are_stored_as_null(project: Project, tmp_path: Path
                                                      ) -> None:
    f = write(tmp_path / "incident.csv", SERVICENOW)
    r = project.ingest.import_file("tickets", f, profile="servicenow", derive_customers=True)
    # INC0020004's company is "?": no customer, so the row is quarantined (a required
    # value is missing), never a customer called "?"
    assert (r.rows_read, r.accepted, r.rejected) == (4, 3, 1)
    assert r.rejected_by_reason == {"customer_id: missing": 1}
    t = {row["ticket_id"]: row for row in rows(project, "tickets", "ticket_id")}
    two = t["INC0020002"]
    assert (two["closed_at"], two["priority"], two["category"], two["resolution_code"],
            two["assignee"], two["reopened_count"]) == (None, None, None, None, None, None)
    assert (t["INC0020003"]["subject"], t["INC0020003"]["assignee"]) == (None, None)
    assert t["INC0020001"]["assignee"] == "Beth Anglin"
    customers = [c["customer_id"] for c in rows(project, "customers", "customer_id")]
    assert customers == ["ACME North America", "Initech"]
    # counted per file column of the imported columns, by hand from the file above
    assert r.read_as_empty == {
        "company": {"?": 1}, "resolved_at": {"?": 2}, "priority": {"?": 1},
        "short_description": {"?": 1}, "category": {"?": 2}, "close_code": {"?": 2},
        "assigned_to": {"?": 3}, "reopen_count": {"?": 1}}
    assert r.empty_summary()[0] == "3 × '?' in assigned_to"
    # the quarantine keeps the row as it was, "?" included
    assert quarantined(r.quarantine_file)["5"]["company"] == "?"
    # importing again changes nothing
    again = project.ingest.import_file("tickets", f, profile="servicenow",
                                       derive_customers=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_without_null_values_a_question_mark_is_text(duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    f = write(tmp_path / "t.csv", "ticket_id,customer_id,opened_at,subject\n"
              "T1,C1,2024-02-01,?\nT2,C1,2024-02-02,-\n")
    r = duck.import_file("tickets", f)
    assert r.read_as_empty == {}
    assert [x["subject"] for x in rows(duck, "tickets", "ticket_id")] == ["?", "-"]


def test_one_column_feeds_two_fields(duck: Project, tmp_path: Path) -> None:
    # a help desk's organisation list: the name is also the id
    orgs = write(tmp_path / "orgs.csv", "Organization,Created\nAcme Hosting,2023-01-10\n"
                 "Beta GmbH,2023-05-02\n")
    r = duck.import_file("customers", orgs, mapping={"Organization": ["customer_id", "name"],
                                                     "Created": "signup_at"})
    assert (r.accepted, r.rejected, r.ignored_columns) == (2, 0, [])
    got = [(c["customer_id"], c["name"]) for c in rows(duck, "customers", "customer_id")]
    assert got == [("Acme Hosting", "Acme Hosting"), ("Beta GmbH", "Beta GmbH")]
    # a phone log: a call is answered when it starts, so one column is both times
    calls = write(tmp_path / "calls.csv", "Call,Org,Started\nK1,Acme Hosting,2024-02-01 10:00\n")
    r = duck.import_file("tickets", calls, mapping={
        "Call": "ticket_id", "Org": "customer_id", "Started": ["opened_at", "first_response_at"]})
    t = rows(duck, "tickets", "ticket_id")[0]
    assert t["opened_at"] == t["first_response_at"] is not None
    assert str(t["opened_at"]) == "2024-02-01 10:00:00"


def test_one_column_to_two_fields_in_toml_and_on_the_command_line(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    toml = proj / "goodfit.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[mapping.customers]\n'
                    'Organization = ["customer_id", "name"]\nCreated = "signup_at"\n',
                    encoding="utf-8")
    orgs = write(tmp_path / "orgs.csv", "Organization,Created\nAcme Hosting,2023-01-10\n")
    ok = runner.invoke(app, ["import", "customers", str(orgs), "-p", str(proj), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)[0]["inserted"] == 1
    calls = write(tmp_path / "calls.csv", "Call,Org,Started\nK1,Acme Hosting,2024-02-01 10:00\n")
    ok = runner.invoke(app, ["import", "tickets", str(calls), "-p", str(proj), "--map",
                             "Call=ticket_id", "--map", "Org=customer_id", "--map",
                             "Started=opened_at", "--map", "Started=first_response_at"])
    assert ok.exit_code == 0, ok.output
    p = Project.open(proj)
    try:
        c = rows(p, "customers", "customer_id")[0]
        t = rows(p, "tickets", "ticket_id")[0]
    finally:
        p.close()
    assert (c["customer_id"], c["name"]) == ("Acme Hosting", "Acme Hosting")
    assert t["first_response_at"] == t["opened_at"]
    # a typo in the second target is still an error with a suggestion
    typo = runner.invoke(app, ["import", "tickets", str(calls), "-p", str(proj), "--map",
                               "Call=ticket_id", "--map", "Org=customer_id", "--map",
                               "Started=opened_at", "--map", "Started=first_respons_at"])
    assert typo.exception is not None and typo.exception.exit_code == 2  # type: ignore[attr-defined]
    assert "Did you mean 'first_response_at'" in str(typo.exception)
    # two columns to one field: refused, nothing imported
    dup = runner.invoke(app, ["import", "tickets", str(calls), "-p", str(proj), "--map",
                              "Call=ticket_id", "--map", "Org=customer_id", "--map",
                              "Started=opened_at", "--map", "Call=subject", "--map",
                              "Org=subject"])
    assert isinstance(dup.exception, DuplicateTarget) and dup.exception.exit_code == 2
    assert "columns 'Call' and 'Org' are both mapped to tickets.subject" in str(dup.exception)


def test_two_columns_to_one_field_is_an_error(duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    f = write(tmp_path / "t.csv", "Ref,Account,Company,Opened\nT1,C1,C2,2024-02-01\n")
    with pytest.raises(DuplicateTarget, match="columns 'Account' and 'Company' are both "
                                              "mapped to tickets.customer_id") as e:
        duck.import_file("tickets", f, mapping={"Ref": "ticket_id", "Account": "customer_id",
                                                "Company": "customer_id",
                                                "Opened": "opened_at"})
    assert e.value.exit_code == 2 and "map only one of them" in str(e.value)
    assert duck.table("tickets").count().execute() == 0
    # an explicit map beats a column that only has the field's name
    g = write(tmp_path / "t2.csv", "ticket_id,customer_id,Account,opened_at\nT1,C9,C1,2024-02-01\n")
    r = duck.import_file("tickets", g, mapping={"Account": "customer_id"})
    assert r.ignored_columns == ["customer_id"]
    assert rows(duck, "tickets", "ticket_id")[0]["customer_id"] == "C1"


def test_own_profile_with_units_null_values_and_a_column_to_two_fields(
        duck: Project, tmp_path: Path) -> None:
    # the profile example of docs/importing.md
    profile = write(tmp_path / "ourdesk.toml", '[tables.tickets]\ndate_order = "dmy"\n'
                    'null_values = ["-"]\n[tables.tickets.columns]\nCase = "ticket_id"\n'
                    'Client = "customer_id"\nOpened = ["opened_at", "first_response_at"]\n'
                    'Worked = "staff_minutes"\nUrgency = "priority"\n[tables.tickets.units]\n'
                    'staff_minutes = "hh:mm"\n[tables.tickets.values.priority]\n'
                    'P1 = "urgent"\n')
    f = write(tmp_path / "cases.csv", "Case,Client,Opened,Worked,Urgency,category\n"
              "K1,Acme,13/04/2024,02:15,P1,-\nK2,Acme,14/04/2024,-,P1,network\n")
    r = duck.ingest.import_file("tickets", f, profile=str(profile), derive_customers=True)
    assert (r.accepted, r.rejected) == (2, 0), r.rejected_by_reason
    assert r.read_as_empty == {"Worked": {"-": 1}, "category": {"-": 1}}
    t = {x["ticket_id"]: x for x in rows(duck, "tickets", "ticket_id")}
    assert (t["K1"]["staff_minutes"], t["K1"]["category"]) == (135.0, None)  # 2 × 60 + 15
    assert t["K1"]["priority"] == "urgent"
    assert (t["K2"]["staff_minutes"], t["K2"]["category"]) == (None, "network")
    assert t["K1"]["first_response_at"] == t["K1"]["opened_at"]
    assert str(t["K1"]["opened_at"]) == "2024-04-13 00:00:00"
    bad = write(tmp_path / "bad.toml", '[tables.tickets.units]\nstaff_minute = "hh:mm"\n')
    with pytest.raises(ConfigError, match="did you mean 'staff_minutes'"):
        duck.ingest.import_file("tickets", f, profile=str(bad))


def test_a_ticket_column_is_both_the_customer_id_and_the_derived_customers_name(
        duck: Project, tmp_path: Path) -> None:
    f = write(tmp_path / "tickets.csv", "Ticket ID,Organization,Org name,Created time\n"
              "1,Acme Hosting,Acme Hosting Ltd,2024-04-02 09:00:00\n"
              "2,Beta GmbH,Beta GmbH,2024-04-03 09:00:00\n"
              "3,Acme Hosting,ACME (old name),2024-04-04 09:00:00\n"
              "4,Gamma,,2024-04-05 09:00:00\n")
    r = duck.import_file("tickets", f, derive_customers=True, mapping={
        "Ticket ID": "ticket_id", "Organization": ["customer_id", "customers.name"],
        "Created time": "opened_at"})
    assert (r.accepted, r.derived_customers) == (4, 3)
    c = {x["customer_id"]: x for x in rows(duck, "customers", "customer_id")}
    assert {k: v["name"] for k, v in c.items()} == {
        "Acme Hosting": "Acme Hosting", "Beta GmbH": "Beta GmbH", "Gamma": "Gamma"}
    assert c["Acme Hosting"]["signup_at"] is not None and c["Acme Hosting"]["plan"] is None
    # from another column: a name the id's tickets disagree on stays unknown, never picked
    g = write(tmp_path / "t2.csv", "Ticket ID,Organization,Org name,Created time\n"
              "11,Delta,Delta Ltd,2024-04-02 09:00:00\n12,Eps,Eps One,2024-04-03 09:00:00\n"
              "13,Eps,Eps Two,2024-04-04 09:00:00\n")
    duck.import_file("tickets", g, derive_customers=True, mapping={
        "Ticket ID": "ticket_id", "Organization": "customer_id",
        "Org name": "customers.name", "Created time": "opened_at"})
    c = {x["customer_id"]: x for x in rows(duck, "customers", "customer_id")}
    assert (c["Delta"]["name"], c["Eps"]["name"]) == ("Delta Ltd", None)
    with pytest.raises(GoodfitError, match="customers.name .*needs .*--derive-customers"):
        duck.import_file("tickets", g, mapping={
            "Ticket ID": "ticket_id", "Organization": "customer_id",
            "Org name": "customers.name", "Created time": "opened_at"})


def test_clock_values_that_are_not_a_duration(duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    duck.config.mapping["tickets"] = {"units": {"staff_minutes": "hh:mm"}}
    f = write(tmp_path / "t.csv", "ticket_id,customer_id,opened_at,staff_minutes\n"
              "T1,C1,2024-02-01,0:05\nT2,C1,2024-02-02,1:30\nT3,C1,2024-02-03, 10:00 \n"
              "T4,C1,2024-02-04,1234567890:00\nT5,C1,2024-02-05,1:5\n"
              "T6,C1,2024-02-06,-1:30\nT7,C1,2024-02-07,12:00\nT8,C1,2024-02-08,\n")
    r = duck.import_file("tickets", f)
    assert (r.rows_read, r.accepted, r.rejected) == (8, 5, 3)
    # 5; 60 + 30; 600 (spaces trimmed); 720; empty unknown
    assert minutes(duck) == {"T1": 5.0, "T2": 90.0, "T3": 600.0, "T7": 720.0, "T8": None}
    bad = quarantined(r.quarantine_file)
    assert {row: b["staff_minutes"] for row, b in bad.items()} == {
        "5": "1234567890:00", "6": "1:5", "7": "-1:30"}
