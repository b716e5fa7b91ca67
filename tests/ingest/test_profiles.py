"""Export profiles: each bundled profile reads a file shaped like the vendor's documented
export (the headers its documentation lists; the page is cited in the profile and in
docs/importing.md), and the values land as a person reading the file would read them."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from goodfit.errors import GoodfitError, TooManyRejected, UnknownProfile
from goodfit.ingest.profiles import bundled_names
from goodfit.project import Project
from tests.ingest.conftest import rows, write

# ServiceNow list export: field names as headers, display values as cells.
SERVICENOW = """number,caller_id,company,opened_at,resolved_at,priority,state,contact_type,short_description,category,close_code,assigned_to,reopen_count,sys_updated_on
INC0010001,Abel Tuter,ACME North America,2024-03-04 09:15:00,2024-03-04 11:40:00,3 - Moderate,Closed,Phone,Email server down,Network,Solved (Permanently),Beth Anglin,0,2024-03-11 12:00:00
INC0010002,Bud Richman,ACME North America,2024-03-05 14:02:11,,1 - Critical,In Progress,Self-service,VPN not connecting,Network,,David Loo,1,2024-03-06 08:00:00
INC0010003,Fred Luddy,Initech,2024-03-06 08:30:00,2024-03-07 10:00:00,4 - Low,Resolved,Email,Password reset,Inquiry / Help,Solved (Work Around),,0,2024-03-07 10:00:00
"""


def by_id(project: Project, table: str, key: str) -> dict[str, dict[str, object]]:
    return {str(r[key]): r for r in rows(project, table, key)}


def test_every_bundled_profile_loads_and_cites_its_source(duck: Project) -> None:
    listed = {p["name"]: p for p in duck.ingest.profiles()}
    assert set(bundled_names()) >= {"servicenow", "servicenow-events", "zendesk", "freshdesk",
                                    "osticket", "jira-service-management", "whmcs", "stripe"}
    for name in bundled_names():
        assert listed[name]["sources"], name
        assert all(s.startswith("https://") for s in listed[name]["sources"])


def test_servicenow_incident_export_alone_with_derived_customers(duck: Project,
                                                                 tmp_path: Path) -> None:
    f = write(tmp_path / "incident.csv", SERVICENOW)
    r = duck.ingest.import_file("tickets", f, profile="servicenow", derive_customers=True)
    assert (r.rows_read, r.accepted, r.rejected, r.derived_customers) == (3, 3, 0, 2)
    t = by_id(duck, "tickets", "ticket_id")
    assert (t["INC0010001"]["customer_id"], t["INC0010001"]["priority"],
            t["INC0010001"]["channel"], t["INC0010001"]["closed_at"]) == (
        "ACME North America", "normal", "phone", datetime(2024, 3, 4, 11, 40))
    assert (t["INC0010002"]["priority"], t["INC0010002"]["channel"],
            t["INC0010002"]["reopened_count"], t["INC0010002"]["closed_at"]) == (
        "urgent", "web", 1, None)
    assert (t["INC0010003"]["priority"], t["INC0010003"]["resolution_code"],
            t["INC0010003"]["subject"]) == ("low", "Solved (Work Around)", "Password reset")
    c = by_id(duck, "customers", "customer_id")
    # derived: the id and the first ticket's opening as signup; nothing invented
    assert c["ACME North America"]["signup_at"] == datetime(2024, 3, 4, 9, 15)
    assert c["Initech"]["signup_at"] == datetime(2024, 3, 6, 8, 30)
    assert all(c[k][col] is None for k in c for col in ("name", "status", "plan", "currency"))
    assert duck.ingest.status()["derived_customers"] == 2
    assert duck.table("invoices").count().execute() == 0  # no billing invented
    # a later customer file enriches the same id and it is no longer derived
    duck.import_file("customers", write(tmp_path / "customers.csv",
                                        "customer_id,name,signup_at\n"
                                        "Initech,Initech Inc,2019-05-01\n"))
    c = by_id(duck, "customers", "customer_id")
    assert (c["Initech"]["name"], c["Initech"]["signup_at"]) == (
        "Initech Inc", datetime(2019, 5, 1))
    assert duck.ingest.status()["derived_customers"] == 1
    # re-importing the ticket export derives nothing again and changes nothing
    again = duck.ingest.import_file("tickets", f, profile="servicenow", derive_customers=True)
    assert (again.unchanged, again.derived_customers) == (3, 0)


def test_without_derive_customers_tickets_of_unknown_customers_are_orphans(
        duck: Project, tmp_path: Path) -> None:
    with pytest.raises(TooManyRejected, match="3 of 3 row"):  # every row an orphan
        duck.ingest.import_file("tickets", write(tmp_path / "incident.csv", SERVICENOW),
                                profile="servicenow")
    assert duck.table("customers").count().execute() == 0
    assert duck.table("tickets").count().execute() == 0


def test_servicenow_event_log_keeps_last_state_and_counts_reopens(duck: Project,
                                                                  tmp_path: Path) -> None:
    log = write(tmp_path / "incident_event_log.csv",
                "number,incident_state,company,opened_at,sys_updated_on,priority,contact_type\n"
                "INC1,New,Acme,2016-02-29 01:16:00,2016-02-29 01:23:00,3 - Moderate,Phone\n"
                "INC1,Resolved,Acme,2016-02-29 01:16:00,2016-03-01 09:52:00,2 - High,Phone\n"
                "INC1,Active,Acme,2016-02-29 01:16:00,2016-03-02 10:00:00,2 - High,Phone\n"
                "INC1,Closed,Acme,2016-02-29 01:16:00,2016-03-03 10:00:00,1 - Critical,Phone\n")
    r = duck.ingest.import_file("tickets", log, profile="servicenow-events",
                                derive_customers=True)
    assert (r.rows_read, r.collapsed, r.inserted) == (4, 3, 1)
    t = by_id(duck, "tickets", "ticket_id")["INC1"]
    assert (t["priority"], t["reopened_count"]) == ("urgent", 1)  # Resolved → Active once


def test_zendesk_csv_export(duck: Project, tmp_path: Path) -> None:
    header = ("Summation column,Id,Requester,Requester id,Requester external id,"
              "Requester email,Requester domain,Submitter,Assignee,Group,Subject,Tags,Status,"
              "Priority,Via,Ticket type,Created at,Updated at,Assigned at,Organization,"
              "Due date,Initially assigned at,Solved at,Resolution time,Satisfaction Score,"
              "Group stations,Assignee stations,Reopens,Replies,First reply time in minutes")
    body = ("1,101,Ada,9001,,ada@acme.example,acme.example,Ada,Sam,Support,Site down,web,"
            "solved,Urgent,Web Form,incident,2024-02-01 10:00:00,2024-02-02 09:00:00,"
            "2024-02-01 10:05:00,Acme,,2024-02-01 10:05:00,2024-02-01 12:30:00,3,Good,1,1,2,"
            "3,20\n"
            "1,102,Bob,9002,,bob@beta.example,beta.example,Bob,,Support,Invoice question,,open,"
            "Normal,Mail,question,2024-02-03 08:00:00,2024-02-03 08:00:00,,Beta,,,,,Offered,"
            "0,0,0,0,\n")
    f = write(tmp_path / "export-2024-02-05.csv", header + "\n" + body)
    r = duck.ingest.import_file("tickets", f, profile="zendesk", derive_customers=True)
    assert (r.rows_read, r.accepted, r.rejected) == (2, 2, 0), r.rejected_by_reason
    t = by_id(duck, "tickets", "ticket_id")
    assert (t["101"]["customer_id"], t["101"]["priority"], t["101"]["channel"],
            t["101"]["closed_at"], t["101"]["reopened_count"], t["101"]["category"]) == (
        "Acme", "urgent", "web", datetime(2024, 2, 1, 12, 30), 2, "incident")
    assert (t["102"]["channel"], t["102"]["priority"], t["102"]["assignee"]) == (
        "email", "normal", None)
    assert t["101"]["satisfaction"] is None  # "Good" is not a 1-5 score: not read


def test_zendesk_json_export_nested_via_channel(duck: Project, tmp_path: Path) -> None:
    tickets = [
        {"id": 35436, "created_at": "2024-02-01T10:00:00Z", "updated_at": "2024-02-01T11:00:00Z",
         "type": "incident", "subject": "Help, my printer is on fire!", "priority": "high",
         "status": "open", "organization_id": 509974, "assignee_id": 235323,
         "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}}},
        {"id": 35437, "created_at": "2024-02-02T09:30:00Z", "updated_at": "2024-02-02T09:30:00Z",
         "type": "question", "subject": "Where is my invoice?", "priority": "low",
         "status": "new", "organization_id": 509975, "assignee_id": None,
         "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}}},
    ]
    f = tmp_path / "tickets.jsonl"
    f.write_text("".join(json.dumps(t) + "\n" for t in tickets))
    r = duck.ingest.import_file("tickets", f, profile="zendesk", derive_customers=True)
    assert (r.accepted, r.rejected) == (2, 0), r.rejected_by_reason
    t = by_id(duck, "tickets", "ticket_id")
    assert (t["35436"]["customer_id"], t["35436"]["channel"], t["35436"]["priority"],
            t["35436"]["opened_at"], t["35436"]["assignee"]) == (
        "509974", "web", "high", datetime(2024, 2, 1, 10, 0), "235323")
    assert t["35437"]["channel"] == "email"


def test_freshdesk_csv_export_and_api_numbers(duck: Project, tmp_path: Path) -> None:
    csv = write(tmp_path / "tickets.csv",
                "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,"
                "Due by Time,Resolved time,Closed time,Last update time,Initial response time,"
                "Time tracked,Full name,Contact ID,Email,Company Name\n"
                "7,Cannot log in,Closed,Medium,Portal,Question,Emma,Support,2024-04-02 09:00:00,"
                "2024-04-03 09:00:00,2024-04-02 10:00:00,2024-04-02 11:00:00,"
                "2024-04-02 11:00:00,2024-04-02 09:20:00,00:30,Ann,101,ann@acme.example,Acme\n"
                "8,Refund please,Open,Urgent,Feedback Widget,,,,2024-04-05 15:00:00,"
                "2024-04-06 15:00:00,,,2024-04-05 15:00:00,,,Ben,102,ben@beta.example,Beta\n")
    r = duck.ingest.import_file("tickets", csv, profile="freshdesk", derive_customers=True)
    assert (r.accepted, r.rejected) == (2, 0), r.rejected_by_reason
    t = by_id(duck, "tickets", "ticket_id")
    assert (t["7"]["priority"], t["7"]["channel"], t["7"]["first_response_at"],
            t["7"]["closed_at"], t["7"]["customer_id"]) == (
        "normal", "web", datetime(2024, 4, 2, 9, 20), datetime(2024, 4, 2, 10, 0), "Acme")
    assert t["7"]["staff_minutes"] == 30.0  # "Time tracked" 00:30 = 30 minutes
    assert (t["8"]["priority"], t["8"]["channel"]) == ("urgent", "web")
    # API JSON: priority 1-4 = Low..Urgent, source 3 = Phone, 10 = Outbound Email
    api = tmp_path / "api.json"
    api.write_text(json.dumps([
        {"id": 20, "subject": "Down", "priority": 4, "source": 3, "status": 2,
         "company_id": 1, "created_at": "2024-04-07T08:00:00Z", "responder_id": 5,
         "type": "Incident"},
        {"id": 21, "subject": "FYI", "priority": 1, "source": 10, "status": 5,
         "company_id": 1, "created_at": "2024-04-08T08:00:00Z", "responder_id": None,
         "type": None}]))
    r = duck.ingest.import_file("tickets", api, profile="freshdesk", derive_customers=True)
    assert (r.accepted, r.rejected) == (2, 0), r.rejected_by_reason
    t = by_id(duck, "tickets", "ticket_id")
    assert (t["20"]["priority"], t["20"]["channel"], t["20"]["customer_id"]) == (
        "urgent", "phone", "1")
    assert (t["21"]["priority"], t["21"]["channel"]) == ("low", "email")


def test_osticket_export_reads_month_first_dates(duck: Project, tmp_path: Path) -> None:
    f = write(tmp_path / "Tickets - 20240307.csv",
              "Ticket Number,Date Created,Subject,From,From Email,Priority,Department,"
              "Help Topic,Source,Current Status,Last Updated,SLA Due Date,Due Date,Closed Date,"
              "Overdue,Merged,Linked,Answered,Agent Assigned,Team Assigned,Thread Count,"
              "Reopen Count,Attachment Count,Task Count\n"
              "483260,03/04/2024 9:15 am,VPN down,Ada Lovelace,ada@acme.example,Emergency,"
              "Support,Network,Phone,Closed,03/05/2024 4:00 pm,03/05/2024 9:15 am,,"
              "03/05/2024 4:00 pm,No,No,No,Yes,Sam Agent,,4,1,0,0\n"
              "483261,03/06/2024 2:30 pm,Invoice copy,Bob Burns,bob@beta.example,Normal,"
              "Billing,General Inquiry,Web,Open,03/06/2024 2:30 pm,,,,No,No,No,No,,,1,0,0,0\n")
    r = duck.ingest.import_file("tickets", f, profile="osticket", derive_customers=True)
    assert (r.accepted, r.rejected) == (2, 0), r.rejected_by_reason
    t = by_id(duck, "tickets", "ticket_id")
    assert (t["483260"]["opened_at"], t["483260"]["closed_at"], t["483260"]["priority"],
            t["483260"]["channel"], t["483260"]["reopened_count"],
            t["483260"]["customer_id"]) == (
        datetime(2024, 3, 4, 9, 15), datetime(2024, 3, 5, 16, 0), "urgent", "phone", 1,
        "ada@acme.example")
    assert (t["483261"]["opened_at"], t["483261"]["channel"]) == (
        datetime(2024, 3, 6, 14, 30), "web")


def test_jira_service_management_csv(duck: Project, tmp_path: Path) -> None:
    f = write(tmp_path / "Jira.csv",
              "Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Resolution,"
              "Assignee,Reporter,Created,Updated,Resolved,Custom field (Organizations),"
              "Custom field (Request Type)\n"
              "Laptop will not boot,HELP-12,10012,Service Request,Done,HELP,Highest,Done,"
              "Sam Agent,Ada,05/Mar/24 9:05 AM,06/Mar/24 4:10 PM,06/Mar/24 4:10 PM,Acme,"
              "Get IT help\n"
              "New starter account,HELP-13,10013,Service Request,Open,HELP,Medium,,,Bob,"
              "07/Mar/24 1:00 PM,07/Mar/24 1:00 PM,,Beta,Request new account\n")
    r = duck.ingest.import_file("tickets", f, profile="jira-service-management",
                                derive_customers=True)
    assert (r.accepted, r.rejected) == (2, 0), r.rejected_by_reason
    t = by_id(duck, "tickets", "ticket_id")
    assert (t["HELP-12"]["priority"], t["HELP-12"]["opened_at"], t["HELP-12"]["closed_at"],
            t["HELP-12"]["customer_id"], t["HELP-12"]["category"]) == (
        "urgent", datetime(2024, 3, 5, 9, 5), datetime(2024, 3, 6, 16, 10), "Acme",
        "Get IT help")
    assert (t["HELP-13"]["priority"], t["HELP-13"]["opened_at"]) == (
        "normal", datetime(2024, 3, 7, 13, 0))


def test_whmcs_clients_invoices_tickets(duck: Project, tmp_path: Path) -> None:
    clients = write(tmp_path / "clients.csv",
                    "id,firstname,lastname,companyname,email,datecreated,groupid,status,"
                    "country,currencycode\n"
                    "1,Ada,Lovelace,Acme Hosting,ada@acme.example,2023-04-01,0,Active,GB,GBP\n"
                    "2,Bob,Burns,,bob@example.com,2023-06-15,0,Inactive,US,USD\n"
                    "3,Cy,Young,Gamma Ltd,cy@gamma.example,2022-01-10,0,Closed,DE,EUR\n")
    invoices = write(tmp_path / "invoices.csv",
                     "id,userid,invoicenum,date,duedate,datepaid,subtotal,credit,tax,total,"
                     "status,paymentmethod,currencycode\n"
                     "1001,1,,2024-01-01,2024-01-08,2024-01-03 10:00:00,20.00,0.00,4.00,24.00,"
                     "Paid,stripe,GBP\n"
                     "1002,2,,2024-01-01,2024-01-08,0000-00-00 00:00:00,10.00,0.00,0.00,10.00,"
                     "Unpaid,paypal,USD\n")
    tickets = write(tmp_path / "tickets.csv",
                    "id,tid,deptid,userid,name,email,date,subject,status,priority,lastreply\n"
                    "55,ABC-123456,1,1,Ada Lovelace,ada@acme.example,2024-01-05 09:00:00,"
                    "Server slow,Answered,Medium,2024-01-05 10:00:00\n")
    for table, f in (("customers", clients), ("invoices", invoices), ("tickets", tickets)):
        r = duck.ingest.import_file(table, f, profile="whmcs")
        if table == "invoices":
            # WHMCS writes 0000-00-00 for "not paid": not a day, so that row is quarantined
            assert (r.accepted, r.rejected) == (1, 1), r.rejected_by_reason
        else:
            assert r.rejected == 0, (table, r.rejected_by_reason)
    c = by_id(duck, "customers", "customer_id")
    assert (c["1"]["name"], c["1"]["status"], c["1"]["currency"], c["1"]["signup_at"]) == (
        "Acme Hosting", "active", "GBP", datetime(2023, 4, 1))
    assert (c["2"]["status"], c["3"]["status"]) == ("active", "cancelled")
    inv = by_id(duck, "invoices", "invoice_id")
    assert (inv["1001"]["amount"], inv["1001"]["status"], inv["1001"]["paid_at"]) == (
        Decimal("24.0000"), "paid", datetime(2024, 1, 3, 10, 0))
    t = by_id(duck, "tickets", "ticket_id")
    assert (t["55"]["customer_id"], t["55"]["priority"], t["55"]["subject"]) == (
        "1", "normal", "Server slow")


def test_stripe_customers_and_payments(duck: Project, tmp_path: Path) -> None:
    customers = write(tmp_path / "unified_customers.csv",
                      "id,Description,Email,Name,Created (UTC),Delinquent\n"
                      "cus_NffrFeUfNV2Hib,,jenny@example.com,Jenny Rosen,2024-01-02 10:00:00,"
                      "false\n")
    payments = write(tmp_path / "unified_payments.csv",
                     "id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,"
                     "Converted Amount,Fee,Status,Customer ID,Customer Email,Invoice ID\n"
                     "ch_3MmlLrLkdIwHu7ix0snN0B15,2024-02-01 12:00:00,24.00,0.00,usd,true,"
                     "24.00,1.00,Paid,cus_NffrFeUfNV2Hib,jenny@example.com,in_1\n"
                     "ch_3MmlLrLkdIwHu7ix0snN0B16,2024-03-01 12:00:00,24.00,0.00,usd,false,"
                     "0.00,0.00,Failed,cus_NffrFeUfNV2Hib,jenny@example.com,in_2\n"
                     "ch_3MmlLrLkdIwHu7ix0snN0B17,2024-03-02 12:00:00,24.00,10.00,usd,true,"
                     "24.00,1.00,Partially refunded,cus_NffrFeUfNV2Hib,jenny@example.com,in_2\n")
    assert duck.ingest.import_file("customers", customers, profile="stripe").rejected == 0
    r = duck.ingest.import_file("payments", payments, profile="stripe")
    # a partial refund has no single honest outcome: quarantined, never guessed
    assert (r.accepted, r.rejected) == (2, 1)
    assert any("outcome" in k for k in r.rejected_by_reason)
    p = by_id(duck, "payments", "payment_id")
    assert (p["ch_3MmlLrLkdIwHu7ix0snN0B15"]["outcome"],
            p["ch_3MmlLrLkdIwHu7ix0snN0B15"]["amount"],
            p["ch_3MmlLrLkdIwHu7ix0snN0B15"]["at"]) == (
        "succeeded", Decimal("24.0000"), datetime(2024, 2, 1, 12, 0))
    assert p["ch_3MmlLrLkdIwHu7ix0snN0B16"]["outcome"] == "failed"
    c = by_id(duck, "customers", "customer_id")["cus_NffrFeUfNV2Hib"]
    assert (c["name"], c["email"]) == ("Jenny Rosen", "jenny@example.com")


def test_unknown_profile_suggests_the_closest(duck: Project, tmp_path: Path) -> None:
    f = write(tmp_path / "incident.csv", SERVICENOW)
    with pytest.raises(UnknownProfile, match="did you mean 'servicenow'"):
        duck.ingest.import_file("tickets", f, profile="servicenw")
    with pytest.raises(GoodfitError, match="nothing for table invoices"):
        duck.ingest.import_file("invoices", f, profile="zendesk")


def test_own_profile_in_goodfit_toml_and_as_a_file(tmp_path: Path) -> None:
    proj = Project.init(tmp_path / "p")
    toml = proj.root / "goodfit.toml"
    toml.write_text(toml.read_text() + '\n[profiles.ourdesk]\ntitle = "Our help desk"\n'
                    '[profiles.ourdesk.tables.tickets]\ndate_order = "dmy"\n'
                    '[profiles.ourdesk.tables.tickets.columns]\nCase = "ticket_id"\n'
                    'Client = "customer_id"\nOpened = "opened_at"\nUrgency = "priority"\n'
                    '[profiles.ourdesk.tables.tickets.values.priority]\nP1 = "urgent"\n')
    proj.close()
    proj = Project.open(tmp_path / "p")
    f = write(tmp_path / "cases.csv", "Case,Client,Opened,Urgency\nK1,Acme,03/04/2024,P1\n")
    r = proj.ingest.import_file("tickets", f, profile="ourdesk", derive_customers=True)
    assert r.rejected == 0, r.rejected_by_reason
    t = by_id(proj, "tickets", "ticket_id")["K1"]
    assert (t["opened_at"], t["priority"]) == (datetime(2024, 4, 3), "urgent")  # day first
    # the command line's --map beats the profile
    other = write(tmp_path / "profile.toml", '[tables.tickets.columns]\nCase = "ticket_id"\n'
                  'Client = "customer_id"\nOpened = "opened_at"\n')
    f2 = write(tmp_path / "cases2.csv", "Case,Client,Opened,Ref\nK2,Acme,2024-04-05,R-9\n")
    proj.ingest.import_file("tickets", f2, profile=str(other), mapping={"Ref": "ticket_id",
                                                                        "Case": "subject"})
    t = by_id(proj, "tickets", "ticket_id")
    assert t["R-9"]["subject"] == "K2" and "K2" not in t
    proj.close()


def test_a_bad_profile_names_what_is_wrong(duck: Project, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", '[tables.tickets.columns]\nWhen = "opend_at"\n')
    f = write(tmp_path / "incident.csv", SERVICENOW)
    with pytest.raises(GoodfitError, match="did you mean 'opened_at'"):
        duck.ingest.import_file("tickets", f, profile=str(bad))


def test_command_line_profile_derive_and_status(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from goodfit.cli import app

    runner = CliRunner()
    proj = tmp_path / "p"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    f = write(tmp_path / "incident.csv", SERVICENOW)
    typo = runner.invoke(app, ["import", "tickets", str(f), "--profile", "zendsk", "-p",
                               str(proj)])
    assert isinstance(typo.exception, UnknownProfile) and typo.exception.exit_code == 2
    assert "did you mean 'zendesk'" in str(typo.exception)
    ok = runner.invoke(app, ["import", "tickets", str(f), "--profile", "servicenow",
                             "--derive-customers", "-p", str(proj)], env={"COLUMNS": "200"})
    assert ok.exit_code == 0, ok.output
    assert "2 customer(s) derived" in ok.output
    assert "read with export profile servicenow" in ok.output
    status = json.loads(runner.invoke(app, ["status", "-p", str(proj), "--json"]).output)
    assert status["derived_customers"] == 2
    listed = json.loads(runner.invoke(app, ["profiles", "-p", str(proj), "--json"]).output)
    assert {"servicenow", "stripe"} <= {p["name"] for p in listed}


def test_derived_customers_on_each_warehouse(project: Project, tmp_path: Path) -> None:
    f = write(tmp_path / "incident.csv", SERVICENOW)
    r = project.ingest.import_file("tickets", f, profile="servicenow", derive_customers=True)
    assert (r.accepted, r.derived_customers) == (3, 2)
    assert sorted(by_id(project, "customers", "customer_id")) == ["ACME North America",
                                                                 "Initech"]
    assert project.ingest.status()["derived_customers"] == 2
    project.import_file("customers", write(tmp_path / "c.csv", "customer_id,name,signup_at\n"
                                                               "Initech,Initech Inc,2019-05-01\n"))
    assert project.ingest.status()["derived_customers"] == 1
    again = project.ingest.import_file("tickets", f, profile="servicenow",
                                       derive_customers=True)
    assert (again.unchanged, again.derived_customers) == (3, 0)
