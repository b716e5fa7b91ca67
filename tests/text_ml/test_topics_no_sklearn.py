"""The topics step runs without scikit-learn (its import alone is 1.5 s of a 5 s budget),
yet groups tickets exactly as the scikit-learn pipeline it replaced: TfidfVectorizer,
TruncatedSVD and KMeans with the same settings are the oracle here."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from goodfit.text.analyzer import ENGLISH_STOP_WORDS as WRITTEN_OUT
from goodfit.text.topics import (
    KMEANS_RESTARTS,
    Tfidf,
    _analyze,
    _kmeans,
    _nearest,
    _reduce,
    _svd,
)
from tests.text_ml.test_topics import BACKUP, CRON, DOMAIN, FTP, MAIL, VAT


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


def _docs(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{s}\n{s}\n{b}" for s, b in pairs]


# Seven tickets (two subjects, a tie between two singular values: the case where any
# last-bit difference in the TF-IDF rows turns the SVD's basis) and all the test topics.
SMALL = _docs(FTP[:4] + BACKUP[:3])
ALL = _docs(VAT + FTP + BACKUP + DOMAIN + MAIL + CRON)


@pytest.mark.parametrize(("docs", "min_df", "dims", "k"), [(SMALL, 1, 6, 2), (ALL, 2, 10, 6)])
def test_grouping_equals_the_scikit_learn_pipeline(docs: list[str], min_df: int, dims: int,
                                                   k: int) -> None:
    vec = TfidfVectorizer(analyzer=_analyze, min_df=min_df, max_df=0.5, sublinear_tf=True)
    expected_x = vec.fit_transform(docs)
    fitted = Tfidf.fit(docs, min_df=min_df, max_df=0.5)
    assert fitted is not None
    model, X = fitted
    # the same vocabulary in the same order, the same weights to the last bit
    assert list(model.names()) == list(vec.get_feature_names_out())
    assert abs(X - expected_x).max() == 0
    svd = TruncatedSVD(dims, n_iter=3, random_state=0)
    expected_z = normalize(svd.fit_transform(expected_x))
    V = _svd(X, dims)
    np.testing.assert_allclose(V, svd.components_.T, atol=1e-12)
    Z = _reduce(X, V)
    np.testing.assert_allclose(Z, expected_z, atol=1e-12)
    km = KMeans(n_clusters=k, random_state=0, n_init=KMEANS_RESTARTS)
    expected_groups = km.fit_predict(expected_z)
    C, inertia = _kmeans(Z, k, KMEANS_RESTARTS)
    assert np.array_equal(_nearest(Z, C), expected_groups)
    assert inertia == pytest.approx(km.inertia_, rel=1e-9)
    np.testing.assert_allclose(C, km.cluster_centers_, atol=1e-12)


def test_an_emptied_group_takes_the_farthest_point() -> None:
    # Four points on a line, two centres both placed left of everything: the second
    # centre wins no point, so it moves to the point farthest from its group's centre
    # (x = 10), as scikit-learn relocates empty clusters; the groups end {0, 1, 2}, {10}.
    from goodfit.text.topics import _lloyd

    Z = np.array([[0.0], [1.0], [2.0], [10.0]])
    labels, C, inertia = _lloyd(Z, np.array([[-5.0], [-6.0]]), tol=0.0, max_iter=10)
    assert sorted(C.ravel().tolist()) == [1.0, 10.0]
    assert labels.tolist() == [0, 0, 0, 1] or labels.tolist() == [1, 1, 1, 0]
    assert inertia == pytest.approx(2.0)  # (0-1)² + (1-1)² + (2-1)²
