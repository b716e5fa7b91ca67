"""goodfit's command line. Each module registers its commands on ``app``."""

import goodfit.cli.synth  # noqa: F401  (registers goodfit synth)
from goodfit.cli import data  # noqa: F401  (registers commands)
from goodfit.cli.app import app, run

__all__ = ["app", "main"]


def main() -> None:
    run()
