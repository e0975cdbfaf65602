"""MkDocs hook: the pages that must not drift are generated from the template itself at build time.

- `<!-- generated:options -->` becomes the options reference, read from copier.yml.
- `<!-- generated:signals -->` becomes the table of decision signals, read from
  includes/decision.jinja (the table copier.yml scores with); `<!-- generated:sources -->` the
  articles they come from, by title and publisher; `<!-- generated:question-count -->` how many
  decision questions there are.
- `decision.svg` is a score chart drawn from the same table.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import jinja2
import yaml
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
STACK_COLOURS = {"django": "#0c4b33", "flask": "#3b7dd8"}


def questions() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "copier.yml").read_text())
    return {name: spec for name, spec in data.items() if not name.startswith("_")}


def decision_module() -> Any:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT)), undefined=jinja2.StrictUndefined)
    return env.get_template("includes/decision.jinja").module


def signals() -> list[dict[str, Any]]:
    return list(decision_module().SIGNALS)


def sources_markdown() -> str:
    sources = decision_module().SOURCES
    return "\n".join(f"- {s['publisher']}: *{s['title']}* ({s['date']})" for s in sources.values())


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _choices(spec: dict[str, Any]) -> str:
    raw = spec.get("choices")
    if raw is None:
        return "yes / no" if spec.get("type") == "bool" else "free text"
    if isinstance(raw, list):
        return ", ".join(f"`{v}`" for v in raw)
    items = []
    for label, value in raw.items():
        value = value["value"] if isinstance(value, dict) else value
        items.append(f"`{value}` ({label})")
    return "<br>".join(items)


def _code(value: Any) -> str:
    text = str(value).strip()
    return f"`{_cell(text)}`" if len(text) < 60 else "computed (see copier.yml)"


def _help(name: str, text: str) -> str:
    """A question's help as the reference shows it: counts filled in, other Jinja elided."""
    if name == "framework":
        return "shows the recommendation, its score and reasons, then asks for the stack"
    text = text.replace("{{ QUESTIONS | length }}", str(len(decision_module().QUESTIONS)))
    text = re.sub(r"\{%.*?%\}", "", text)
    return re.sub(r"\{\{.*?\}\}", "…", text)


def options_markdown() -> str:
    rows = ["| option | question | choices | default | asked when |", "|---|---|---|---|---|"]
    for name, spec in questions().items():
        when = spec.get("when")
        asked = "never (computed)" if when is False else ("always" if when is None else _code(when))
        help_text = _help(name, spec.get("help", ""))
        default = spec.get("default", "")
        default_text = str(default).lower() if isinstance(default, bool) else _code(default)
        choices = "JSON, not a question" if when is False else _choices(spec)
        rows.append(f"| `{name}` | {_cell(help_text)} | {choices} | {default_text} | {asked} |")
    return "\n".join(rows)


def signals_markdown() -> str:
    sources = decision_module().SOURCES
    rows = ["| question | answer | adds to | weight | why | source |", "|---|---|---|---|---|---|"]
    for s in signals():
        answer = "yes" if s["is"] is True else f"`{s['is']}`"
        rows.append(
            f"| `{s['q']}` | {answer} | {s['stack'].capitalize()} | +{s['weight']} | {_cell(s['reason'])} | {sources[s['source']]['publisher']} |"
        )
    return "\n".join(rows)


def decision_svg() -> str:
    """A horizontal bar per signal: Django's to the left of the axis, Flask's to the right."""
    rows, unit, height, middle, width = signals(), 60, 26, 560, 1120
    top = 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height * len(rows) + 20}" '
        'font-family="sans-serif" font-size="12" role="img" aria-labelledby="title">',
        '<title id="title">Decision signals: what each answer adds to Django (left) or Flask (right)</title>',
        f'<text x="{middle - 10}" y="20" text-anchor="end" font-size="15" fill="{STACK_COLOURS["django"]}">'
        "◀ Django + DRF</text>",
        f'<text x="{middle + 10}" y="20" font-size="15" fill="{STACK_COLOURS["flask"]}">Flask ▶</text>',
        f'<line x1="{middle}" y1="30" x2="{middle}" y2="{top + height * len(rows)}" stroke="#888"/>',
    ]
    for i, s in enumerate(rows):
        y = top + i * height
        length = s["weight"] * unit
        answer = "yes" if s["is"] is True else s["is"]
        label = html.escape(f"{s['q']} = {answer}  (+{s['weight']})")
        if s["stack"] == "django":
            parts.append(f'<rect x="{middle - length}" y="{y}" width="{length}" height="{height - 6}" '
                         f'fill="{STACK_COLOURS["django"]}"/>')
            parts.append(f'<text x="{middle - length - 6}" y="{y + 14}" text-anchor="end">{label}</text>')
        else:
            parts.append(f'<rect x="{middle}" y="{y}" width="{length}" height="{height - 6}" '
                         f'fill="{STACK_COLOURS["flask"]}"/>')
            parts.append(f'<text x="{middle + length + 6}" y="{y + 14}">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, "decision.svg", content=decision_svg()))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    generated = {
        "options": options_markdown,
        "signals": signals_markdown,
        "sources": sources_markdown,
        "question-count": lambda: str(len(decision_module().QUESTIONS)),
    }
    for name, make in generated.items():
        marker = f"<!-- generated:{name} -->"
        if marker in markdown:
            markdown = markdown.replace(marker, make())
    return markdown
