"""The same tickets train the same resolution model: two runs, the same coefficients."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from goodfit.text.resolution import Candidate, _fit_linear


def test_two_trainings_of_the_linear_svm_are_identical() -> None:
    # The dual solver visits samples in a random order and stops at a tolerance, so an
    # unseeded solver ends at slightly different weights each run; a ticket near
    # min_confidence then got a label in one run and "unknown" in the next.
    rng = np.random.default_rng(7)
    X = sp.random(400, 300, density=0.03, format="csr", random_state=rng)
    y = rng.integers(0, 5, size=400)
    for balanced in (False, True):
        first = _fit_linear(X, y, Candidate("svm", 1.0, balanced))
        second = _fit_linear(X, y, Candidate("svm", 1.0, balanced))
        assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
