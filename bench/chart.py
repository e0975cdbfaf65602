"""Draw bench/results/chart.png from results.json (run by run.py with matplotlib via uv)."""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

with open(sys.argv[1]) as file:
    results = json.load(file)
labels, rows = [], []
for stack, r in results["stacks"].items():
    for name, e in r["endpoints"].items():
        labels.append(f"{stack}\n{name}")
        rows.append(e)

fig, (rps, p99) = plt.subplots(1, 2, figsize=(11, 4.5))
x = range(len(rows))
for axis, key, title in (
    (rps, "rps", "requests/s (higher is better)"),
    (p99, "p99_ms", "p99 latency, ms (lower is better)"),
):
    for offset, kind, colour in ((-0.2, "generated", "#1f77b4"), (0.2, "baseline", "#aaaaaa")):
        axis.bar([i + offset for i in x], [e[kind][key] for e in rows], 0.4, label=kind, color=colour)
    axis.set_xticks(list(x), labels)
    axis.set_title(title)
for i, e in zip(x, rows, strict=True):
    rps.annotate(f"{e['ratio']:.2f}×", (i - 0.2, e["generated"]["rps"]), ha="center", va="bottom", fontsize=8)
rps.legend()
m = results["meta"]
where = f"{m['mode']}, {m['date'][:10]}, {m['machine']['nproc']} CPUs"
fig.suptitle(f"api-crossroads: generated project vs hand-written baseline ({where})")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
