"""A realistic synthetic provider: customers, billing, usage, tickets, threads, KB articles.

Persona labels go only to ``ground_truth/``; scoring code never reads them.
"""

from goodfit.synth.generate import DEFAULT_END, SynthSummary, generate
from goodfit.synth.personas import DEFAULT_MIX, PERSONAS

__all__ = ["DEFAULT_END", "DEFAULT_MIX", "PERSONAS", "SynthSummary", "generate"]
