"""The app of one server process when ``goodfit serve --workers N`` runs several.

Each worker imports this module and calls ``app()`` (a factory): it opens the project
named by the serve command in its own process (its own state DB and warehouse
connections and caches). Sessions and the sign-in limit are in the state DB, so a
request may land on any worker.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

PROJECT_ENV = "GOODFIT_SERVE_PROJECT"
SECURE_ENV = "GOODFIT_SERVE_SECURE_COOKIES"


def app() -> FastAPI:
    from goodfit.project import Project
    from goodfit.web.app import create_app

    return create_app(Project.open(os.environ[PROJECT_ENV]),
                      secure_cookies=os.environ.get(SECURE_ENV, "1") == "1", warm=True)
