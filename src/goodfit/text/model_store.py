"""Model files that cannot run code when read: JSON for words and settings, .npz for numbers.

A model folder holds ``model.json`` (metadata, vocabulary) and ``arrays.npz`` (numeric
arrays only). ``np.load(..., allow_pickle=False)`` refuses object arrays, and every array is
checked to be a plain number type, so a tampered file is an error, never an execution.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from goodfit.errors import UnsafeModelFile

META_FILE = "model.json"
ARRAYS_FILE = "arrays.npz"
_NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float


def save_model(directory: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write both files atomically (temp file + rename) so a crash leaves the old model."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, arr in arrays.items():
        if arr.dtype.kind not in _NUMERIC_KINDS:
            raise ValueError(f"array {name} has dtype {arr.dtype}; only numbers are stored")
    _atomic_write(directory / ARRAYS_FILE, lambda f: np.savez_compressed(f, **arrays))  # type: ignore[arg-type]
    payload = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
    _atomic_write(directory / META_FILE, lambda f: f.write(payload))


def load_model(directory: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read a model folder; anything but JSON and numeric arrays raises UnsafeModelFile."""
    meta_path, arrays_path = directory / META_FILE, directory / ARRAYS_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnsafeModelFile(f"{meta_path}: cannot be read as JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise UnsafeModelFile(f"{meta_path}: expected a JSON object")
    arrays: dict[str, np.ndarray] = {}
    try:
        with np.load(arrays_path, allow_pickle=False) as npz:
            for name in npz.files:
                arr = npz[name]
                if arr.dtype.kind not in _NUMERIC_KINDS:
                    raise UnsafeModelFile(f"{arrays_path}: array {name} is not numeric")
                arrays[name] = arr
    except UnsafeModelFile:
        raise
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        # numpy raises ValueError for object arrays when allow_pickle is False
        raise UnsafeModelFile(f"{arrays_path}: not a plain numeric array file ({exc})") from None
    return meta, arrays


def _atomic_write(path: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
