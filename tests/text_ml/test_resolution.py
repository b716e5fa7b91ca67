"""Resolution codes: learned from coded tickets, evaluated honestly, applied with care."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

from goodfit.config import TextSettings
from goodfit.errors import ModelBelowBaseline, ModelNotTrained, NotEnoughTrainingData
from goodfit.text.corpus import TicketTexts
from goodfit.text.resolution import (
    ResolutionModel,
    apply_resolution,
    evaluate_resolution,
    train_resolution,
)
from tests.text_ml.conftest import MakeProject
from tests.text_ml.fixtures import CODES, coded_provider


def test_train_evaluate_apply_round_trip_through_a_duckdb_project(
        make_project: MakeProject) -> None:
    provider = coded_provider(20, uncoded=60, seed=3)
    project = make_project(provider)
    model = project.train_resolution()
    ev = model.evaluation
    assert sorted(model.classes) == sorted(CODES)
    assert ev.tickets == 200 and ev.folds == 5
    # 10 codes: guessing at base rates scores 1/10; the model must do far better
    assert ev.chance_macro_f1 == pytest.approx(0.1)
    assert ev.macro_f1 >= 0.8 > ev.baseline_macro_f1
    assert ev.p_value < 1e-6  # far more right answers than the majority code could get
    assert ev.calibration_error < 0.1  # probabilities close to observed accuracy
    assert {c.code for c in ev.per_class} == set(CODES)
    assert sum(c.support for c in ev.per_class) == 200

    applied = project.apply_resolution()
    assert (applied.tickets, applied.given, applied.predicted + applied.unknown) == (260, 200, 60)
    table = project.warehouse.table("ticket_resolution").to_pyarrow()
    assert table.column_names == ["ticket_id", "customer_id", "resolution_code",
                                  "probability", "source"]
    rows = {r["ticket_id"]: r for r in table.to_pylist()}
    given = {t["ticket_id"]: t for t in provider.tickets if t["resolution_code"]}
    for tid, ticket in given.items():  # codes a person gave are kept as they are
        assert rows[tid]["resolution_code"] == ticket["resolution_code"]
        assert (rows[tid]["source"], rows[tid]["probability"]) == ("given", 1.0)
    predicted = [tid for tid in provider.truth if rows[tid]["source"] == "predicted"]
    right = sum(rows[tid]["resolution_code"] == provider.truth[tid] for tid in predicted)
    assert len(predicted) >= 50 and right / len(predicted) >= 0.9
    assert all(0.5 <= rows[tid]["probability"] <= 1 for tid in predicted)


def test_baselines_are_the_majority_code_and_chance(make_project: MakeProject) -> None:
    # 60 documentation, 30 network_event, 30 other. Always answering 'documentation':
    # precision 60/120 = 0.5, recall 1 -> F1 2/3 for that code, 0 for the two others,
    # so macro-F1 = (2/3) / 3 = 0.2222 and accuracy 0.5. Chance: 1/3.
    provider = coded_provider(30, codes=("documentation", "network_event", "other"), seed=5,
                              mislabelled=0.0)
    extra = coded_provider(30, codes=("documentation",), seed=6, mislabelled=0.0)
    for t in extra.tickets:
        t["ticket_id"] = "X" + str(t["ticket_id"])
    for m in extra.messages:
        m["message_id"], m["ticket_id"] = "X" + str(m["message_id"]), "X" + str(m["ticket_id"])
    provider.tickets += extra.tickets
    provider.messages += extra.messages
    ev = make_project(provider).evaluate_resolution()
    assert ev.tickets == 120
    assert ev.baseline_code == "documentation"
    assert ev.baseline_macro_f1 == pytest.approx(2 / 9)
    assert ev.baseline_accuracy == pytest.approx(0.5)
    assert ev.chance_macro_f1 == pytest.approx(1 / 3)
    assert ev.beats_baseline(0.1)


def test_uncertain_tickets_are_left_unknown(make_project: MakeProject) -> None:
    provider = coded_provider(15, seed=11)
    provider.ticket("Q1", "C000", "hello", "hi there", ["ok"])  # says nothing about a cause
    provider.ticket("Q2", "C000", "Server unreachable - web03",
                    "web03 rebooted by itself twice tonight, I/O errors on the console",
                    ["A failed disk in the host node caused this; the drive was replaced."])
    project = make_project(provider)
    project.train_resolution()
    project.apply_resolution()
    rows = {r["ticket_id"]: r for r in
            project.warehouse.table("ticket_resolution").to_pyarrow().to_pylist()}
    assert rows["Q1"]["source"] == "unknown" and rows["Q1"]["resolution_code"] == "unknown"
    assert rows["Q1"]["probability"] < 0.5
    assert (rows["Q2"]["source"], rows["Q2"]["resolution_code"]) == ("predicted",
                                                                      "hardware_event")
    # the same model with no confidence floor guesses for every ticket
    project.config.text.min_confidence = 0.0
    assert project.apply_resolution().unknown == 0


def test_a_model_that_does_not_beat_the_baseline_is_refused(make_project: MakeProject) -> None:
    provider = coded_provider(20, uncoded=5, seed=13, codes=CODES[:5])
    import random

    rng = random.Random(1)
    for t in provider.tickets:  # codes assigned at random: nothing to learn
        if t["resolution_code"]:
            t["resolution_code"] = rng.choice(CODES[:5])
    project = make_project(provider)
    model = project.train_resolution()
    assert not model.evaluation.beats_baseline(0.1)
    with pytest.raises(ModelBelowBaseline, match="not better than guessing"):
        project.apply_resolution()
    assert not project.warehouse.has_table("ticket_resolution")


def test_apply_without_a_model_says_how_to_train(make_project: MakeProject) -> None:
    project = make_project(coded_provider(5, seed=1))
    with pytest.raises(ModelNotTrained, match="goodfit resolution train"):
        project.apply_resolution()


def test_too_few_coded_tickets_is_a_clear_error() -> None:
    texts = TicketTexts(
        ticket_id=["1", "2", "3"], customer_id=["c"] * 3,
        resolution_code=["documentation", "other", None], subject=["a", "b", "c"],
        question=["a", "b", "c"], full=["a", "b", "c"], staff_minutes=[1.0] * 3,
        minutes_estimated=[False] * 3)
    with pytest.raises(NotEnoughTrainingData, match="min_training_tickets"):
        evaluate_resolution(texts, TextSettings())


def test_codes_outside_the_configured_set_are_learned_after_the_configured_ones(
        make_project: MakeProject) -> None:
    provider = coded_provider(15, seed=2, codes=("documentation", "hardware_event", "other"),
                              mislabelled=0.0)
    for t in provider.tickets[:15]:
        t["resolution_code"] = "legacy_code"  # not in [text] resolution_codes: still learnable
    ev = make_project(provider).evaluate_resolution()
    assert ev.tickets == 45
    # configured codes in their configured order, then the provider's own by name
    assert [c.code for c in ev.per_class] == ["hardware_event", "other", "legacy_code"]


def _texts(codes: list[str | None], full: list[str], fields: list[str] | None = None
           ) -> TicketTexts:
    n = len(codes)
    return TicketTexts(
        ticket_id=[str(i) for i in range(n)], customer_id=["c"] * n, resolution_code=codes,
        subject=[""] * n, question=[""] * n, full=full, staff_minutes=[1.0] * n,
        minutes_estimated=[False] * n, fields=fields or [])


def test_tickets_without_text_learn_codes_from_their_structured_fields() -> None:
    # ServiceNow-style export: no text at all, the category says it all. 30 tickets per
    # code, category "network" always code "6", "hardware" always "7": perfectly separable,
    # so every fold predicts every ticket right (macro-F1 1, accuracy 1).
    codes: list[str | None] = ["6"] * 30 + ["7"] * 30
    fields = ["category=network priority=low"] * 30 + ["category=hardware priority=low"] * 30
    ev = evaluate_resolution(_texts(codes, [""] * 60, fields), TextSettings())
    assert ev.tickets == 60
    assert ev.macro_f1 == pytest.approx(1.0) and ev.accuracy == pytest.approx(1.0)
    assert ev.beats_baseline(0.1)


def test_no_text_and_no_fields_is_a_clear_error_not_a_crash() -> None:
    codes: list[str | None] = ["6"] * 30 + ["7"] * 30
    with pytest.raises(NotEnoughTrainingData, match="nothing to learn codes from"):
        evaluate_resolution(_texts(codes, [""] * 60), TextSettings())


def test_one_code_only_is_a_clear_error() -> None:
    codes: list[str | None] = ["documentation"] * 40
    with pytest.raises(NotEnoughTrainingData, match="Only one code"):
        evaluate_resolution(_texts(codes, [f"word{i} text" for i in range(40)]),
                            TextSettings())


def test_codes_unique_per_ticket_are_a_clear_error() -> None:
    codes: list[str | None] = [f"INC{i:05d}" for i in range(50)]  # a ticket number, not a code
    with pytest.raises(NotEnoughTrainingData, match="unique per ticket"):
        evaluate_resolution(_texts(codes, ["disk full"] * 50), TextSettings())


def test_a_trained_text_less_model_labels_uncoded_tickets_from_fields(
        tmp_path: Path) -> None:
    codes: list[str | None] = ["6"] * 30 + ["7"] * 30 + [None, None]
    fields = (["category=network"] * 30 + ["category=hardware"] * 30
              + ["category=hardware", "category=network"])
    texts = _texts(codes, [""] * 62, fields)
    model = train_resolution(texts, TextSettings())
    model.save(tmp_path / "m")
    again = ResolutionModel.load(tmp_path / "m")
    table = apply_resolution(again, texts, TextSettings()).to_pylist()
    assert [(r["resolution_code"], r["source"]) for r in table[-2:]] == [
        ("7", "predicted"), ("6", "predicted")]


def test_rare_codes_are_reported_as_left_out(make_project: MakeProject) -> None:
    provider = coded_provider(15, seed=4, codes=("documentation", "hardware_event"),
                              mislabelled=0.0)
    at = datetime(2024, 5, 1)
    for n in range(3):  # three 'reassigned' tickets: fewer than the 5 folds
        provider.ticket(f"R{n}", "C001", "Billing dispute", "charged twice",
                        ["Forwarding to billing."], code="reassigned", opened_at=at)
    ev = make_project(provider).evaluate_resolution()
    assert ev.excluded == {"reassigned": 3}
    assert ev.tickets == 30


def test_ticket_resolution_schema_matches_the_contract() -> None:
    from goodfit.text.resolution import RESOLUTION_SCHEMA

    expected = pa.schema([
        ("ticket_id", pa.string()), ("customer_id", pa.string()),
        ("resolution_code", pa.string()), ("probability", pa.float64()),
        ("source", pa.string())])
    assert expected == RESOLUTION_SCHEMA


def test_large_histories_are_sampled_keeping_each_codes_share() -> None:
    # 150 documentation + 50 other tickets, capped at 100: 75 + 25 keep the 3:1 share.
    codes: list[str | None] = ["documentation"] * 150 + ["other"] * 50
    n = len(codes)
    texts = TicketTexts(
        ticket_id=[str(i) for i in range(n)], customer_id=["c"] * n, resolution_code=codes,
        subject=[""] * n, question=[""] * n, full=[f"t{i}" for i in range(n)],
        staff_minutes=[0.0] * n, minutes_estimated=[False] * n)
    from goodfit.text.resolution import training_set

    data = training_set(texts, TextSettings(max_training_tickets=100))
    assert len(data.texts) == len(data.fields) == 100
    assert (data.labels.count("documentation"), data.labels.count("other")) == (75, 25)
