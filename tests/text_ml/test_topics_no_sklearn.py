"""The topics step runs without scikit-learn: its import alone is 1.5 s of a 5 s budget."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from goodfit.text.analyzer import ENGLISH_STOP_WORDS as WRITTEN_OUT
from goodfit.text.topics import _kmeans


def test_stop_words_are_scikit_learns_list() -> None:
    assert frozenset(ENGLISH_STOP_WORDS) == WRITTEN_OUT


def test_topics_path_does_not_import_scikit_learn() -> None:
    code = ("import sys\nimport goodfit.cli.app, goodfit.text.pipeline, goodfit.text.topics\n"
            "print(any(m == 'sklearn' or m.startswith('sklearn.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_kmeans_finds_separated_groups_and_repeats() -> None:
    # Three tight groups of 20 points around (0,0), (10,0) and (0,10): k-means with k=3
    # must put each group in its own cluster, and the same seed gives the same centres.
    rng = np.random.default_rng(5)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    Z = np.vstack([c + rng.normal(0, 0.1, (20, 2)) for c in centres])
    C, inertia = _kmeans(Z, 3, restarts=2)
    found = sorted(map(tuple, np.round(C)))
    assert found == [(0.0, 0.0), (0.0, 10.0), (10.0, 0.0)]
    assert inertia < 60 * 0.1  # every point within ~0.3 of its centre
    C2, _ = _kmeans(Z, 3, restarts=2)
    assert np.array_equal(C, C2)
