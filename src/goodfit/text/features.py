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

# (name, analyzer, ngram range, max features): words and word pairs carry meaning.
# Character n-grams (char_wb 3-5) were dropped: on the demo and on 8,500 real IT tickets
# they changed macro-F1 by under 0.01 and made fitting five times slower. Models saved
# with a "char" block still load and score (blocks are rebuilt from their metadata).
BLOCKS: tuple[tuple[str, str, tuple[int, int], int], ...] = (
    ("word", "word", (1, 2), 20000),
)
# Structured ticket fields ("category=billing priority=high"), one token each.
FIELDS_BLOCK = "fields"
_FIELD_TOKEN = r"\S+"


@dataclass
class FeatureBlock:
    name: str
    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: list[str]
    idf: np.ndarray

    def _counter(self) -> CountVectorizer:
        pattern = _FIELD_TOKEN if self.name == FIELDS_BLOCK else r"(?u)\b\w\w+\b"
        return CountVectorizer(analyzer=self.analyzer, ngram_range=self.ngram_range,
                               lowercase=True, dtype=np.float64, token_pattern=pattern,
                               vocabulary={t: i for i, t in enumerate(self.vocabulary)})

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        if not self.vocabulary:  # nothing was learnable from this block
            return sp.csr_matrix((len(texts), 0), dtype=np.float64)
        counts = self._counter().transform(texts).tocsr()
        counts.data = np.log(counts.data) + 1.0  # sublinear tf
        weighted = counts @ sp.diags(self.idf)
        return normalize(weighted.tocsr(), norm="l2", copy=False)


@dataclass
class TextFeatures:
    blocks: list[FeatureBlock]

    @classmethod
    def fit(cls, texts: list[str], fields: list[str] | None = None) -> TextFeatures:
        return cls.fit_transform(texts, fields)[0]

    @classmethod
    def fit_transform(cls, texts: list[str], fields: list[str] | None = None
                      ) -> tuple[TextFeatures, sp.csr_matrix]:
        """Fit every block and return the training matrix (the same numbers ``transform``
        gives); a block with nothing to learn (no text) keeps no terms.

        ``width`` is 0 when neither the text nor the fields hold a single term: the
        caller must refuse to train on that.
        """
        parts: list[sp.csr_matrix] = []
        min_df = 2 if len(texts) >= 20 else 1
        blocks = []
        plan = [(name, analyzer, ngrams, max_features, texts, r"(?u)\b\w\w+\b")
                for name, analyzer, ngrams, max_features in BLOCKS]
        if fields is not None:
            plan.append((FIELDS_BLOCK, "word", (1, 1), 5000, fields, _FIELD_TOKEN))
        for name, analyzer, ngrams, max_features, docs, pattern in plan:
            vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, lowercase=True,
                                  sublinear_tf=True, min_df=min_df, max_features=max_features,
                                  dtype=np.float64, token_pattern=pattern)
            try:
                X = vec.fit_transform(docs)
            except ValueError:  # empty vocabulary: no words (or none in 2+ tickets)
                blocks.append(FeatureBlock(name, analyzer, ngrams, [], np.zeros(0)))
                parts.append(sp.csr_matrix((len(docs), 0), dtype=np.float64))
                continue
            # max_features keeps the commonest terms; vocabulary_ maps each to its column
            vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            blocks.append(FeatureBlock(name, analyzer, ngrams, vocab,
                                       np.asarray(vec.idf_, dtype=np.float64)))
            parts.append(X.tocsr())
        return cls(blocks), sp.hstack(parts, format="csr")

    @property
    def width(self) -> int:
        return sum(len(b.vocabulary) for b in self.blocks)

    def transform(self, texts: list[str], fields: list[str] | None = None) -> sp.csr_matrix:
        parts = []
        for b in self.blocks:
            if b.name == FIELDS_BLOCK:
                parts.append(b.transform(fields if fields is not None else [""] * len(texts)))
            else:
                parts.append(b.transform(texts))
        return sp.hstack(parts, format="csr")

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
