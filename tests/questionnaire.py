"""Copier's own questionnaire, run without writing a file: what copier would answer and refuse.

Used where a test needs copier's verdict on many answer sets (the property test, the generation
matrix): cheaper than a render, and it cannot drift from copier.yml the way a restated rule can.
"""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

from copier._main import Worker
from helpers import TEMPLATE


def export_head(folder: Path) -> Path:
    """The committed template (HEAD) as a plain folder: copier reads it in place, no git clone."""
    archive = folder / "head.tar"
    subprocess.run(["git", "archive", "--output", str(archive), "HEAD"], cwd=TEMPLATE, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "template", filter="data")
    archive.unlink()
    return folder / "template"


class Questionnaire:
    """Copier's own questionnaire with --defaults: every default rendered and validated, every
    given answer validated, nothing written. The Workers share one Jinja environment whose
    from_string remembers what it compiled: a question's expressions are the same text for every
    answer set, so each is compiled once per run instead of once per set (rendering, which reads
    the answers, still happens per set)."""

    def __init__(self, template: Path, destination: Path):
        self.template, self.destination, self.env = template, destination, None

    def __call__(self, data: dict) -> dict:
        with Worker(
            src_path=str(self.template), dst_path=self.destination, data=data, defaults=True, quiet=True
        ) as worker:
            if self.env is None:
                self.env = worker.jinja_env
                compiled, from_string = {}, self.env.from_string

                def remembered(source, globals=None, template_class=None):
                    if globals is not None or template_class is not None:
                        return from_string(source, globals, template_class)
                    if source not in compiled:
                        compiled[source] = from_string(source)
                    return compiled[source]

                self.env.from_string = remembered
            worker.__dict__["jinja_env"] = self.env  # Worker.jinja_env is a cached_property
            worker._ask()
            return dict(worker.answers.combined)

    def refusal(self, data: dict) -> str:
        """Copier's message refusing `data`, or "" when it accepts it."""
        try:
            self(data)
        except ValueError as refused:
            return str(refused)
        return ""
