"""A stored resolution model predicts exactly as trained and cannot run code when read."""

from __future__ import annotations

import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from goodfit.config import TextSettings
from goodfit.errors import UnsafeModelFile
from goodfit.text.corpus import TicketTexts
from goodfit.text.model_store import ARRAYS_FILE, META_FILE
from goodfit.text.resolution import ResolutionModel, train_resolution
from tests.text_ml.fixtures import coded_provider


def _texts(per_code: int = 8) -> TicketTexts:
    p = coded_provider(per_code, seed=21, uncoded=20)
    first = {m["ticket_id"]: str(m["body"]) for m in p.messages if m["author_role"] == "customer"}
    staff = {m["ticket_id"]: str(m["body"]) for m in p.messages if m["author_role"] == "staff"}
    ids = [str(t["ticket_id"]) for t in p.tickets]
    subjects = [str(t["subject"]) for t in p.tickets]
    questions = [f"{s}\n{first[i]}" for s, i in zip(subjects, ids, strict=True)]
    return TicketTexts(
        ticket_id=ids, customer_id=[str(t["customer_id"]) for t in p.tickets],
        resolution_code=[t["resolution_code"] for t in p.tickets],  # type: ignore[misc]
        subject=subjects, question=questions,
        full=[f"{q}\n{staff[i]}" for q, i in zip(questions, ids, strict=True)],
        staff_minutes=[10.0] * len(ids), minutes_estimated=[False] * len(ids))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[ResolutionModel, Path, list[str]]:
    texts = _texts()
    model = train_resolution(texts, TextSettings(min_training_tickets=30))
    directory = tmp_path_factory.mktemp("model")
    model.save(directory)
    return model, directory, texts.full


def test_loaded_model_predicts_exactly_like_the_trained_one(
        trained: tuple[ResolutionModel, Path, list[str]]) -> None:
    model, directory, texts = trained
    loaded = ResolutionModel.load(directory)
    unseen = ["my server web03 is down, disk errors", "please send the invoice with VAT",
              "", "¿Dónde está mi factura? 請幫忙"]
    for batch in (texts, unseen):
        assert loaded.predict(batch) == model.predict(batch)
        np.testing.assert_array_equal(loaded.predict_proba(batch), model.predict_proba(batch))
    assert loaded.classes == model.classes
    assert loaded.evaluation == model.evaluation


def test_model_files_are_json_and_plain_numeric_arrays(
        trained: tuple[ResolutionModel, Path, list[str]]) -> None:
    _, directory, _ = trained
    assert sorted(p.name for p in directory.iterdir()) == [ARRAYS_FILE, META_FILE]
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    assert meta["format"] == "goodfit.resolution/1"
    with zipfile.ZipFile(directory / ARRAYS_FILE) as zf:
        for name in zf.namelist():
            assert name.endswith(".npy")
            with zf.open(name) as f:
                version = np.lib.format.read_magic(f)
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                _, _, dtype = read_header(f)
                assert dtype.kind in "biuf" and not dtype.hasobject, name
            with zf.open(name) as f:  # readable with pickling switched off
                np.lib.format.read_array(f, allow_pickle=False)


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.touch, (self.marker,))


def test_a_pickle_planted_as_the_model_is_refused_without_running_it(
        trained: tuple[ResolutionModel, Path, list[str]], tmp_path: Path) -> None:
    _, directory, _ = trained
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / META_FILE).write_bytes((directory / META_FILE).read_bytes())
    marker = tmp_path / "pwned"
    # 1. the arrays file replaced by a raw pickle
    (bad / ARRAYS_FILE).write_bytes(pickle.dumps(_Evil(marker)))
    with pytest.raises(UnsafeModelFile):
        ResolutionModel.load(bad)
    # 2. an .npz holding an object array (which numpy can only store by pickling)
    with (bad / ARRAYS_FILE).open("wb") as f:
        np.savez(f, coef=np.array([_Evil(marker)], dtype=object))
    with pytest.raises(UnsafeModelFile):
        ResolutionModel.load(bad)
    assert not marker.exists()


def test_a_damaged_model_is_a_clear_error(
        trained: tuple[ResolutionModel, Path, list[str]], tmp_path: Path) -> None:
    _, directory, _ = trained
    (tmp_path / ARRAYS_FILE).write_bytes((directory / ARRAYS_FILE).read_bytes())
    (tmp_path / META_FILE).write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(UnsafeModelFile, match="not a goodfit resolution model"):
        ResolutionModel.load(tmp_path)
    (tmp_path / META_FILE).write_text("not json", encoding="utf-8")
    with pytest.raises(UnsafeModelFile, match="JSON"):
        ResolutionModel.load(tmp_path)
