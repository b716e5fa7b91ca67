"""The text capability for a project: tone, resolution codes, KB matches, topics.

Models pull in scikit-learn and SciPy: they are imported inside each method, so a
command that never labels text never pays for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goodfit.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from goodfit.text.kb import KbMatches
    from goodfit.text.pipeline import CustomerKb, ResolutionApplied
    from goodfit.text.resolution import Evaluation, ResolutionModel
    from goodfit.text.tone import ToneResult
    from goodfit.text.tone_table import ToneAnalysis
    from goodfit.text.topics import TopicsResult
    from goodfit.window import Window
    from goodfit.workspace import Workspace


class Text:
    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def tone(self, texts: list[str]) -> list[ToneResult]:
        """Tone toward staff for arbitrary texts, with this project's [tone] settings."""
        from goodfit.text.tone import score_tone_batch

        return score_tone_batch(texts, self._ws.config.tone)

    def analyze_tone(self, progress: Progress = NO_PROGRESS, *, workers: int | None = None
                     ) -> ToneAnalysis:
        """Score every customer message in the warehouse and write ``message_tone``."""
        from goodfit.text.tone_table import MESSAGE_TONE, ToneAnalysis, analyze_tone

        wh = self._ws.warehouse
        summary = ToneAnalysis()
        table = analyze_tone(wh.table("messages"), wh.table("tickets"), self._ws.config.tone,
                             progress=progress, summary=summary,
                             workers=workers or self._ws.config.tone.workers)
        wh.write_table(MESSAGE_TONE, table)
        return summary

    def train_resolution(self, progress: Progress = NO_PROGRESS) -> ResolutionModel:
        """Learn resolution codes from coded tickets; saved under models/resolution/."""
        from goodfit.text import pipeline

        return pipeline.train(self._ws.warehouse, self._ws.config, self._ws.root, progress)

    def evaluate_resolution(self, progress: Progress = NO_PROGRESS) -> Evaluation:
        """Cross-validated macro-F1 and per-code precision/recall vs the baselines."""
        from goodfit.text import pipeline

        return pipeline.evaluate(self._ws.warehouse, self._ws.config, progress)

    def apply_resolution(self, progress: Progress = NO_PROGRESS) -> ResolutionApplied:
        """Label uncoded tickets (or 'unknown'); writes the ticket_resolution table."""
        from goodfit.text import pipeline

        return pipeline.apply(self._ws.warehouse, self._ws.config, self._ws.root, progress)

    def resolution_model(self) -> ResolutionModel:
        from goodfit.text import pipeline

        return pipeline.load_resolution_model(self._ws.root)

    def match_kb(self, progress: Progress = NO_PROGRESS) -> KbMatches:
        """Top-3 knowledge-base articles per ticket; writes the ticket_kb_match table."""
        from goodfit.text import pipeline

        return pipeline.match_kb(self._ws.warehouse, self._ws.config, progress)

    def kb_customer(self, customer_id: str, window: Window | None = None) -> CustomerKb:
        """Share of a customer's tickets the docs answer, and which articles (in the window:
        the same tickets ``explain`` counts)."""
        from goodfit.text import pipeline

        self._ws.require_customer(customer_id)
        return pipeline.customer_kb(self._ws.warehouse, customer_id,
                                    window or self._ws.window())

    def topics(self, progress: Progress = NO_PROGRESS) -> TopicsResult:
        """Recurring topics ranked by staff minutes; writes topics and ticket_topic."""
        from goodfit.text import pipeline

        return pipeline.topics(self._ws.warehouse, self._ws.config, progress)
