"""goodfit's command line. Each module registers its commands on ``app``."""

from goodfit.cli import (
    data,  # noqa: F401  (registers commands)
    scoring,  # noqa: F401
)
from goodfit.cli.app import app, run

__all__ = ["app", "main"]


def main() -> None:
    run()
