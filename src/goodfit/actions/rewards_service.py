"""The rewards capability for a project: who is eligible, commit-reveal draws, credits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from goodfit.actions.service import action_context

if TYPE_CHECKING:
    from goodfit.actions.draw import Verification as DrawVerification
    from goodfit.actions.reward_draws import DrawRecord, Export
    from goodfit.actions.rewards import RewardPlan
    from goodfit.scoring.service import Scoring
    from goodfit.workspace import When, Workspace


class Rewards:
    def __init__(self, ws: Workspace, scoring: Scoring) -> None:
        self._ws = ws
        self._scoring = scoring

    def plan(self, *, as_of: When = None, save: bool = True,
             actor: str | None = None, snapshot: int | None = None
             ) -> tuple[RewardPlan, DrawRecord | None]:
        """Who is eligible for a reward (and the near-misses); saved as a draw to commit.

        Eligibility is the reward segment's rule (scoring/reward_rule.py) on the facts of
        the stored scoring run (the newest, or ``snapshot``): read, never recomputed here.
        ``as_of`` (default: the run's) dates the plan and the recent-winner exclusion.
        """
        from goodfit.actions import reward_draws, rewards

        run = self._scoring.run(snapshot)
        source = f"snapshot {run.snapshot.id}" if run.snapshot else "scoring run"
        # the same moment the stored run was scored as of, unless another is asked for
        moment = run.as_of if as_of is None else self._ws.window(as_of).as_of
        ctx = action_context(self._ws)
        recent = reward_draws.recent_winners(ctx, moment,
                                             self._ws.config.rewards.exclude_recent_winners_months)
        result = rewards.plan(self._ws.tables(), self._ws.config, facts=run.result.facts,
                              as_of=moment, since=run.since, source=source,
                              recent_winners=recent)
        record = reward_draws.save_plan(ctx, result, actor) if save else None
        return result, record

    def commit(self, draw_id: int, actor: str) -> DrawRecord:
        """Publish the eligible list and the hash of a secret seed (PROJECT/rewards/<id>/)."""
        from goodfit.actions import reward_draws

        return reward_draws.commit(action_context(self._ws), draw_id, actor)

    def draw(self, draw_id: int, actor: str) -> DrawRecord:
        """Reveal the seed and draw the winners from seed + committed list."""
        from goodfit.actions import reward_draws

        return reward_draws.run_draw(action_context(self._ws), draw_id, actor)

    def verify(self, draw_id: int | None = None, *, directory: Path | None = None,
               actor: str | None = None) -> DrawVerification:
        """Recompute a draw's winners from its published files alone.

        With a draw id, also check the files are the ones this project recorded, and
        record the outcome (state DB and audit log).
        """
        from goodfit.actions import draw, reward_draws

        if directory is not None:
            return draw.verify(directory)
        if draw_id is None:
            raise ValueError("give a draw id or a directory")
        return reward_draws.verify_recorded(action_context(self._ws), draw_id, actor)

    def export(self, draw_id: int, actor: str) -> Export:
        """Credit lines for billing and a reward case (congratulation e-mail) per winner."""
        from goodfit.actions import reward_draws

        return reward_draws.export(action_context(self._ws), draw_id, actor)

    def draws(self) -> list[DrawRecord]:
        from goodfit.actions import reward_draws

        return reward_draws.list_draws(action_context(self._ws))
