"""`copier update` as users live it: generate at a release tag, commit, edit, update to HEAD.

The template is cloned with its history (conftest's `template_repo`): release tags missing from
the clone are recreated from releases.toml, and uncommitted template changes are committed on top
so a local run tests the working tree.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import copier
import pytest
from helpers import TEMPLATE, git, install, run_own_tests, uv_run

RELEASES = tomllib.loads((TEMPLATE / "releases.toml").read_text())["release"]
# Every release a project may still be on, oldest supported first: each is updated to HEAD.
SUPPORTED = [r["tag"] for r in RELEASES][next(i for i, r in enumerate(RELEASES) if r.get("oldest_supported")) :]
OLDEST = SUPPORTED[0]
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def generate(template: Path, destination: Path, tag: str, **data) -> Path:
    """Copy at `tag` with tasks (the .env secrets and the first commit), as a user would."""
    copier.run_copy(str(template), str(destination), data=data, vcs_ref=tag, defaults=True, unsafe=True, quiet=True)
    assert (destination / ".git").is_dir() and (destination / ".env").is_file()
    return destination


def update(project: Path, **data) -> None:
    copier.run_update(
        str(project),
        data=data,
        defaults=True,
        overwrite=True,
        unsafe=True,
        quiet=True,
        conflict="inline",
        vcs_ref="HEAD",
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def user_edits(project: Path, stack: str) -> dict[str, str]:
    """Edit as a user would: a README note, a setting, a new model field with its migration."""
    notes = "\n## Team notes\n\nOn call: #payments-oncall. Deploys on Tuesdays.\n"
    with (project / "README.md").open("a") as readme:
        readme.write(notes)
    edits = {"README.md": notes.strip()}
    if stack == "django":
        setting = 'TEAM_CONTACT = "payments@example.com"'
        with (project / "config/settings/base.py").open("a") as settings:
            settings.write(f"\n{setting}\n")
        models = next(project.glob("*/items/models.py"))
        text = models.read_text()
        field = '    sku = models.CharField(max_length=32, blank=True, default="")\n'
        models.write_text(text.replace("    name = models.CharField", field + "    name = models.CharField", 1))
        install(project)
        uv_run(project, "python", "manage.py", "makemigrations", "items", "--name", "item_sku")
        edits[str(models.relative_to(project))] = field.strip()
        edits["config/settings/base.py"] = setting
    else:
        config = next(project.glob("src/*/config.py"))
        setting = 'TEAM_CONTACT = "payments@example.com"'
        with config.open("a") as settings:
            settings.write(f"\n{setting}\n")
        edits[str(config.relative_to(project))] = setting
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "our edits")
    return edits


@pytest.mark.parametrize("tag", SUPPORTED)
@pytest.mark.parametrize("stack", ["django", "flask"])
def test_update_keeps_user_edits_and_secrets(template_repo, tmp_path, stack, tag):
    project = generate(template_repo, tmp_path / "svc", tag, framework=stack)
    env_before = digest(project / ".env")
    edits = user_edits(project, stack)
    update(project)
    for name, text in edits.items():
        assert text in (project / name).read_text(), f"the user's edit to {name} was lost"
    assert not list(project.rglob("*.rej")), "update left .rej files"
    touched = set(edits)
    for path in project.rglob("*"):
        if path.is_file() and ".venv" not in path.parts and ".git" not in path.parts and path.suffix != ".sqlite3":
            text = path.read_text(errors="ignore")
            if str(path.relative_to(project)) not in touched:
                assert not any(m in text for m in MARKERS), f"conflict markers in untouched {path}"
    assert digest(project / ".env") == env_before, ".env (the secrets) changed on update"
    if tag == "v0.1.0":  # v0.2.0 renamed database=sql to postgresql: the migration carried it over
        assert "database: postgresql" in (project / ".copier-answers.yml").read_text()
    head = git(template_repo, "rev-parse", "--short", "HEAD").strip()
    assert head in (project / ".copier-answers.yml").read_text(), "the answers file does not record HEAD"
    install(project)
    run_own_tests(project)


def test_migration_script_renames_values_and_questions(tmp_path):
    answers_file = tmp_path / ".copier-answers.yml"
    answers_file.write_text("# header\n_commit: v0.1.0\ndatabase: sql\nauth: jwt\nold_name: 'x'\n")
    subprocess.run(
        [
            sys.executable,
            str(TEMPLATE / "hooks/migrate_answers.py"),
            str(answers_file),
            "--value",
            "database",
            "sql",
            "postgresql",
            "--question",
            "old_name",
            "new_name",
        ],
        check=True,
        capture_output=True,
    )
    assert answers_file.read_text() == "# header\n_commit: v0.1.0\ndatabase: postgresql\nauth: jwt\nnew_name: 'x'\n"


@pytest.mark.parametrize("stack", ["django", "flask"])
def test_conflicting_edit_is_marked_inline_keeping_both_sides(template_repo, tmp_path, stack):
    """The user edits a line the template also changed: both versions stay, between markers."""
    old = generate(template_repo, tmp_path / "old", OLDEST, framework=stack)
    new = tmp_path / "new"
    copier.run_copy(
        str(template_repo),
        str(new),
        data={"framework": stack},
        defaults=True,
        vcs_ref="HEAD",
        quiet=True,
        skip_tasks=True,
    )
    name, line = None, None
    for candidate in ("README.md", "pyproject.toml", ".env.example", ".gitignore"):
        if (old / candidate).exists() and (new / candidate).exists():
            new_lines = set((new / candidate).read_text().splitlines())
            changed = [x for x in (old / candidate).read_text().splitlines() if x.strip() and x not in new_lines]
            if changed:
                name, line = candidate, changed[0]
                break
    assert name, "HEAD changed none of the probed files since the oldest supported release"
    mine = line + "  # edited by the team"
    (old / name).write_text((old / name).read_text().replace(line, mine, 1))
    git(old, "commit", "--quiet", "-am", "our edit")
    update(old)
    merged = (old / name).read_text()
    assert all(m in merged for m in MARKERS), f"no inline conflict in {name}"
    assert mine in merged, "the user's side of the conflict was dropped"


@pytest.mark.parametrize("tag", SUPPORTED)
def test_an_edit_to_a_flask_resource_survives_its_new_layout(template_repo, tmp_path, tag):
    """A Flask resource's model and schemas now live in its own package: the edits made
    to its API module, model and schemas before are still there after the update (where the
    template rewrote the same lines, between conflict markers), never dropped."""
    project = generate(template_repo, tmp_path / "svc", tag, framework="flask")
    notes = {}
    for name in ("api/v1/items.py", "models.py", "schemas.py"):
        path = next(project.glob(f"src/*/{name}"))
        notes[path] = f"# Team note on {name}: reviewed by payments."
        path.write_text(f"{path.read_text()}\n{notes[path]}\n")
    git(project, "commit", "--quiet", "-am", "our notes")
    update(project)
    for path, note in notes.items():
        assert note in path.read_text(), f"the user's edit to {path.name} was dropped"
    assert not list(project.rglob("*.rej")), "update left .rej files"
    assert next(project.glob("src/*/items/models.py")).exists()


@pytest.mark.parametrize("stack", ["django", "flask"])
def test_changing_an_answer_on_update_adds_the_feature(template_repo, tmp_path, stack):
    project = generate(template_repo, tmp_path / "svc", "HEAD", framework=stack, auth="none")
    update(project, auth="jwt")
    recorded = (project / ".copier-answers.yml").read_text()
    assert "auth: jwt" in recorded
    pyproject = (project / "pyproject.toml").read_text().lower()
    assert ("simplejwt" if stack == "django" else "flask-jwt-extended") in pyproject
    install(project)
    run_own_tests(project)


def test_update_refuses_a_dirty_tree_and_changes_nothing(template_repo, tmp_path):
    project = generate(template_repo, tmp_path / "svc", "HEAD", framework="flask")
    (project / "README.md").write_text((project / "README.md").read_text() + "\nuncommitted\n")
    before = {p: digest(p) for p in project.rglob("*") if p.is_file() and ".git" not in p.parts}
    with pytest.raises(Exception, match="(?i)dirty"):
        update(project)
    assert {p: digest(p) for p in project.rglob("*") if p.is_file() and ".git" not in p.parts} == before


def test_update_to_a_missing_tag_fails_clearly(template_repo, tmp_path):
    project = generate(template_repo, tmp_path / "svc", "HEAD", framework="django")
    before = git(project, "rev-parse", "HEAD")
    with pytest.raises(Exception, match="v99.0.0"):
        copier.run_update(str(project), defaults=True, overwrite=True, unsafe=True, quiet=True, vcs_ref="v99.0.0")
    assert git(project, "rev-parse", "HEAD") == before
    assert not git(project, "status", "--porcelain").strip()


def test_update_with_a_relative_template_path_fails_and_changes_nothing(template_repo, tmp_path):
    project = generate(template_repo, tmp_path / "svc", "HEAD", framework="django")
    answers_file = project / ".copier-answers.yml"
    answers_file.write_text(answers_file.read_text().replace(str(template_repo), "../elsewhere/api-crossroads"))
    git(project, "commit", "--quiet", "-am", "a relative template path")
    before = git(project, "rev-parse", "HEAD")
    with pytest.raises(Exception, match="git-tracked"):
        update(project)
    assert git(project, "rev-parse", "HEAD") == before
    assert not git(project, "status", "--porcelain").strip()


# Identity answers: what the project is. Changing one through update is refused, nothing written.
IDENTITY = {
    "django": {
        "framework": "flask",
        "database": "mongodb",
        "project_slug": "renamed_api",
        "resource_name": "book",
        "resource_plural": "item_list",
    },
    "flask": {
        "framework": "django",
        "database": "mongodb",
        "project_slug": "renamed_api",
        "resource_name": "book",
        "resource_plural": "item_list",
    },
}
REFUSED = {
    "framework": "copier update cannot change it to",
    "database": "copier update cannot change it to",
    "project_slug": "rename the package by hand",
    "resource_name": "make resource NAME=book",
    "resource_plural": "make resource NAME=item PLURAL=item_list",
}


@pytest.fixture(scope="module")
def committed(template_repo, tmp_path_factory):
    """One committed project per stack, generated at HEAD; refused updates must leave it as it is."""
    return {
        stack: generate(template_repo, tmp_path_factory.mktemp(stack) / "svc", "HEAD", framework=stack)
        for stack in ("django", "flask")
    }


def snapshot(project: Path) -> tuple[str, str, dict]:
    files = {p: digest(p) for p in project.rglob("*") if p.is_file() and ".git" not in p.parts}
    return git(project, "rev-parse", "HEAD"), git(project, "status", "--porcelain"), files


@pytest.mark.parametrize("question", list(REFUSED))
@pytest.mark.parametrize("stack", ["django", "flask"])
def test_changing_an_identity_answer_is_refused_and_writes_nothing(committed, stack, question):
    project = committed[stack]
    before = snapshot(project)
    with pytest.raises(ValueError) as refused:
        update(project, **{question: IDENTITY[stack][question]})
    message = str(refused.value)
    if not (stack == "django" and question == "database"):  # Django + MongoDB is refused as on copy
        assert f"generated with {question}=" in message and "Nothing was written" in message, message
        assert REFUSED[question] in message and "docs/update.md" in message, message
    assert snapshot(project) == before, "a refused update changed the project"


@pytest.mark.parametrize("stack", ["django", "flask"])
def test_safe_answers_change_on_update(template_repo, tmp_path, stack):
    """Limiter storage, Kubernetes, CORS and the CI provider are options, not identity: they change."""
    project = generate(template_repo, tmp_path / "svc", "HEAD", framework=stack)
    update(project, limiter_storage="redis", kubernetes=True, cors=False, ci_provider="gitlab")
    recorded = (project / ".copier-answers.yml").read_text()
    for line in ("limiter_storage: redis", "kubernetes: true", "cors: false", "ci_provider: gitlab"):
        assert line in recorded
    assert (project / "deploy/k8s/deployment.yaml").is_file() and (project / ".gitlab-ci.yml").is_file()
    assert "redis" in (project / "pyproject.toml").read_text()


def test_a_recorded_name_that_a_newer_rule_reserves_is_kept(tmp_path):
    """A project made before a name was reserved still updates: the rule applies to new names,
    the recorded one is kept (copier's questionnaire over the project's answers file)."""
    import yaml
    from questionnaire import Questionnaire, export_head

    project = tmp_path / "svc"
    project.mkdir()
    ask = Questionnaire(export_head(tmp_path), project)
    recorded = {k: v for k, v in ask({}).items() if k in copier_questions_names()}
    recorded["resource_plural"] = "errors"  # free when the project was made, reserved since
    (project / ".copier-answers.yml").write_text(yaml.safe_dump(recorded))
    assert ask({})["resource_plural"] == "errors"
    assert "copier update cannot change it" in ask.refusal({"resource_plural": "items"})


def copier_questions_names() -> set[str]:
    from helpers import copier_questions

    return {name for name, spec in copier_questions().items() if spec.get("when") is not False}


@pytest.mark.parametrize("stack", ["django", "flask"])
def test_after_the_readme_commands_the_tree_is_clean_and_update_runs(template_repo, tmp_path, stack):
    """The first commit holds uv.lock: installing, migrating and testing as the README says
    leaves nothing to commit, so the next `copier update` is not refused as dirty."""
    project = generate(template_repo, tmp_path / "svc", "HEAD", framework=stack)
    install(project)
    if stack == "django":
        uv_run(project, "python", "manage.py", "migrate")
    else:
        uv_run(project, "flask", "--app", "my_api", "db", "upgrade")
    run_own_tests(project)
    assert git(project, "status", "--porcelain") == ""
    update(project)
    assert not list(project.rglob("*.rej"))
