"""Templates in the project folder: goodfit writes its defaults once, people edit them.

``PROJECT/templates/<group>/<name>`` (Jinja2). Plain-text templates are not escaped;
``.html``/``.htm``/``.xml`` ones are autoescaped. An e-mail template starts with a
``Subject: …`` line, then a blank line, then the body. Templates run sandboxed.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from goodfit.errors import ActionError


def ensure_defaults(root: Path, group: str) -> Path:
    """Copy goodfit's default templates for ``group`` into the project (never overwrite)."""
    target = root / "templates" / group
    target.mkdir(parents=True, exist_ok=True)
    source = resources.files("goodfit") / "resources" / "templates" / group
    for item in source.iterdir():
        dest = target / item.name
        if item.is_file() and not dest.exists():
            with resources.as_file(item) as path:
                shutil.copyfile(path, dest)
    return target


def _env(root: Path) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(root / "templates")),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=False,
                                     default=False),
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=False)


def render(root: Path, group: str, name: str, /, **values: Any) -> str:
    try:
        return _env(root).get_template(f"{group}/{name}").render(**values)
    except TemplateError as exc:
        raise ActionError(f"template templates/{group}/{name}: {exc}") from None


def render_email(root: Path, group: str, name: str, /, **values: Any) -> tuple[str, str]:
    """(subject, body) from a template whose first line is ``Subject: …``."""
    text = render(root, group, name, **values)
    first, _, rest = text.partition("\n")
    if not first.lower().startswith("subject:"):
        raise ActionError(f"template templates/{group}/{name} must start with a "
                          "'Subject: …' line")
    return first.split(":", 1)[1].strip(), rest.lstrip("\n").rstrip() + "\n"
