"""A small provider's data, imported through the real importer into a DuckDB warehouse."""

from __future__ import annotations

from pathlib import Path

from goodfit.project import Project

CUSTOMERS = """customer_id,name,signup_at,status,plan,country,email,currency
C-1,Łódź Café GmbH,2023-04-01 09:30:00,active,vps-2,PL,billing@lodz-cafe.example,USD
C-2,Quiet Ltd,2022-01-01 00:00:00,active,web-1,GB,,USD
"""
CONTACTS = """contact_id,customer_id,name,email,role
P-1,C-1,Ada Example,ada@lodz-cafe.example,technical
P-2,C-2,Bo Example,accounts@quiet.example,billing
"""
SERVICES = """service_id,customer_id,product,plan,price_monthly,currency,started_at,ended_at
S-1,C-1,vps,vps-2,24.00,USD,2023-04-01 09:35:00,
S-2,C-1,backup,backup-50,6.50,USD,2023-05-01 00:00:00,
S-3,C-1,vps,vps-1,12.00,USD,2023-01-01 00:00:00,2024-01-01 00:00:00
S-4,C-2,web,web-1,9.00,USD,2022-01-01 00:00:00,
"""
TICKETS = """ticket_id,customer_id,opened_at,closed_at,priority,channel,subject,category
T-2,C-1,2025-03-01 10:00:00,2025-03-01 12:00:00,urgent,email,"Restore, please",technical
T-1,C-1,2025-01-05 09:00:00,2025-01-05 09:30:00,normal,web,Cannot reach my VPS,technical
T-3,C-2,2025-02-01 09:00:00,,low,email,Invoice copy,billing
"""


def make_project(root: Path) -> Project:
    project = Project.init(root)
    data = root.parent / "data"
    data.mkdir(exist_ok=True)
    for name, text in (("customers", CUSTOMERS), ("contacts", CONTACTS),
                       ("services", SERVICES), ("tickets", TICKETS)):
        (data / f"{name}.csv").write_text(text, encoding="utf-8")
    results = project.import_directory(data)
    assert all(r.rejected == 0 for r in results), results
    return project
