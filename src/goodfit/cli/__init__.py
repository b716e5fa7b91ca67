"""goodfit's command line. Each module registers its commands on ``app``."""

from goodfit.cli import (  # noqa: F401  (each module registers its commands)
    actions,
    connect,
    data,
    demo,
    maintenance,
    metrics,
    rewards,
    scoring,
    serve,
    spark,
    synth,
    text,
    tone,
)
from goodfit.cli.app import app, run

__all__ = ["app", "main"]


def main() -> None:
    run()
