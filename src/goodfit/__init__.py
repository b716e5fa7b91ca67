"""goodfit: what each customer really costs to serve.

``from goodfit import Project`` is the documented API; it is loaded on first use so that
``import goodfit.errors`` (and the command line's start-up) stay cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from goodfit.project import Project
    from goodfit.workspace import Workspace

__all__ = ["Project", "Workspace", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # importlib.metadata costs ~0.1 s: only when asked
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("goodfit")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+unknown"
    if name == "Project":
        from goodfit.project import Project

        return Project
    if name == "Workspace":
        from goodfit.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'goodfit' has no attribute '{name}'")
