"""goodfit's command line. Each module registers its commands on ``app``."""

from goodfit.cli import data, tone  # noqa: F401  (registers commands)
from goodfit.cli.app import app, run

__all__ = ["app", "main"]


def main() -> None:
    run()
