"""What one chart costs the browser: ``python benchmarks/view_cost.py``.

For each chart lesson 03 redraws on a slider move, serves a one-chart notebook under
``marimo run`` in headless Debian Chromium, flips a slider between two trained runs and
times, in the page, from the moment the chart's output message arrives to the last frame in
which its canvas changed: JSON parse, marimo's React update, Vega-Lite compile, Vega's
dataflow and the canvas paint. The kernel does no work here (the specs are built before the
server starts), so this is the front end's share alone, without the kernel competing for
the machine's cores. A second column times the same from the input event: the floor any
lesson pays for one chart on this stack (input -> marimo's request -> kernel -> message ->
repaint) when the kernel has nothing to compute. Nothing is asserted.

    --changes N   flips per chart (default 12, after 2 warm-up)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO / "benchmarks"))

import harness  # noqa: E402
import latency  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from nnlab import datasets
from nnlab.view import plots
from nnlab.lessons import training_xor  # noqa: E402

NOTEBOOK = '''import marimo

app = marimo.App()


@app.cell
def _():
    import json, os
    import marimo as mo
    specs = json.load(open(os.environ["NNLAB_VIEW_SPECS"]))

    class Spec:  # shows a ready Vega-Lite spec the way nnlab's charts display
        def __init__(self, spec):
            self.spec = spec

        def _repr_mimebundle_(self, *args, **kwargs):
            return {"%s": self.spec}
    return Spec, mo, specs


@app.cell
def _(mo):
    mo.md("# one chart")
    return


@app.cell
def _(mo):
    pick = mo.ui.slider(0, 1, value=0, label="learning rate")
    pick
    return (pick,)


@app.cell
def _(Spec, pick, specs):
    Spec(specs[pick.value])
    return
''' % plots.VEGALITE_MIME


def lesson_03_specs() -> dict[str, list[dict]]:
    """Lesson 03's four redrawn charts for two runs (fixed start, learning rate 2.0 and 2.5),
    plus the boundary without its heat-map image, to show what the image costs."""
    xor = datasets.xor()
    X, Y = xor.X, xor.Y
    base = training_xor.preset(training_xor.FIXED_START).setup
    specs: dict[str, list[dict]] = {}
    for lr in (2.0, 2.5):
        run = base.replace(learning_rate=lr).train(X, Y)
        charts = {
            "loss (log scale, threshold, hover)": plots.loss_chart(
                training_xor.attempt_runs(run), log=True, threshold=base.threshold),
            "accuracy (hover)": plots.accuracy_chart(training_xor.attempt_runs(run)),
            "network diagram": plots.network_chart(run.network, run.params),
            "decision boundary (PNG heat map)": plots.boundary_chart(
                run.network, run.params, X, Y, extent=training_xor.UNIT_SQUARE, resolution=60),
        }
        for name, chart in charts.items():
            specs.setdefault(name, []).append(chart._repr_mimebundle_()[plots.VEGALITE_MIME])
        no_image = dict(specs["decision boundary (PNG heat map)"][-1])
        no_image["layer"] = no_image["layer"][1:]
        specs.setdefault("  the same without the heat map", []).append(no_image)
    return specs


def measure(browser, notebook: Path, spec_file: Path, changes: int,
            warmup: int = 2) -> tuple[list[float], list[float]]:
    """(output message -> last repaint, input event -> last repaint) per flip, ms."""
    os.environ["NNLAB_VIEW_SPECS"] = str(spec_file)  # read by the served notebook
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    harness.prepare_page(page)
    latency.install_probe(page)
    times, from_input = [], []
    try:
        with harness.marimo_app(notebook) as url:
            harness.open_lesson(page, url)
            page.wait_for_timeout(1000)
            change = latency.slider_control("learning rate")(page)
            for i in range(warmup + changes):
                page.evaluate("window.__nnlabLatency.arm()")
                change(i)
                page.wait_for_function("(q) => window.__nnlabLatency.settled(q)", arg=300,
                                       polling=50, timeout=latency.CHANGE_TIMEOUT_MS)
                raw = page.evaluate("window.__nnlabLatency.take()")
                arrived = [m[0] for m in raw["msgs"] if m[2] == "cell-op" and m[6]]
                painted = [f[0] for f in raw["frames"] if f[2] > 0]
                if i >= warmup and arrived and painted:
                    times.append(max(painted) - max(arrived))
                    from_input.append(max(painted) - raw["t0"])
    finally:
        context.close()
        os.environ.pop("NNLAB_VIEW_SPECS", None)
    return times, from_input


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=12, help="flips per chart")
    args = parser.parse_args(argv)
    specs = lesson_03_specs()
    with tempfile.TemporaryDirectory(prefix="nnlab-views-") as tmp, sync_playwright() as p:
        notebook = Path(tmp) / "one_chart.py"
        notebook.write_text(NOTEBOOK)
        browser = harness.launch_chromium(p)
        print("Lesson 03's charts, one at a time, median of "
              f"{args.changes} flips (ms, in-page clock):")
        print(f"  {'':36s} {'message':>8s} {'input':>8s}")
        print(f"  {'':36s} {'-> paint':>8s} {'-> paint':>8s}   size")
        total = 0.0
        for name, pair in specs.items():
            spec_file = Path(tmp) / "specs.json"
            spec_file.write_text(json.dumps(pair))
            times, from_input = measure(browser, notebook, spec_file, args.changes)
            median = statistics.median(times) if times else float("nan")
            floor = statistics.median(from_input) if from_input else float("nan")
            total += 0 if name.startswith(" ") else median
            print(f"  {name:36s} {median:8.1f} {floor:8.1f}   "
                  f"({len(json.dumps(pair[0])) / 1024:.0f} kB)")
        print(f"  {'sum of the four charts':36s} {total:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
