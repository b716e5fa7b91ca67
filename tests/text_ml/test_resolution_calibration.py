"""The top-code calibration: an isotonic map worked out by hand, spread over the codes,
chosen by cross-fitting, stored with the model, and what min_confidence compares."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from goodfit.config import TextSettings
from goodfit.errors import UnsafeModelFile
from goodfit.text.model_store import ARRAYS_FILE
from goodfit.text.resolution import (
    ISOTONIC,
    TEMPERATURE,
    ResolutionModel,
    TopCalibration,
    _choose_calibration,
    _spread,
    apply_resolution,
    fit_top_calibration,
    train_resolution,
)
from tests.text_ml.test_model_files import _texts


def test_isotonic_map_of_a_hand_made_score_table() -> None:
    # (0.2 right, 0.4 wrong) violate the order: pooled to 1 of 2 = 0.5 over [0.2, 0.4];
    # 0.6 and 0.8 both right: pooled (equal rates) to 1.0, kept below certainty at 0.999
    cal = fit_top_calibration(np.array([0.8, 0.2, 0.6, 0.4]), np.array([1, 1, 1, 0]))
    np.testing.assert_array_equal(cal.x, [0.2, 0.4, 0.6, 0.8])
    np.testing.assert_array_equal(cal.y, [0.5, 0.5, 0.999, 0.999])
    # flat beyond the ends, linear between knots: halfway from 0.5 to 0.999 at 0.5
    np.testing.assert_allclose(cal.apply(np.array([0.1, 0.3, 0.5, 0.9])),
                               [0.5, 0.5, 0.7495, 0.999])


def test_tied_confidences_start_as_one_block() -> None:
    # 0.3 twice, once right: one knot at 0.5 (not knots at 1 and 0 on the same x)
    cal = fit_top_calibration(np.array([0.3, 0.7, 0.3]), np.array([True, True, False]))
    np.testing.assert_array_equal(cal.x, [0.3, 0.7])
    np.testing.assert_array_equal(cal.y, [0.5, 0.999])
    # 0.3 (2 of 2) then 0.7 (0 of 1) violate the order: pooled to 2 of 3
    cal = fit_top_calibration(np.array([0.3, 0.7, 0.3]), np.array([True, False, True]))
    np.testing.assert_array_equal(cal.x, [0.3, 0.7])
    np.testing.assert_allclose(cal.y, [2 / 3, 2 / 3])


def test_top_code_gets_its_calibrated_probability_and_the_others_share_the_rest() -> None:
    cal = TopCalibration.checked(np.array([0.5, 0.7]), np.array([0.3, 0.5]))  # 0.6 -> 0.4
    out = _spread(np.array([[0.6, 0.3, 0.1], [1.0, 0.0, 0.0]]), cal)
    # row 1: 0.4 for the top code, 0.6 shared 3:1 -> 0.45, 0.15
    # row 2: 1.0 -> 0.5 (flat past the last knot), the other two share 0.5 evenly
    np.testing.assert_allclose(out, [[0.4, 0.45, 0.15], [0.5, 0.25, 0.25]])
    # no knots: unchanged
    same = np.array([[0.6, 0.3, 0.1]])
    np.testing.assert_array_equal(_spread(same, TopCalibration.none()), same)


def test_a_map_that_is_not_increasing_into_0_1_is_refused() -> None:
    with pytest.raises(ValueError):
        TopCalibration.checked(np.array([0.2, 0.8]), np.array([0.7, 0.3]))
    with pytest.raises(ValueError):
        TopCalibration.checked(np.array([0.2, 0.8]), np.array([0.5, 1.5]))


def test_isotonic_is_chosen_where_one_temperature_cannot_fit() -> None:
    # two codes; the score margin runs 1..5, and in every fold every margin is right 6
    # times in 10: a temperature makes confidence grow with the margin, the truth is flat
    # at 0.6. Ticket i: fold i // 50, margin (i % 50) // 10 + 1.
    i = np.arange(250)
    margins = (i % 50) // 10 + 1.0
    logits = np.column_stack([np.zeros(250), margins])
    y = np.array([1, 1, 1, 0, 1, 1, 0, 1, 0, 0])[i % 10]  # 1: the top code, right
    folds = [(i[i // 50 != k], i[i // 50 == k]) for k in range(5)]
    method, errors, proba = _choose_calibration(logits, y, folds)
    assert method == ISOTONIC
    # every fold sees 60% right at every margin: the map is flat at 0.6, no error
    assert errors[ISOTONIC] == pytest.approx(0.0, abs=1e-9)
    # The log-loss temperature here is about 9: confidences 0.528, 0.555, 0.583 (bin
    # 0.5-0.6, mean 0.555, right 0.6) and 0.609, 0.635 (bin 0.6-0.7, mean 0.622): error
    # 0.6 * 0.045 + 0.4 * 0.022 = 0.036, well past the 0.005 isotonic must win by.
    assert errors[TEMPERATURE] == pytest.approx(0.036, abs=0.002)
    np.testing.assert_allclose(proba[:, 1], 0.6)


@pytest.fixture(scope="module")
def model() -> ResolutionModel:
    return train_resolution(_texts(), TextSettings(min_training_tickets=30))


def test_calibration_is_stored_and_old_model_files_load_without_one(
        model: ResolutionModel, tmp_path: Path) -> None:
    sure = dataclasses.replace(model, calibration=TopCalibration.checked(
        np.array([0.0, 1.0]), np.array([0.2, 0.9])))
    sure.save(tmp_path / "new")
    loaded = ResolutionModel.load(tmp_path / "new")
    np.testing.assert_array_equal(loaded.calibration.y, [0.2, 0.9])
    texts = ["my server web03 is down", "please send the invoice"]
    np.testing.assert_array_equal(loaded.predict_confidence(texts)[1],
                                  sure.predict_confidence(texts)[1])
    # a file written before the calibration existed: the tempered probability as it is
    old = dataclasses.replace(model, calibration=TopCalibration.none())
    old.save(tmp_path / "old")
    arrays = dict(np.load(tmp_path / "old" / ARRAYS_FILE, allow_pickle=False))
    del arrays["calibration_x"], arrays["calibration_y"]
    np.savez(tmp_path / "old" / ARRAYS_FILE, **arrays)
    again = ResolutionModel.load(tmp_path / "old")
    assert len(again.calibration.x) == 0
    z = again.logits(texts) / again.temperature
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(again.predict_confidence(texts)[1],
                               (e / e.sum(axis=1, keepdims=True)).max(axis=1))
    # a decreasing map is damage, refused like any other
    arrays["calibration_x"], arrays["calibration_y"] = np.array([0.0, 1.0]), np.array([0.9, 0.1])
    np.savez(tmp_path / "old" / ARRAYS_FILE, **arrays)
    with pytest.raises(UnsafeModelFile):
        ResolutionModel.load(tmp_path / "old")


def test_min_confidence_compares_the_calibrated_probability(model: ResolutionModel) -> None:
    texts = _texts()
    settings = TextSettings(min_training_tickets=30, min_confidence=0.5)
    # every top probability maps to 0.45 (below the floor) or 0.55 (above it)
    for level, source in ((0.45, "unknown"), (0.55, "predicted")):
        flat = dataclasses.replace(model, calibration=TopCalibration.checked(
            np.array([0.0, 1.0]), np.array([level, level])))
        table = apply_resolution(flat, texts, settings).to_pylist()
        guessed = [r for r in table if r["source"] != "given"]
        assert guessed and {r["source"] for r in guessed} == {source}
        assert {r["probability"] for r in guessed} == {level}
