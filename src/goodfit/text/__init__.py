"""Text intelligence: what ticket text says (tone toward staff, resolution codes, KB, topics).

Pure functions: texts in, labels out; Ibis tables in, Arrow tables out. No printing.
"""

from goodfit.text.tone import LABELS, Span, ToneResult, ToneScorer, score_tone, score_tone_batch

__all__ = ["LABELS", "Span", "ToneResult", "ToneScorer", "score_tone", "score_tone_batch"]
