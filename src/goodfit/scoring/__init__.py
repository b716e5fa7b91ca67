"""Scoring: behaviour flags with evidence, the fit score, segments and early-life risk."""
