"""analyze_tone over a real DuckDB warehouse writes message_tone, one row per customer message."""

from __future__ import annotations

import json

from goodfit.project import Project
from goodfit.text.tone_table import MESSAGE_TONE, MESSAGE_TONE_SCHEMA, analyze_tone


def test_analyze_tone_writes_one_row_per_customer_message(project: Project) -> None:
    seen: list[tuple[str, int, int | None]] = []
    summary = project.analyze_tone(lambda stage, done, total=None: seen.append((stage, done, total)))
    rows = {r["message_id"]: r for r in
            project.warehouse.table(MESSAGE_TONE).to_pyarrow().to_pylist()}
    # M-2 is a staff reply: not scored. The other five are customer messages.
    assert sorted(rows) == ["M-1", "M-3", "M-4", "M-5", "M-6"]
    assert rows["M-1"]["labels"] == "" and rows["M-1"]["spans"] == "[]"
    assert rows["M-3"]["labels"] == "insult,demand" and rows["M-3"]["abusive"] is True
    assert rows["M-3"]["customer_id"] == "C-1" and rows["M-3"]["ticket_id"] == "T-1"
    assert rows["M-4"]["labels"] == "threat,shouting,demand" and rows["M-4"]["customer_id"] == "C-2"
    assert rows["M-5"]["language_supported"] is False and rows["M-5"]["labels"] == ""
    assert rows["M-6"]["labels"] == ""  # the abuse is in the quoted staff text
    body = "Still waiting. Your support team is useless."
    spans = json.loads(rows["M-3"]["spans"])
    assert {"label": "demand", "start": 0, "end": 13, "text": "Still waiting"} in spans
    for s in spans:
        assert body[s["start"]:s["end"]] == s["text"]
    assert 0 < rows["M-3"]["score"] <= 1
    assert summary.messages == 5 and summary.abusive == 2 and summary.unsupported_language == 1
    assert summary.by_label["demand"] == 2 and summary.flagged == 2
    assert seen[0] == ("tone", 0, 5) and seen[-1] == ("tone", 5, 5)


def test_analyze_tone_on_postgres_gives_the_same_rows(project: Project,
                                                      postgres_project: Project) -> None:
    project.analyze_tone()
    postgres_project.analyze_tone()

    def rows(p: Project) -> list[dict[str, object]]:
        t = p.warehouse.table(MESSAGE_TONE).to_pyarrow().to_pylist()
        return sorted(t, key=lambda r: str(r["message_id"]))

    assert rows(postgres_project) == rows(project)
    assert len(rows(project)) == 5


def test_message_tone_has_the_contract_columns(project: Project) -> None:
    table = analyze_tone(project.warehouse.table("messages"), project.warehouse.table("tickets"))
    assert table.schema == MESSAGE_TONE_SCHEMA
    assert table.column_names == ["message_id", "ticket_id", "customer_id", "sent_at", "labels",
                                  "abusive", "score", "spans", "language_supported"]


def test_small_batches_give_the_same_table(project: Project) -> None:
    whole = analyze_tone(project.warehouse.table("messages"), project.warehouse.table("tickets"))
    project.config.tone.batch_size = 100  # the minimum; still one batch here, then compare
    again = analyze_tone(project.warehouse.table("messages"), project.warehouse.table("tickets"),
                         project.config.tone)
    assert whole.equals(again)


def test_empty_warehouse_gives_an_empty_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = Project.init(tmp_path / "empty")
    summary = p.analyze_tone()
    assert summary.messages == 0
    assert p.warehouse.table(MESSAGE_TONE).count().execute() == 0


def test_project_tone_uses_the_project_settings(project: Project) -> None:
    assert project.tone(["need it yesterday"])[0].labels == ()
    project.config.tone.extra_demand_phrases = ["need it yesterday"]
    project.config.tone.min_score = 0.5
    assert project.tone(["need it yesterday"])[0].labels == ("demand",)


def test_analyze_everything_includes_tone(project: Project) -> None:
    outcomes = {o.step: o.summary for o in project.analysis.run()}
    assert outcomes["tone"] == "2 of 5 customer messages flagged, 2 abusive toward staff"
    assert project.warehouse.has_table(MESSAGE_TONE)
