"""E-mail templates: the project's own in PROJECT/templates/, goodfit's defaults otherwise.

A template is plain text rendered with Jinja2 (sandboxed, undefined names are an error).
The first line is ``Subject: …``, then a blank line, then the body. Customer data is
inserted as text, never interpreted as template code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from goodfit.errors import ActionError

DEFAULTS = Path(__file__).resolve().parent.parent / "resources" / "templates"
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                            keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    source: str  # the template file used


def template_path(templates_dir: Path, name: str) -> Path:
    own = templates_dir / name
    if own.is_file():
        return own
    default = DEFAULTS / name
    if default.is_file():
        return default
    raise ActionError(f"no template '{name}' in {templates_dir} (and goodfit has no default "
                      "with that name)")


def render(templates_dir: Path, name: str, values: dict[str, Any]) -> Rendered:
    path = template_path(templates_dir, name)
    try:
        text = _ENV.from_string(path.read_text(encoding="utf-8")).render(**values)
    except TemplateError as exc:
        raise ActionError(f"template {path.name}: {exc}") from None
    head, _, body = text.partition("\n")
    if not head.lower().startswith("subject:"):
        raise ActionError(f"template {path.name}: the first line must be 'Subject: …'")
    return Rendered(head.split(":", 1)[1].strip(), body.lstrip("\n").rstrip() + "\n", str(path))
