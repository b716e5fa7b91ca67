"""Cost to serve, profit and support concentration: Ibis tables in, Ibis tables out.

Import the functions from their modules (``goodfit.metrics.scorecard``,
``goodfit.metrics.concentration``…): the package itself stays empty so that code which
only needs the metrics service or the window does not load Ibis and pandas."""

from goodfit.window import Window  # the window lives below metrics: the workspace resolves it

__all__ = ["Window"]
