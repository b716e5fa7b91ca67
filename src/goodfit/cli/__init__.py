"""goodfit's command line. Each module registers its commands on ``app``."""

import goodfit.cli.rewards  # noqa: F401  (rewards, whatif, educate)
from goodfit.cli import actions, data  # noqa: F401  (registers commands)
from goodfit.cli.app import app, run

__all__ = ["app", "main"]


def main() -> None:
    run()
