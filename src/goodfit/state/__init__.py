"""The state DB: what people do (snapshots, cases, approvals, outbox, audit, users)."""
