"""The first release's flat ``Project`` names, each mapped to its service method.

Kept for one release so notebooks written against ``project.scorecard()`` or
``project.rewards_plan()`` keep working; new code uses the namespaces
(``project.metrics.scorecard()``). Delete this module in the next release.
"""

from __future__ import annotations

# The first release's flat names → "service.method" (kept for one release).
ALIASES: dict[str, str] = {
    "import_file": "ingest.import_file", "import_directory": "ingest.import_directory",
    "status": "ingest.status", "imports": "ingest.history", "tables": "ingest.tables",
    "table": "ingest.table",
    "window": "metrics.window", "scorecard": "metrics.scorecard",
    "customer": "metrics.customer", "concentration": "metrics.concentration",
    **{n: f"text.{n}" for n in ("tone", "analyze_tone", "train_resolution",
                                "evaluate_resolution", "apply_resolution", "resolution_model",
                                "match_kb", "kb_customer", "topics")},
    "score": "scoring.score", "explain": "scoring.explain", "snapshots": "scoring.snapshots",
    "diff": "scoring.diff", "early_risk": "scoring.early_risk", "report": "reports.write",
    "actions_context": "actions.context", "add_user": "actions.add_user",
    "users": "actions.users", "cases": "actions.cases", "case": "actions.case",
    "approve_case": "actions.approve", "execute_case": "actions.execute",
    "cancel_case": "actions.cancel", "close_case": "actions.close",
    "offboard": "actions.offboard", "log_call": "actions.log_call",
    "outbox": "actions.outbox", "outbox_message": "actions.message",
    "send_outbox": "actions.send", "confirm_message": "actions.confirm",
    "retry_message": "actions.retry", "education_plan": "actions.education_plan",
    "education_draft": "actions.education_draft",
    "verify_audit": "audit.verify", "audit_events": "audit.events",
    **{f"rewards_{n}": f"rewards.{n}" for n in ("plan", "commit", "draw", "verify", "export",
                                                "draws")},
    "whatif": "pricing.whatif", "connect_add": "connectors.add", "sync": "connectors.sync",
}
