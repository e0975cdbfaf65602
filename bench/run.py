"""Benchmark of the projects api-crossroads generates, against hand-written baselines.

    /work/main/.venv/bin/python bench/run.py [--quick] [--levers] [--before REF]

Per stack (Django + DRF, Flask): `copier copy` wall time, time from `copier copy` to green tests,
SQL queries per list page, then the default project under gunicorn (production settings, 2
workers, 300 identical rows in SQLite) beside a bare baseline app in the same framework and the
same venv, loaded in turn by wrk on 127.0.0.1: requests/s, p50 and p99 latency, resident memory
per worker, time to first 200. With --levers, each file of levers/<stack>/ serves the same
project with one setting changed (or one removed patch put back), loaded in the same rounds;
with --before REF, so does the project the template generated at REF. Writes
bench/results/{results.md,results.json,chart.png} and prints the table. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import glob
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
TEMPLATE = BENCH.parent
RESULTS = BENCH / "results"
LEVERS = BENCH / "levers"
VENV_BIN = Path(sys.executable).parent  # the template's venv: copier and uv live there
COPIER, UV = VENV_BIN / "copier", VENV_BIN / "uv"
STACKS = ("django", "flask")
ROWS, WORKERS, WRK_ARGS = 300, 2, ["-t1", "-c8"]
PROXY = {"X-Forwarded-Proto": "https"}  # as behind a TLS-terminating proxy
ENDPOINTS = {"health": "/health", "list": "/api/v1/items/"}
SIZES = (10, 100)
# generated ÷ baseline requests/s to reach; a DRF list does about twice a bare view's work.
TARGET_RATIO = {("django", "list"): 0.7}
# Issue 15: copier copy at cookiecutter-django's render time (0.59 s measured here), and from
# copy to green tests in 5 s with a warm uv cache.
GENERATION_TARGET_S, GREEN_TARGET_S = 0.6, 5.0


@dataclass(frozen=True)
class Plan:
    generations: int  # copier copy runs per stack
    greens: int  # time-to-green runs per stack (0: install only, no tests)
    seconds: int  # one wrk run
    rounds: int  # generated/baseline alternations per endpoint
    warmup: int  # wrk seconds per server and endpoint before measuring
    cpu_requests: int  # in-process requests per endpoint and app for the CPU figure


FULL = Plan(generations=7, greens=3, seconds=5, rounds=10, warmup=3, cpu_requests=2000)
QUICK = Plan(generations=1, greens=0, seconds=2, rounds=1, warmup=1, cpu_requests=250)


# ---------------------------------------------------------------- helpers
STARTED = time.perf_counter()


def note(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def sh(cmd: list[str], cwd: Path | None = None, env: dict | None = None, timeout: float = 600) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(
            f"{shlex.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    sh(cmd, **kwargs)
    return time.perf_counter() - start


def clean_env(**extra: str) -> dict[str, str]:
    # Bytecode is written as on a developer's machine or an image built with it (compileall
    # below), whatever this shell says: otherwise every start-up compiles every module again.
    dropped = {"VIRTUAL_ENV", "PYTHONPATH", "DATABASE_URL", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return env | {"UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"} | extra


def python_for(version: str) -> str:
    """An interpreter of `version`: pyenv's own builds first (not its shims), then PATH."""
    found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    found.append(shutil.which(f"python{version}"))
    if not any(found):
        raise LookupError(f"no Python {version} on this machine")
    return next(filter(None, found))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    return {
        "nproc": os.cpu_count(),
        "memory_mib": mem,
        "cpu": cpu,
        "kernel": platform.release(),
        "loadavg_at_start": os.getloadavg(),
    }


# ---------------------------------------------------------------- generate, install, test
def generate(stack: str, dst: Path, ref: str = "HEAD") -> tuple[float, float]:
    """Wall time and CPU time (user + system, copier and its git children) of one copier copy."""
    args = [
        str(COPIER),
        "copy",
        "--defaults",
        "--skip-tasks",
        "--quiet",
        f"--vcs-ref={ref}",  # HEAD: this checkout as committed, not its newest release tag
        "--data",
        f"framework={stack}",
        str(TEMPLATE),
        str(dst),
    ]
    before = os.times()
    wall = timed(args, env=clean_env())
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


COUNT_COMPILES = """
import sys, time, copier, jinja2
count, seconds, compile_ = 0, 0.0, jinja2.Environment.compile
def counted(self, *args, **kwargs):
    global count, seconds
    count += 1
    start = time.perf_counter()
    try:
        return compile_(self, *args, **kwargs)
    finally:
        seconds += time.perf_counter() - start
jinja2.Environment.compile = counted
start = time.perf_counter()
copier.run_copy(sys.argv[1], sys.argv[2], data={"framework": sys.argv[3]}, defaults=True,
                skip_tasks=True, quiet=True, vcs_ref="HEAD")
print(count, seconds, time.perf_counter() - start)
"""


def jinja_compiles(stack: str, dst: Path) -> dict[str, float]:
    """How many Jinja templates (files, path names, answers' defaults, helps, validators) one
    copier copy compiles, and the seconds that takes out of the whole copy (in-process, after
    copier's import): what its time mostly goes to."""
    out = sh([sys.executable, "-c", COUNT_COMPILES, str(TEMPLATE), str(dst), stack], env=clean_env())
    count, seconds, total = out.strip().splitlines()[-1].split()
    return {"count": int(count), "seconds": float(seconds), "copy_seconds": float(total)}


def install(project: Path) -> float:
    python = python_for((project / ".python-version").read_text().strip())
    return timed([str(UV), "sync", "--quiet", "--python", python], cwd=project, env=clean_env())


def test(project: Path) -> float:
    # pytest's temporary directories under the project's own folder: in the shared
    # /tmp/pytest-of-<user>/ each session also deletes the oldest sessions' folders (those of any
    # other test run on the machine), which is not this project's time.
    return timed(
        [str(project / ".venv/bin/python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["--basetemp", str(project / ".pytest-tmp")],
        cwd=project,
        env=clean_env(),
        timeout=900,
    )


def production_env(stack: str, db: Path) -> dict[str, str]:
    env = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{db}",
    }
    # Limits so high that nothing is refused but every request is counted. Per second, not per
    # minute: DRF's stock throttle keeps one timestamp per request in the window and pickles the
    # list on each request, so a minute of wrk traffic would measure a history no client has.
    if stack == "django":
        return env | {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "THROTTLE_ANON_RATE": "1000000/second",
            "THROTTLE_USER_RATE": "1000000/second",
        }
    return env | {"APP_ENV": "production", "RATELIMIT_DEFAULT": "1000000 per second"}


def prepare(stack: str, project: Path, env: dict[str, str], slug: str) -> str:
    """Create the tables with the project's own commands, then insert the same ROWS rows."""
    bin_ = project / ".venv/bin"
    if stack == "django":
        sh([str(bin_ / "python"), "manage.py", "migrate", "--noinput"], cwd=project, env=clean_env(**env))
        sh([str(bin_ / "python"), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=project, env=clean_env(**env))
        table = "items_item"
    else:
        sh([str(bin_ / "flask"), "--app", slug, "db", "upgrade"], cwd=project, env=clean_env(**env))
        table = "items"
    stamp = "2026-01-01 00:00:00.000000"
    rows = [(f"Item {n:03d}", f"Description of item {n}.", n % 3 != 0, stamp, stamp) for n in range(1, ROWS + 1)]
    with contextlib.closing(sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))) as con, con:
        con.execute(f"DELETE FROM {table}")
        con.executemany(
            f"INSERT INTO {table} (name, description, is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", rows
        )
    return table


def query_counts(stack: str, project: Path, env: dict[str, str], slug: str) -> dict[str, int]:
    probe = BENCH / "probes" / "queries.py"
    out = sh(
        [str(project / ".venv/bin/python"), str(probe), stack, slug, ENDPOINTS["list"], *map(str, SIZES)],
        cwd=project,
        env=clean_env(**env),
    )
    return json.loads(out.strip().splitlines()[-1])


def versions(project: Path) -> dict[str, str]:
    names = ["django", "djangorestframework", "flask", "sqlalchemy", "gunicorn"]
    code = (
        "import importlib.metadata as m, json, sys\n"
        "found = {d.metadata['Name'].lower(): d.version for d in m.distributions()}\n"
        f"v = {{n: found[n] for n in {names!r} if n in found}}\n"
        "print(json.dumps(v | {'python': sys.version.split()[0]}))"
    )
    return json.loads(sh([str(project / ".venv/bin/python"), "-c", code]))


# ---------------------------------------------------------------- serve and load
class Server:
    """gunicorn with the generated project's gunicorn.conf.py and venv; `app` swaps the WSGI app."""

    def __init__(self, project: Path, env: dict[str, str], log: Path, app: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            str(project / ".venv/bin/gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
        ]
        if app:
            cmd += ["--pythonpath", str(BENCH / "baselines"), app]
        self.log = log.open("w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            cmd, cwd=project, env=clean_env(**env), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.startup = self._wait_ready()

    def _wait_ready(self, limit: float = 60) -> float:
        with httpx.Client(headers=PROXY, timeout=2) as client:
            while time.perf_counter() - self.started < limit:
                with contextlib.suppress(httpx.TransportError):
                    if client.get(self.url + "/health").status_code == 200:
                        return time.perf_counter() - self.started
                if self.process.poll() is not None:
                    break
                time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer: see {self.log.name}")

    def workers_rss_mib(self) -> list[float]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        rss = []
        for child in children:
            status = Path(f"/proc/{child}/status").read_text()
            rss.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
        return rss

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url + path, headers=PROXY, timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.log.close()


@contextlib.contextmanager
def serving(*args, **kwargs) -> Iterator[Server]:
    server = Server(*args, **kwargs)
    try:
        yield server
    finally:
        server.stop()


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk(url: str, seconds: int) -> dict[str, float]:
    header = [f"-H{k}: {v}" for k, v in PROXY.items()]
    out = sh(["wrk", *WRK_ARGS, f"-d{seconds}s", "--latency", *header, url], timeout=seconds + 30)
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors on {url}:\n{out}")
    latency = {p: float(v) * UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
    }


def comparable(server: Server, path: str) -> object:
    """The JSON a server answers, with its own address taken out of the links."""
    response = server.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    return json.loads(response.text.replace(f"127.0.0.1:{server.port}", "HOST"))


@dataclass(frozen=True)
class Variant:
    """The generated project served another way, loaded in the same rounds as the others."""

    name: str
    what: str
    project: Path
    env: dict[str, str]
    app: str | None = None


def lever_variants(stack: str, project: Path, env: dict[str, str]) -> list[Variant]:
    """One variant per file of levers/<stack>/: a settings module over production's (Django), or a
    module exposing `app` (Flask), copied into the project; its docstring says what it changes."""
    variants = []
    for lever in sorted((LEVERS / stack).glob("*.py")):
        what = lever.read_text().split('"""')[1].strip()
        if stack == "django":
            shutil.copy(lever, project / "config" / "settings" / f"bench_{lever.stem}.py")
            settings = {"DJANGO_SETTINGS_MODULE": f"config.settings.bench_{lever.stem}"}
            variant = Variant(lever.stem, what, project, env | settings)
        else:
            shutil.copy(lever, project / f"bench_{lever.stem}.py")
            variant = Variant(lever.stem, what, project, env, app=f"bench_{lever.stem}:app")
        variants.append(variant)
    return variants


def before_variant(stack: str, ref: str, work: Path, env: dict[str, str], slug: str) -> Variant:
    """The default project as the template generated it at `ref`, installed and prepared alike."""
    project = work / "before"
    generate(stack, project, ref)
    install(project)
    env = env | {"DATABASE_URL": f"sqlite:///{work / 'before.sqlite3'}"}
    prepare(stack, project, env, slug)
    return Variant("before", f"the project generated at {ref}", project, env)


def cpu_us(project: Path, env: dict[str, str], app: str | None, n: int) -> dict[str, float]:
    """CPU microseconds per request of each endpoint, the app called in-process (probes/wsgi.py):
    process time, so other load on the machine counts far less than in requests/s."""
    if app is None:  # the project's own, as its gunicorn.conf.py names it
        app = re.search(r'^wsgi_app = "(.+)"', (project / "gunicorn.conf.py").read_text(), re.M).group(1)
    probe = [str(project / ".venv/bin/python"), str(BENCH / "probes" / "wsgi.py"), app, *ENDPOINTS.values()]
    out = sh([*probe, "--n", str(n)], cwd=project, env=clean_env(**env))
    measured = dict(line.split("\t") for line in out.strip().splitlines() if "\t" in line)
    return {name: float(measured[path].removesuffix(" us")) for name, path in ENDPOINTS.items()}


def load(stack: str, project: Path, env: dict[str, str], work: Path, plan: Plan, variants: list[Variant]) -> dict:
    base_app = "django_baseline:application" if stack == "django" else "flask_baseline:app"
    base_env = env | ({"DJANGO_SETTINGS_MODULE": "django_baseline"} if stack == "django" else {})
    apps = {"generated": (project, env, None), "baseline": (project, base_env, base_app)}
    apps |= {v.name: (v.project, v.env, v.app) for v in variants}
    note(f"{stack}: CPU per request, in-process, {len(apps)} apps")
    cpu = {kind: cpu_us(*where, n=plan.cpu_requests) for kind, where in apps.items()}
    with contextlib.ExitStack() as stack_:
        servers = {
            "generated": stack_.enter_context(serving(project, env, work / "generated.log")),
            "baseline": stack_.enter_context(serving(project, base_env, work / "baseline.log", app=base_app)),
        }
        for v in variants:
            servers[v.name] = stack_.enter_context(serving(v.project, v.env, work / f"{v.name}.log", app=v.app))
        for path in ENDPOINTS.values():  # same work: the same JSON, links aside
            for query in ("", "?page=2", "?page_size=100"):
                if path == ENDPOINTS["health"] and query:
                    continue
                base = comparable(servers["baseline"], path + query)
                for kind, server in servers.items():
                    gen = comparable(server, path + query)
                    if gen != base:
                        differ = {k: (gen.get(k), base.get(k)) for k in gen | base if gen.get(k) != base.get(k)}
                        raise RuntimeError(
                            f"{stack} {path + query}: {kind} and baseline answer differently: {str(differ)[:2000]}"
                        )
        for server in servers.values():
            for path in ENDPOINTS.values():
                wrk(server.url + path, plan.warmup)
        endpoints = {}
        for name, path in ENDPOINTS.items():
            runs: dict[str, list] = {kind: [] for kind in servers}
            for _ in range(plan.rounds):
                for kind, server in servers.items():
                    runs[kind].append(wrk(server.url + path, plan.seconds))
            summary = {
                kind: {k: statistics.median(r[k] for r in rs) for k in rs[0]} | {"runs": rs}
                for kind, rs in runs.items()
            }
            # Each round's runs are neighbours in time: the median of their ratios to the
            # baseline shrugs off load that comes and goes on the machine.
            ratios = {
                kind: statistics.median(g["rps"] / b["rps"] for g, b in zip(rs, runs["baseline"], strict=True))
                for kind, rs in runs.items()
            }
            for kind in summary:
                summary[kind]["cpu_us"] = cpu[kind][name]
            endpoints[name] = {
                "generated": summary["generated"],
                "baseline": summary["baseline"],
                "ratio": ratios["generated"],
                "variants": {v.name: summary[v.name] | {"ratio": ratios[v.name], "what": v.what} for v in variants},
            }
        return {
            "endpoints": endpoints,
            "servers": {
                kind: {"startup_s": s.startup, "worker_rss_mib": s.workers_rss_mib()} for kind, s in servers.items()
            },
        }


# ---------------------------------------------------------------- one stack
def bench_stack(stack: str, plan: Plan, work: Path, levers: bool, before: str | None) -> dict:
    note(f"{stack}: copier copy x{plan.generations}")
    generations, generation_cpu = [], []
    for n in range(plan.generations):
        wall, cpu = generate(stack, work / f"gen{n}")
        generations.append(wall)
        generation_cpu.append(cpu)
        shutil.rmtree(work / f"gen{n}")
    greens = []
    for n in range(max(plan.greens, 1)):  # the last project is the one served
        project = work / f"project{n}"
        phases = {"copy": generate(stack, project)[0], "install": install(project)}
        if plan.greens:
            note(f"{stack}: time to green {n + 1}/{plan.greens}")
            phases["test"] = test(project)
            greens.append(phases | {"total": sum(phases.values())})
        if n + 1 < max(plan.greens, 1):
            shutil.rmtree(project)
    note(f"{stack}: compile bytecode, migrate, count queries")
    python = str(project / ".venv/bin/python")
    sh([python, "-m", "compileall", "-q", "-j0", str(project / ".venv/lib"), str(BENCH / "baselines")], env=clean_env())
    slug = re.search(r"^project_slug: (\S+)", (project / ".copier-answers.yml").read_text(), re.M).group(1)
    env = production_env(stack, work / "bench.sqlite3")
    prepare(stack, project, env, slug)
    queries = query_counts(stack, project, env, slug)
    variants = lever_variants(stack, project, env) if levers else []
    if before:
        note(f"{stack}: the project at {before}")
        variants.append(before_variant(stack, before, work, env, slug))
    note(f"{stack}: count Jinja compiles")
    compiles = jinja_compiles(stack, work / "compiles")
    note(f"{stack}: load, {plan.rounds} x {plan.seconds} s per endpoint and app, {2 + len(variants)} apps")
    result = {
        "versions": versions(project),
        "generation_s": {
            "runs": generations,
            "median": statistics.median(generations),
            "cpu_runs": generation_cpu,
            "cpu_median": statistics.median(generation_cpu),
            "jinja_compiles": compiles["count"],
            "jinja_compile_s": compiles["seconds"],
            "in_process_copy_s": compiles["copy_seconds"],
        },
        "time_to_green_s": {
            "runs": greens,
            "median": statistics.median(g["total"] for g in greens) if greens else None,
        },
        "queries_per_list_page": queries,
    }
    return result | load(stack, project, env, work, plan, variants)


# ---------------------------------------------------------------- report
def targets(results: dict) -> list[tuple[str, bool, str]]:
    rows = []
    for stack, r in results["stacks"].items():
        for name, e in r["endpoints"].items():
            goal = TARGET_RATIO.get((stack, name), 0.9)
            rows.append((f"{stack} {name}: generated ÷ baseline ≥ {goal}", e["ratio"] >= goal, f"{e['ratio']:.2f}"))
        q = r["queries_per_list_page"]
        rows.append(
            (
                f"{stack}: same queries at page sizes {' and '.join(q)}",
                len(set(q.values())) == 1,
                " / ".join(map(str, q.values())),
            )
        )
        rows.append(
            (
                f"{stack}: copier copy ≤ {GENERATION_TARGET_S} s (median)",
                r["generation_s"]["median"] <= GENERATION_TARGET_S,
                f"{r['generation_s']['median']:.2f} s",
            )
        )
        if (green := r["time_to_green_s"]["median"]) is not None:
            rows.append(
                (f"{stack}: time to green ≤ {GREEN_TARGET_S} s (median)", green <= GREEN_TARGET_S, f"{green:.1f} s")
            )
    return rows


def markdown(results: dict) -> str:
    meta, stacks = results["meta"], results["stacks"]
    m = meta["machine"]
    out = [
        f"# api-crossroads benchmark ({meta['mode']})",
        "",
        f"- date: {meta['date']}",
        f"- machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_mib']} MiB RAM, Linux {m['kernel']}; "
        f"load average {m['loadavg_at_start'][0]:.1f} at start, {m['loadavg_at_end'][0]:.1f} at end",
        f"- command: `{meta['command']}`  (took {meta['elapsed_s']:.0f} s)",
        f"- load: wrk {' '.join(WRK_ARGS)}, {meta['plan']['rounds']} alternations of {meta['plan']['seconds']} s "
        "per app "
        f"(medians; ratio: median of the rounds' generated ÷ baseline req/s), gunicorn {WORKERS} workers, "
        f"SQLite with {ROWS} rows, `X-Forwarded-Proto: https`",
        "- versions: "
        + "; ".join(f"{s}: " + ", ".join(f"{k} {v}" for k, v in r["versions"].items()) for s, r in stacks.items()),
        "",
        "| stack | endpoint | generated req/s | baseline req/s | ratio | p50 gen / base (ms) | p99 gen / base (ms) "
        "| CPU µs/request gen / base | CPU ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stack, r in stacks.items():
        for name, e in r["endpoints"].items():
            g, b = e["generated"], e["baseline"]
            out.append(
                f"| {stack} | `{ENDPOINTS[name]}` | {g['rps']:.0f} | {b['rps']:.0f} | {e['ratio']:.2f} "
                f"| {g['p50_ms']:.2f} / {b['p50_ms']:.2f} | {g['p99_ms']:.2f} / {b['p99_ms']:.2f} "
                f"| {g['cpu_us']:.0f} / {b['cpu_us']:.0f} | {b['cpu_us'] / g['cpu_us']:.2f} |"
            )
    out += [
        "",
        "| stack | copier copy (median wall; CPU) | Jinja compiles per copy (seconds of the in-process copy) "
        "| time to green (copy + install + tests) "
        "| queries/list page (size 10 / 100) | start-up to first 200 gen / base | RSS per worker gen / base |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for stack, r in stacks.items():
        green = r["time_to_green_s"]
        if green["median"] is None:
            green_text = "not measured"
        else:
            phases = min(green["runs"], key=lambda g: abs(g["total"] - green["median"]))
            green_text = (
                f"{green['median']:.1f} s ({phases['copy']:.1f} + {phases['install']:.1f} + {phases['test']:.1f})"
            )
        s, gen = r["servers"], r["generation_s"]
        rss = {k: statistics.mean(v["worker_rss_mib"]) for k, v in s.items()}
        out.append(
            f"| {stack} | {gen['median']:.2f} s; {gen['cpu_median']:.2f} s (n={len(gen['runs'])}) "
            f"| {gen['jinja_compiles']} ({gen['jinja_compile_s']:.2f} s of {gen['in_process_copy_s']:.2f} s) "
            f"| {green_text} "
            f"| {' / '.join(map(str, r['queries_per_list_page'].values()))} "
            f"| {s['generated']['startup_s']:.2f} s / {s['baseline']['startup_s']:.2f} s "
            f"| {rss['generated']:.0f} MiB / {rss['baseline']:.0f} MiB |"
        )
    levers = [(stack, name, e) for stack, r in stacks.items() for name, e in r["endpoints"].items() if e["variants"]]
    if levers:
        out += [
            "",
            "Levers: the generated project with one thing changed, each loaded in the same rounds "
            "(ratio: ÷ baseline req/s, as above; CPU: in-process µs per request, the steadier figure on a "
            "shared machine; Δ: against the generated project, + is faster).",
            "",
            "| stack | endpoint | variant | what it changes | req/s | ratio | Δ req/s | CPU µs | Δ CPU |",
            "|---|---|---|---|---:|---:|---:|---:|---:|",
        ]
        for stack, name, e in levers:
            where, g = f"| {stack} | `{ENDPOINTS[name]}`", e["generated"]
            out.append(f"{where} | generated | as generated | {g['rps']:.0f} | {e['ratio']:.2f} | ")
            out[-1] += f"| {g['cpu_us']:.0f} | |"
            for kind, v in e["variants"].items():
                delta, cpu = v["ratio"] / e["ratio"] - 1, g["cpu_us"] / v["cpu_us"] - 1
                out.append(
                    f"{where} | {kind} | {v['what']} | {v['rps']:.0f} | {v['ratio']:.2f} | {delta:+.0%} "
                    f"| {v['cpu_us']:.0f} | {cpu:+.0%} |"
                )
    out += ["", "| target | met | measured |", "|---|---|---|"]
    out += [f"| {name} | {'yes' if ok else '**no**'} | {value} |" for name, ok, value in targets(results)]
    return "\n".join(out) + "\n"


def chart(results_json: Path, png: Path) -> None:
    """Draw with matplotlib in a throwaway uv environment (the template's venv stays lean)."""
    cmd = [
        str(UV),
        "run",
        "--quiet",
        "--no-project",
        "--with",
        "matplotlib",
        "python",
        str(BENCH / "chart.py"),
        str(results_json),
        str(png),
    ]
    try:
        sh(cmd, env=clean_env(), timeout=300)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"chart not drawn: {error}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke run (about a minute): 1 generation, 2 s wrk runs, no tests"
    )
    parser.add_argument("--stack", choices=STACKS, action="append", help="only this stack (repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results go (default: bench/results)")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects (path printed)")
    parser.add_argument("--levers", action="store_true", help="also serve each variant in levers/<stack>/")
    parser.add_argument("--before", metavar="REF", help="also serve the project the template generated at REF")
    parser.add_argument("--rounds", type=int, help="alternations per endpoint (default: 10, 1 with --quick)")
    parser.add_argument("--seconds", type=int, help="seconds per wrk run (default: 5, 2 with --quick)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    plan = QUICK if args.quick else FULL
    plan = Plan(**plan.__dict__ | {k: v for k in ("rounds", "seconds") if (v := getattr(args, k))})
    started = STARTED
    work = Path(tempfile.mkdtemp(prefix="api-crossroads-bench-"))
    results = {
        "meta": {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "mode": "quick" if args.quick else "full",
            "command": shlex.join([Path(sys.executable).as_posix(), "bench/run.py", *sys.argv[1:]]),
            "machine": machine(),
            "plan": plan.__dict__,
            "template_commit": sh(["git", "-C", str(TEMPLATE), "describe", "--always", "--dirty"]).strip(),
        },
        "stacks": {},
    }
    try:
        for stack in args.stack or STACKS:
            results["stacks"][stack] = bench_stack(stack, plan, work / stack, args.levers, args.before)
    finally:
        if args.keep:
            print(f"projects kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["meta"]["elapsed_s"] = time.perf_counter() - started
    results["meta"]["machine"]["loadavg_at_end"] = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (args.out / "results.md").write_text(table)
    note("chart")
    chart(args.out / "results.json", args.out / "chart.png")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
