"""How long each chart takes to build and to hand over for display.

    python benchmarks/plots_bench.py [builds]

Prints, for ~20 builds of every chart at its default size from real training runs, the
median wall and CPU time of what a lesson pays on every slider move: construction plus the
spec for display (``_repr_mimebundle_``, which for nnlab's charts skips the whole-spec
schema validation; the tests validate every chart instead), and the size of its JSON. For
reference, the last column is the same with Altair's validating ``to_dict()``. The decision
boundary (100 x 100 cells) has a budget of 15 ms: a slower build is flagged, not failed
(timings depend on the machine and on what else runs on it; CPU time is the steadier number).
"""

from __future__ import annotations

import json
import os
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import altair as alt  # noqa: E402
import numpy as np  # noqa: E402

from nnlab import Init, Network, train  # noqa: E402
from nnlab.view import plots  # noqa: E402

BOUNDARY_BUDGET_MS = 15.0


def circles(n, seed):
    rng = np.random.default_rng(seed)
    outer = rng.random(n) < 0.5
    radius = np.where(outer, rng.uniform(2.5, 4.0, n), rng.uniform(0.0, 1.5, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + rng.normal(0, 0.2, X.shape), outer.astype(float)[:, None]


def scenarios():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    xor = Network([2, 2, 1])
    xor_run = train(xor, Init("uniform", seed=3), X, Y, learning_rate=2.0, epochs=4001,
                    track_gradients=True)
    Xc, Yc = circles(200, 0)
    Xt, Yt = circles(100, 1)
    net = Network([2, 8, 1], activation="tanh")
    run = train(net, Init("xavier", seed=2), Xc, Yc, loss="bce", learning_rate=0.3,
                epochs=3000, X_test=Xt, Y_test=Yt, track_gradients=True)
    seeds = np.column_stack([
        train(xor, Init("uniform", seed=s), X, Y, learning_rate=2.0, epochs=2000).loss
        for s in range(20)])
    sweep = np.random.default_rng(0).random((6, 5))
    sweep[4:, 3:] = np.nan
    converged = np.random.default_rng(1).integers(-1, 2000, 200)
    return {
        "boundary (100x100, 300 points)": lambda: plots.boundary_chart(
            net, run.params, Xc, Yc, X_test=Xt, labels_test=Yt),
        "boundary XOR (100x100, 4 points)": lambda: plots.boundary_chart(
            xor, xor_run.params, X, Y),
        "loss (3000 epochs, train+test)": lambda: plots.loss_chart(run, log=True,
                                                                   threshold=0.05),
        "loss overlay (2 runs)": lambda: plots.loss_chart({"pinned": xor_run, "current": run}),
        "accuracy": lambda: plots.accuracy_chart(run),
        "band (2000 epochs x 20 seeds)": lambda: plots.band_chart(seeds),
        "network 2-2-1 with input": lambda: plots.network_chart(xor, xor_run.params, x=[0, 1]),
        "network 2-8-1": lambda: plots.network_chart(net, run.params),
        "activations": lambda: plots.activation_chart(),
        "convergence map 6x5": lambda: plots.convergence_map(
            [0.1, 0.3, 1, 3, 10, 30], [0.1, 0.5, 1, 2, 4], sweep),
        "epochs histogram (200 runs)": lambda: plots.epochs_histogram(converged,
                                                                      max_epochs=2000),
        "gradients": lambda: plots.gradient_chart(run),
        "outputs table": lambda: plots.outputs_chart(X, xor_run.outputs[-1], Y),
        "neuron maps 2-8-1": lambda: plots.neuron_maps(net, run.params, extent=(-4, 4, -4, 4)),
    }


def displayed(chart):
    """What a notebook front end receives: the spec as the chart's display hook makes it."""
    with alt.renderers.enable("json"):
        bundle = chart._repr_mimebundle_()
    return (bundle[0] if isinstance(bundle, tuple) else bundle)["application/json"]


def measure(build, repeats):
    """Median wall ms and CPU ms of build + display, JSON size, median wall ms with to_dict()."""
    build().to_dict()  # warm up (imports, schema caches)
    wall, cpu, validating = [], [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        spec = displayed(build())
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
        w = time.perf_counter()
        build().to_dict()
        validating.append(time.perf_counter() - w)
    return (statistics.median(wall) * 1e3, statistics.median(cpu) * 1e3, len(json.dumps(spec)),
            statistics.median(validating) * 1e3)


def boundary_breakdown(build, repeats):
    """Where the boundary's time goes: the chart itself vs Altair's to_dict validation."""
    chart = build()
    times = {}
    for label, step in (("build only", build),
                        ("to_dict(validate=False)", lambda: chart.to_dict(validate=False)),
                        ("to_dict()", chart.to_dict)):
        cpu = []
        for _ in range(repeats):
            c = time.process_time()
            step()
            cpu.append(time.process_time() - c)
        times[label] = statistics.median(cpu) * 1e3
    validation = times["to_dict()"] - times["to_dict(validate=False)"]
    print(f"  boundary, cpu ms: build {times['build only']:.1f} (numpy grid, PNG, contour and "
          f"Altair objects) + to_dict {times['to_dict(validate=False)']:.1f} "
          f"+ schema validation {validation:.1f}")


def main(repeats: int = 20):
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"median of {repeats} builds (construction + spec for display); "
          f"load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'chart':36s} {'wall ms':>8s} {'cpu ms':>8s} {'JSON KB':>8s} {'validated':>10s}")
    for name, build in scenarios().items():
        wall, cpu, size, validating = measure(build, repeats)
        flag = ""
        if name.startswith("boundary (") and wall > BOUNDARY_BUDGET_MS:
            flag = f"  <-- over the {BOUNDARY_BUDGET_MS:g} ms budget"
        print(f"{name:36s} {wall:8.1f} {cpu:8.1f} {size / 1000:8.1f} {validating:10.1f}{flag}")
        if name.startswith("boundary ("):
            boundary_breakdown(build, repeats)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
