"""TF-IDF features that can be written as plain arrays and rebuilt exactly.

scikit-learn's vectorizers are fitted here, then only their vocabulary and IDF weights are
kept. ``transform`` recomputes TF-IDF from those arrays (counts → sublinear tf → × idf →
unit length per block), so a model read back from disk gives the same numbers as the one
just trained — without unpickling anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

# (name, analyzer, ngram range, max features): words and word pairs carry meaning;
# character n-grams within words survive typos, plurals and product names.
BLOCKS: tuple[tuple[str, str, tuple[int, int], int], ...] = (
    ("word", "word", (1, 2), 20000),
    ("char", "char_wb", (3, 5), 30000),
)


@dataclass
class FeatureBlock:
    name: str
    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: list[str]
    idf: np.ndarray

    def _counter(self) -> CountVectorizer:
        return CountVectorizer(analyzer=self.analyzer, ngram_range=self.ngram_range,
                               lowercase=True, dtype=np.float64,
                               vocabulary={t: i for i, t in enumerate(self.vocabulary)})

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        counts = self._counter().transform(texts).tocsr()
        counts.data = np.log(counts.data) + 1.0  # sublinear tf
        weighted = counts @ sp.diags(self.idf)
        return normalize(weighted.tocsr(), norm="l2", copy=False)


@dataclass
class TextFeatures:
    blocks: list[FeatureBlock]

    @classmethod
    def fit(cls, texts: list[str]) -> TextFeatures:
        min_df = 2 if len(texts) >= 20 else 1
        blocks = []
        for name, analyzer, ngrams, max_features in BLOCKS:
            vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, lowercase=True,
                                  sublinear_tf=True, min_df=min_df, max_features=max_features,
                                  dtype=np.float64)
            vec.fit(texts)
            vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            blocks.append(FeatureBlock(name, analyzer, ngrams, vocab,
                                       np.asarray(vec.idf_, dtype=np.float64)))
        return cls(blocks)

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return sp.hstack([b.transform(texts) for b in self.blocks], format="csr")

    # -- plain-data form -----------------------------------------------------
    def to_data(self) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
        meta = [{"name": b.name, "analyzer": b.analyzer, "ngram_range": list(b.ngram_range),
                 "vocabulary": b.vocabulary} for b in self.blocks]
        arrays = {f"idf_{b.name}": b.idf for b in self.blocks}
        return meta, arrays

    @classmethod
    def from_data(cls, meta: list[dict[str, Any]], arrays: dict[str, np.ndarray]) -> TextFeatures:
        blocks = []
        for m in meta:
            idf = arrays[f"idf_{m['name']}"]
            if len(idf) != len(m["vocabulary"]):
                raise ValueError(f"block {m['name']}: {len(idf)} weights for "
                                 f"{len(m['vocabulary'])} terms")
            lo, hi = m["ngram_range"]
            blocks.append(FeatureBlock(str(m["name"]), str(m["analyzer"]), (int(lo), int(hi)),
                                       [str(t) for t in m["vocabulary"]], idf))
        return cls(blocks)
