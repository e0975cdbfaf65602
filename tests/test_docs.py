"""The documentation site builds in strict mode and cannot drift from copier.yml."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TEMPLATE, copier_questions

MKDOCS = Path(sys.executable).with_name("mkdocs")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(out)],
        cwd=TEMPLATE,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_options_reference_lists_every_question(site):
    page = html.unescape((site / "options/index.html").read_text())
    missing = [name for name in copier_questions() if f"<code>{name}</code>" not in page]
    assert missing == []


def test_decision_page_shows_every_signal_and_the_chart(site):
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE)), undefined=jinja2.ChainableUndefined)
    signals = env.get_template("includes/decision.jinja").module.SIGNALS
    page = html.unescape((site / "decision/index.html").read_text())
    assert [s["reason"] for s in signals if s["reason"] not in page] == []
    svg = (site / "decision.svg").read_text()
    assert svg.count("<rect") == len(signals)
    assert 'src="../decision.svg"' in page


def test_site_makes_no_request_off_its_host(site):
    """No CDN fonts or scripts: every page works on a machine with no internet."""
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert "fonts.googleapis.com" not in text and "cdn.jsdelivr" not in text, page


def test_update_guide_lists_every_refusal_and_its_fix():
    """docs/update.md names each identity answer an update keeps, and the --trust requirement."""
    guide = (TEMPLATE / "docs/update.md").read_text()
    for question in ("framework", "database", "project_slug", "resource_name", "resource_plural"):
        assert f"`{question}`" in guide, question
    assert "copier update cannot change it" in guide
    assert "even with `--skip-tasks`" in guide and "Template uses potentially unsafe feature" in guide
    assert "Destination repository is dirty" in guide and "uv.lock" in guide


def test_getting_started_has_no_placeholder_url():
    page = (TEMPLATE / "docs/index.md").read_text()
    assert "example.com" not in page and "your-org" not in page
    assert "add `--defaults`" in page
