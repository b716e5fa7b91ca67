"""Reading ticket text: tone toward staff, resolution codes, knowledge-base matches, topics."""

from goodfit.text.tone import LABELS, Span, ToneResult, ToneScorer, score_tone, score_tone_batch

__all__ = ["LABELS", "Span", "ToneResult", "ToneScorer", "score_tone", "score_tone_batch"]
