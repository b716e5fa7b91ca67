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


def test_svm_fits_in_concurrent_threads_equal_a_fit_alone() -> None:
    # Cross-validation fits its folds in threads; liblinear's sample order comes from a
    # process-wide C rand(), so concurrent fits used to interleave their draws.
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(11)
    X = sp.random(1500, 400, density=0.03, format="csr", random_state=rng)
    y = rng.integers(0, 6, size=1500)
    cand = Candidate("svm", 1.0, True)
    alone = _fit_linear(X, y, cand)
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda _: _fit_linear(X, y, cand), range(8)))
    for coef, intercept in together:
        assert np.array_equal(coef, alone[0]) and np.array_equal(intercept, alone[1])
