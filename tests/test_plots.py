"""Charts: every chart built from real training runs, its spec valid, small, finite, and
carrying the numbers it claims to show."""

import base64
import dataclasses
import json
import pathlib
import re
import struct
import zlib

import altair as alt
import numpy as np
import pytest

from nnlab import Init, Network, forward, forward_trace, get_activation, train
from nnlab.view import plots
# XOR_START, the fixed start of the exact-loss-table lesson, solves XOR.
from xor_reference import TABLE_PARAMS as XOR_START, X as X_XOR, XOR, Y as Y_XOR

ROOT = pathlib.Path(__file__).resolve().parents[1]
SIZE_LIMIT = 300_000


def circles(n, seed):
    """Two noisy rings: class 0 inside radius 1.5, class 1 between 2.5 and 4."""
    rng = np.random.default_rng(seed)
    outer = rng.random(n) < 0.5
    radius = np.where(outer, rng.uniform(2.5, 4.0, n), rng.uniform(0.0, 1.5, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + rng.normal(0, 0.2, X.shape), outer.astype(float)[:, None]


def blobs(n, seed):
    """Three gaussian blobs, one-hot targets."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.5]])
    return centres[labels] + rng.normal(0, 0.6, (n, 2)), np.eye(3)[labels]


@pytest.fixture(scope="module")
def xor_run():
    return train(XOR, XOR_START, X_XOR, Y_XOR, loss="mse", learning_rate=2.0, epochs=2001,
                 threshold=0.01, snapshot_epochs=[0, 500, 2001], track_gradients=True)


@pytest.fixture(scope="module")
def ring_data():
    X, Y = circles(200, seed=0)
    Xt, Yt = circles(100, seed=1)
    return X, Y, Xt, Yt


RING_NET = Network([2, 8, 1], activation="tanh", output="sigmoid")


@pytest.fixture(scope="module")
def ring_run(ring_data):
    X, Y, Xt, Yt = ring_data
    # 3000 epochs: longer than MAX_POINTS, so the curves are sampled down.
    return train(RING_NET, Init("xavier", seed=2), X, Y, loss="bce", learning_rate=0.3,
                 epochs=3000, X_test=Xt, Y_test=Yt, track_gradients=True,
                 snapshot_epochs=[0, 3000])


@pytest.fixture(scope="module")
def exploding_run(ring_data):
    """A relu/identity net on unscaled data with learning rate 1e6: diverges at once."""
    X, Y, Xt, Yt = ring_data
    net = Network([2, 8, 1], activation="relu", output="identity")
    return train(net, Init("he", seed=0), X * 100, Y, learning_rate=1e6, epochs=50,
                 X_test=Xt * 100, Y_test=Yt, track_gradients=True)


@pytest.fixture(scope="module")
def blowup_run(ring_data):
    """Its loss grows ~250x in one epoch before the run is declared diverged."""
    X, Y, _, _ = ring_data
    net = Network([2, 8, 1], activation="relu", output="identity")
    return train(net, Init("he", seed=0), X * 3, Y, learning_rate=0.05, epochs=500,
                 track_gradients=True)


@pytest.fixture(scope="module")
def overflow_run():
    """Inputs near the float limit: the very first loss and gradients are infinite. train
    counts an infinite loss as divergence (nothing is recorded), so the charts get that run
    as it was recorded before: one epoch of infinite loss, test loss and gradient norms."""
    net = Network([2, 4, 1], activation="relu", output="identity")
    run = train(net, Init("he", seed=0), X_XOR * 1e160, Y_XOR, learning_rate=1e6, epochs=20,
                X_test=X_XOR * 1e160, Y_test=Y_XOR, track_gradients=True)
    assert run.diverged_at == 0 and len(run.loss) == 0
    inf = np.array([np.inf])
    return dataclasses.replace(run, loss=inf, accuracy=np.array([0.5]), test_loss=inf,
                               test_accuracy=np.array([0.5]), grad_norms=np.full((1, 2), np.inf),
                               outputs=np.zeros((1, 4, 1)), diverged_at=1)


@pytest.fixture(scope="module")
def blob_run():
    X, Y = blobs(150, seed=3)
    net = Network([2, 6, 3], activation="tanh", output="softmax")
    run = train(net, Init("xavier", seed=1), X, Y, loss="softmax_ce", learning_rate=0.5,
                epochs=300)
    return net, run, X, Y


@pytest.fixture(scope="module")
def many_xor_losses():
    """(epochs, K) loss curves of 8 seeds, as a many-nets sweep would give them."""
    runs = [train(XOR, Init("uniform", seed=s), X_XOR, Y_XOR, learning_rate=2.0, epochs=1500)
            for s in range(8)]
    return np.column_stack([r.loss for r in runs])


# --- helpers -----------------------------------------------------------------------------


def spec_of(chart):
    """The chart's Vega-Lite dict (validated by to_dict), checked to be small and finite."""
    spec = chart.to_dict()
    text = json.dumps(spec, allow_nan=False)  # raises on NaN or Infinity
    assert len(text) < SIZE_LIMIT, f"{len(text)} bytes"
    return spec


def rows_of(spec):
    """Every data row the spec carries (named datasets and inline values)."""
    rows = []
    for values in spec.get("datasets", {}).values():
        rows += values
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("values"), list):
                rows += node["values"]
            stack += [v for k, v in node.items() if k != "datasets"]
        elif isinstance(node, list):
            stack += node
    return [r for r in rows if isinstance(r, dict)]


def subtitle(spec):
    title = spec.get("title", {})
    sub = title.get("subtitle", []) if isinstance(title, dict) else []
    return " | ".join([sub] if isinstance(sub, str) else sub)


def r5(v):
    return float("%.5g" % v)


def decode_png(url):
    """A data-URL PNG (8-bit RGB, no filters, as png_data_url writes) -> (h, w, 3) array."""
    assert url.startswith("data:image/png;base64,")
    png = base64.b64decode(url.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", None
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        tag, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(tag + body)
        if tag == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
            size = (h, w)
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    h, w = size
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, 1 + 3 * w)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(h, w, 3)


def image_urls(spec):
    return [r["url"] for r in rows_of(spec) if isinstance(r.get("url"), str)]


# --- every chart: valid, small, finite ---------------------------------------------------

CHARTS = {
    "loss": lambda f: plots.loss_chart(f["ring"], log=True, threshold=0.05),
    "loss_overlay": lambda f: plots.loss_chart({"pinned": f["xor"], "current": f["ring"]}),
    "loss_exploding": lambda f: plots.loss_chart(f["exploding"]),
    "loss_overflow": lambda f: plots.loss_chart(f["overflow"], log=True),
    "accuracy": lambda f: plots.accuracy_chart({"pinned": f["xor"], "current": f["ring"]}),
    "band": lambda f: plots.band_chart(f["many"]),
    "boundary": lambda f: plots.boundary_chart(RING_NET, f["ring"].params, *f["data"][:2],
                                               X_test=f["data"][2], labels_test=f["data"][3]),
    "boundary_discrete": lambda f: plots.boundary_chart(XOR, f["xor"].params, X_XOR, Y_XOR,
                                                        discretize=True),
    "boundary_multiclass": lambda f: plots.boundary_chart(f["blob"][0], f["blob"][1].params,
                                                          f["blob"][2], f["blob"][3]),
    "network": lambda f: plots.network_chart(XOR, f["xor"].params, x=[0, 1]),
    "network_deep": lambda f: plots.network_chart(
        Network([2, 8, 8, 8, 8, 8, 8, 1], activation="relu"),
        Init("he", seed=0).draw(Network([2, 8, 8, 8, 8, 8, 8, 1], activation="relu"))),
    "activations": lambda f: plots.activation_chart(),
    "convergence": lambda f: plots.convergence_map(
        [0.1, 0.5, 1, 2], [0.5, 1, 2], np.where(np.eye(4, 3) > 0, np.nan, 0.5)),
    "histogram": lambda f: plots.epochs_histogram([10, 250, -1, 40], max_epochs=2000),
    "gradients": lambda f: plots.gradient_chart(f["ring"]),
    "gradients_overflow": lambda f: plots.gradient_chart(f["overflow"]),
    "outputs": lambda f: plots.outputs_chart(X_XOR, f["xor"].outputs[-1], Y_XOR),
    "neuron_maps": lambda f: plots.neuron_maps(RING_NET, f["ring"].params, extent=(-4, 4, -4, 4)),
    "side_by_side": lambda f: plots.side_by_side(
        plots.outputs_chart(X_XOR, f["xor"].outputs[-1], Y_XOR),
        plots.accuracy_chart(f["xor"]), plots.loss_chart(f["ring"], log=True)),
}


@pytest.fixture(scope="module")
def runs(xor_run, ring_run, ring_data, exploding_run, overflow_run, blob_run, many_xor_losses):
    return {"xor": xor_run, "ring": ring_run, "data": ring_data, "exploding": exploding_run,
            "overflow": overflow_run, "blob": blob_run, "many": many_xor_losses}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_validates_is_small_and_finite(name, runs):
    spec = spec_of(CHARTS[name](runs))
    for row in rows_of(spec):
        for key, value in row.items():
            if isinstance(value, float):
                assert np.isfinite(value), (name, key)
                if key != "url":
                    assert value == r5(value), (name, key, value)  # rounded to 5 digits


@pytest.mark.parametrize("renderer", ["default", "json"])
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_display_skips_the_second_validation_but_shows_the_same_spec(name, renderer, runs,
                                                                     monkeypatch):
    """Notebooks display through ``_repr_mimebundle_``: same spec as ``to_dict()``, but no
    schema validation on the way (the test above validates it; this saves ~12 ms a chart).
    Altair's default renderer gives way to the plain Vega-Lite mime type; others are kept."""
    chart = CHARTS[name](runs)
    spec = chart.to_dict()  # validates
    check = alt.utils.schemapi.validate_jsonschema

    def no_whole_spec_check(spec, schema, *args, **kwargs):  # small parts may still be checked
        assert schema != type(chart)._schema, "the whole spec was validated at display"
        return check(spec, schema, *args, **kwargs)

    with alt.renderers.enable(renderer):
        monkeypatch.setattr(alt.utils.schemapi, "validate_jsonschema", no_whole_spec_check)
        bundle = chart._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    key = plots.VEGALITE_MIME if renderer == "default" else "application/json"
    assert list(bundle) == [key] if renderer == "default" else key in bundle
    assert json.dumps(bundle[key], sort_keys=True) == json.dumps(spec, sort_keys=True)


def test_marimo_sends_compact_vega_lite_json(runs):
    """What marimo makes of a chart, alone and side by side: the Vega-Lite mime type and
    compact JSON (no indentation), not an HTML page or a spec escaped into HTML."""
    from marimo._output.formatting import try_format

    pair = CHARTS["side_by_side"](runs)
    for chart in (CHARTS["loss"](runs), pair):
        shown = try_format(chart)
        assert shown.mimetype == plots.VEGALITE_MIME
        assert "\n" not in shown.data and json.loads(shown.data) == chart.to_dict()
    spec = pair.to_dict()
    assert len(spec["hconcat"]) == 3
    hovers = [p["name"] for p in spec.get("params", [])]  # each chart keeps its own hover
    assert len(hovers) == len(set(hovers)) >= 2


def test_side_by_side_needs_a_chart():
    with pytest.raises(ValueError, match="charts"):
        plots.side_by_side()


def test_plots_uses_dict_data():
    """(Which modules may import Altair is a layout rule: tests/test_import_rules.py.)"""
    source = (ROOT / "nnlab" / "view" / "plots.py").read_text()
    code = re.sub(r"#.*", "", re.sub(r'""".*?"""', "", source, flags=re.S))
    assert not re.search(r"\b(?:Data|InlineData)\(", code)  # dict data only


# --- curves --------------------------------------------------------------------------------


def curve_rows(spec, label):
    key = {r["key"] for r in rows_of(spec) if r.get("style") == label or r.get("group") == label}
    return [r for r in rows_of(spec) if r.get("key") in key]


def test_loss_chart_carries_run_loss_at_sampled_epochs(ring_run):
    spec = spec_of(plots.loss_chart(ring_run))
    rows = rows_of(spec)
    train_rows = [r for r in rows if r.get("style") == "train"]
    test_rows = [r for r in rows if r.get("style") == "test"]
    epochs = [r["epoch"] for r in train_rows]
    assert plots.MAX_POINTS // 2 < len(train_rows) <= plots.MAX_POINTS + 1 < ring_run.epochs
    assert epochs[0] == 0 and epochs[-1] == ring_run.epochs - 1 and epochs == sorted(epochs)
    for r in train_rows:
        assert r["value"] == r5(ring_run.loss[r["epoch"]])
    for r in test_rows:
        assert r["value"] == r5(ring_run.test_loss[r["epoch"]])
    assert [r["epoch"] for r in test_rows] == epochs
    dash = spec["layer"][0]["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == ["train", "test"] and dash["range"][1] != [1, 0]  # test dashed
    assert spec["encoding"]["x"]["axis"]["title"] == "epoch"
    assert "loss" in spec["layer"][0]["encoding"]["y"]["axis"]["title"]


def test_short_run_keeps_every_epoch_and_test_flag(xor_run):
    spec = spec_of(plots.loss_chart(xor_run, test=False))
    rows = rows_of(spec)
    assert {r["style"] for r in rows} == {"train"}
    n = plots.MAX_POINTS  # the longest run drawn at every epoch
    long_spec = spec_of(plots.loss_chart(dataclasses.replace(xor_run, loss=xor_run.loss[:n])))
    assert [r["epoch"] for r in rows_of(long_spec)] == list(range(n))


def test_loss_overlay_hover_and_threshold(xor_run, ring_run):
    spec = spec_of(plots.loss_chart({"pinned": xor_run, "current": ring_run}, threshold=0.01))
    rows = rows_of(spec)
    assert {r["group"] for r in rows if "group" in r} == {"pinned", "current"}
    assert {r["threshold"] for r in rows if "threshold" in r} == {0.01}
    text = json.dumps(spec)
    assert '"nearest": true' in text and '"pivot": "key"' in text and "tooltip" in text
    # the colour legend names the runs
    color = spec["layer"][0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["pinned", "current"] and color["legend"]
    # pinned has 2001 epochs, current 3000 with a test curve: rows are shared out
    assert len(rows) <= plots.MAX_ROWS + 10


def test_log_scale_drops_nothing_finite_and_positive(ring_run):
    spec = spec_of(plots.loss_chart(ring_run, log=True))
    assert spec["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    with pytest.raises(ValueError, match="threshold"):
        plots.loss_chart(ring_run, log=True, threshold=0.0)


def test_exploding_run_is_noted_and_finite(exploding_run):
    assert exploding_run.diverged_at == 1 and exploding_run.stopped == "diverged"
    spec = spec_of(plots.loss_chart(exploding_run))
    assert "training diverged at epoch 1" in subtitle(spec)
    assert all(np.isfinite(r["value"]) for r in rows_of(spec) if "value" in r)
    grad = spec_of(plots.gradient_chart(exploding_run))
    assert "training diverged at epoch 1" in subtitle(grad)


def test_blow_up_before_divergence_is_cut(blowup_run):
    loss = blowup_run.loss
    assert blowup_run.diverged_at == len(loss) and loss[-1] > 100 * loss[0]
    spec = spec_of(plots.loss_chart(blowup_run))
    values = [r["value"] for r in rows_of(spec) if "value" in r]
    assert values and max(values) <= plots.BLOWUP_FACTOR * loss[0]  # no spike crushing the scale
    assert f"training diverged at epoch {blowup_run.diverged_at}" in subtitle(spec)
    assert "not drawn from epoch" in subtitle(spec)


def test_infinite_values_never_reach_the_chart(overflow_run):
    assert not np.isfinite(overflow_run.loss).all()  # a real run whose loss is infinite
    assert not np.isfinite(overflow_run.grad_norms).all()
    for chart in (plots.loss_chart(overflow_run), plots.loss_chart(overflow_run, log=True),
                  plots.gradient_chart(overflow_run)):
        spec = spec_of(chart)  # json.dumps(allow_nan=False) inside
        assert not [r for r in rows_of(spec) if "value" in r]
        assert "training diverged at epoch" in subtitle(spec)


def test_nan_and_inf_inside_a_curve_are_cut(ring_run):
    loss = ring_run.loss.copy()
    loss[1200], loss[1201] = np.nan, np.inf
    spec = spec_of(plots.loss_chart(dataclasses.replace(ring_run, loss=loss), test=False))
    epochs = [r["epoch"] for r in rows_of(spec) if "value" in r]
    assert max(epochs) < 1200
    assert "training diverged at epoch 1200" in subtitle(spec)


def test_empty_run_gives_an_empty_chart_with_a_note(xor_run):
    empty = dataclasses.replace(xor_run, loss=np.array([]), accuracy=np.array([]),
                                grad_norms=np.empty((0, 2)), diverged_at=0, stopped="diverged")
    for chart in (plots.loss_chart(empty, log=True, threshold=0.1), plots.accuracy_chart(empty),
                  plots.gradient_chart(empty)):
        spec = spec_of(chart)
        assert not [r for r in rows_of(spec) if "value" in r]
        assert "no epochs to show" in subtitle(spec)
        assert "training diverged at epoch 0" in subtitle(spec)


def test_accuracy_chart_has_a_real_percent_axis(ring_run):
    spec = spec_of(plots.accuracy_chart(ring_run))
    y = spec["layer"][0]["encoding"]["y"]
    assert y["scale"]["domain"] == [0, 100] and y["axis"]["title"] == "accuracy (%)"
    for r in rows_of(spec):
        source = ring_run.accuracy if r["style"] == "train" else ring_run.test_accuracy
        assert r["value"] == r5(100 * source[r["epoch"]])


def test_loss_and_accuracy_charts_stacked_share_their_x_positions(ring_run):
    # the same room for y labels (log-scale loss labels are wider than "100"), so a loss
    # chart over an accuracy chart puts each epoch at the same x
    loss, accuracy = (spec_of(chart)["layer"][0]["encoding"]["y"]["axis"] for chart in
                      (plots.loss_chart(ring_run, log=True), plots.accuracy_chart(ring_run)))
    assert loss["minExtent"] == accuracy["minExtent"] == plots.CURVE_LABEL_WIDTH
    assert spec_of(plots.loss_chart(ring_run))["width"] == spec_of(
        plots.accuracy_chart(ring_run))["width"]


def test_gradient_chart_one_line_per_layer(ring_run, xor_run):
    spec = spec_of(plots.gradient_chart(ring_run))
    labels = ["layer 1 (input->hidden)", "layer 2 (hidden->output)"]
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == labels
    assert spec["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    for r in rows_of(spec):
        assert r["value"] == r5(ring_run.grad_norms[r["epoch"], labels.index(r["group"])])
    deep = Network([2, 3, 3, 1])
    run = train(deep, Init("uniform", seed=0), X_XOR, Y_XOR, epochs=5, track_gradients=True)
    domain = spec_of(plots.gradient_chart(run))["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert domain == ["layer 1 (input->hidden 1)", "layer 2 (hidden 1->hidden 2)",
                      "layer 3 (hidden 2->output)"]
    plain = train(XOR, XOR_START, X_XOR, Y_XOR, epochs=5)
    with pytest.raises(ValueError, match="track_gradients=True"):
        plots.gradient_chart(plain)


def test_sample_indices_keep_ends_and_bound_the_count():
    assert plots.sample_indices(10).tolist() == list(range(10))
    idx = plots.sample_indices(123_457)
    assert idx[0] == 0 and idx[-1] == 123_456 and len(idx) <= plots.MAX_POINTS
    assert (np.diff(idx) > 0).all()


# --- many runs -----------------------------------------------------------------------------


def test_band_chart_quantiles_ignore_non_finite_values(many_xor_losses):
    curves = many_xor_losses.copy()
    curves[100:, 0] = np.inf  # one run diverged at epoch 100
    curves[200:, 1] = np.nan  # another stopped at 200
    spec = spec_of(plots.band_chart(curves))
    rows = {r["epoch"]: r for r in rows_of(spec) if "median" in r}
    assert 0 in rows and 1499 in rows
    assert len(rows) <= plots.MAX_POINTS
    sampled = [min(rows, key=lambda e: abs(e - near)) for near in (150, 250)]
    assert 100 < sampled[0] < 200 < sampled[1] < 300
    for epoch in (0, *sampled, 1499):
        finite = curves[epoch][np.isfinite(curves[epoch])]
        assert rows[epoch]["n"] == len(finite)
        assert rows[epoch]["median"] == r5(np.median(finite))
        assert rows[epoch]["q25"] == r5(np.percentile(finite, 25))
        assert rows[epoch]["q90"] == r5(np.percentile(finite, 90))
    assert "2 of 8 runs" in subtitle(spec)
    assert spec["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    curves[:, 2] = np.nan  # an epoch where nothing is known is left out, not drawn as 0
    curves[:40] = np.nan
    rows = [r for r in rows_of(spec_of(plots.band_chart(curves))) if "median" in r]
    assert 40 <= rows[0]["epoch"] < 100 and rows[0]["n"] == 7 and rows[-1]["n"] == 5


def test_band_chart_of_nothing_is_empty_not_broken():
    spec = spec_of(plots.band_chart(np.full((50, 4), np.nan)))
    assert not [r for r in rows_of(spec) if "median" in r]
    assert "no finite values" in subtitle(spec)


def test_convergence_map_leaves_nan_cells_grey_and_numberless():
    cells = np.array([[0.1, np.nan, 0.3], [0.4, 0.5, np.inf], [np.nan, 0.8, 1.0]])
    spec = spec_of(plots.convergence_map([0.01, 0.1, 1.0], [0.5, 1, 2], cells))
    rows = rows_of(spec)
    valued = [r for r in rows if "value" in r]
    pending = [r for r in rows if "value" not in r]
    assert len(valued) == 6 and len(pending) == 3
    assert all("text" not in r and "status" in r for r in pending)
    assert {(r["row"], r["col"]) for r in pending} == {("0.01", "1"), ("0.1", "2"), ("1", "0.5")}
    assert {(r["row"], r["col"], r["value"]) for r in valued} >= {("0.01", "0.5", 0.1)}
    assert "3 of 9 cells not computed yet" in subtitle(spec)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "rect", "text"]  # grey cells, heat map, numbers (small grid)
    assert spec["encoding"]["x"]["axis"]["title"] == "init range"
    assert spec["encoding"]["y"]["axis"]["title"] == "learning rate"
    big = spec_of(plots.convergence_map(np.arange(20), np.arange(20), np.zeros((20, 20))))
    assert "text" not in [layer["mark"]["type"] for layer in big["layer"]]
    with pytest.raises(ValueError, match="shape"):
        plots.convergence_map([1, 2], [1], np.zeros((1, 2)))


def test_epochs_histogram_counts_converged_runs_and_names_the_rest():
    runs = [train(XOR, Init("uniform", seed=s), X_XOR, Y_XOR, learning_rate=2.0, epochs=800,
                  threshold=0.05) for s in range(12)]
    epochs = np.array([-1 if r.converged_at is None else r.converged_at for r in runs])
    never = int(np.sum(epochs < 0))
    assert 0 < never < len(runs)
    spec = spec_of(plots.epochs_histogram(epochs, max_epochs=800))
    rows = rows_of(spec)
    assert sum(r["count"] for r in rows) == len(runs) - never
    for r in rows:
        inside = (epochs >= r["start"]) & (epochs < r["end"])
        assert r["count"] == int(inside.sum())
    assert f"{len(runs) - never} of {len(runs)} runs converged; {never} never did" in subtitle(spec)
    assert "never did" in subtitle(spec_of(plots.epochs_histogram([-1, -1])))


# --- the input plane -----------------------------------------------------------------------


def test_boundary_grid_equals_forward_on_the_grid_points(ring_run):
    extent = (-4.0, 4.0, -3.0, 5.0)
    xs, ys, probs = plots.boundary_grid(RING_NET, ring_run.params, extent, 100)
    assert xs.shape == ys.shape == (100,) and probs.shape == (100, 100)
    assert xs[0] > -4 and xs[-1] < 4 and ys[0] > -3 and ys[-1] < 5
    np.testing.assert_allclose(np.diff(xs), 0.08)
    np.testing.assert_allclose(np.diff(ys), 0.08)
    gx, gy = np.meshgrid(xs, ys)
    expected = forward(RING_NET, ring_run.params, np.column_stack([gx.ravel(), gy.ravel()]))
    np.testing.assert_allclose(probs, expected[:, 0].reshape(100, 100), rtol=0, atol=1e-9)
    # spot check one cell by its own coordinates
    assert abs(probs[7, 63] - forward(RING_NET, ring_run.params, [[xs[63], ys[7]]])[0, 0]) < 1e-9


def test_boundary_chart_image_matches_the_grid(ring_run, ring_data):
    X, Y, Xt, Yt = ring_data
    extent = (-5.0, 5.0, -5.0, 5.0)
    spec = spec_of(plots.boundary_chart(RING_NET, ring_run.params, X, Y, X_test=Xt,
                                        labels_test=Yt, extent=extent, resolution=60))
    (url,) = image_urls(spec)
    image = decode_png(url)
    assert image.shape == (60, 60, 3)
    _, _, probs = plots.boundary_grid(RING_NET, ring_run.params, extent, 60)
    grid_rows_top_down = probs[::-1]
    blue, orange = plots.PALETTE_RGB[0], plots.PALETTE_RGB[1]
    sure1, sure0 = grid_rows_top_down > 0.95, grid_rows_top_down < 0.05
    assert sure1.any() and sure0.any()
    # confident cells are strongly tinted with their class colour; 0.5 is white
    assert np.abs(image[sure1] - (255 + (orange - 255) * 0.9 * plots.SHADE)).max() < 30
    assert np.abs(image[sure0] - (255 + (blue - 255) * 0.9 * plots.SHADE)).max() < 30
    near_half = np.abs(grid_rows_top_down - 0.5) < 0.01
    assert (image[near_half] > 240).all()


def test_boundary_chart_layers_points_and_legend(ring_run, ring_data):
    X, Y, Xt, Yt = ring_data
    spec = spec_of(plots.boundary_chart(RING_NET, ring_run.params, X, Y, X_test=Xt,
                                        labels_test=Yt))
    rows = rows_of(spec)
    train_rows = [r for r in rows if r.get("set") == "train"]
    test_rows = [r for r in rows if r.get("set") == "test"]
    assert len(train_rows) == len(X) and len(test_rows) == len(Xt)
    assert train_rows[5]["x"] == r5(X[5, 0]) and train_rows[5]["y"] == r5(X[5, 1])
    assert train_rows[5]["class"] == f"class {int(Y[5, 0])}"
    assert train_rows[5]["output"] == r5(forward(RING_NET, ring_run.params, X[5:6])[0, 0])
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["image", "rule", "point"]  # shading under boundary under points
    points = spec["layer"][2]["encoding"]
    assert points["shape"]["scale"]["domain"] == ["train", "test"]
    assert points["shape"]["legend"]["title"] == "points"
    assert points["color"]["scale"]["range"][:2] == [plots.BLUE, plots.ORANGE]
    assert points["fillOpacity"]["condition"]["test"] == "datum.set == 'test'"  # test hollow
    assert spec["encoding"]["x"]["axis"]["title"] == "x1"
    assert spec["encoding"]["y"]["axis"]["title"] == "x2"
    # Without a test set there is one kind of point: no "points" legend to read.
    alone = spec_of(plots.boundary_chart(RING_NET, ring_run.params, X, Y))
    assert alone["layer"][2]["encoding"]["shape"]["legend"] is None


def test_boundary_contour_lies_on_the_half_level(ring_run, ring_data):
    X, Y, _, _ = ring_data
    spec = spec_of(plots.boundary_chart(RING_NET, ring_run.params, X, Y))
    segments = np.array([[r["x"], r["y"], r["x2"], r["y2"]] for r in rows_of(spec) if "x2" in r])
    assert len(segments) > 50
    ends = np.vstack([segments[:, :2], segments[:, 2:]])
    p = forward(RING_NET, ring_run.params, ends)[:, 0]
    assert np.abs(p - 0.5).max() < 0.03
    # the ring boundary is closed: every endpoint is shared by two segments
    keys = [tuple(e) for e in np.round(ends, 3)]
    counts = np.unique(keys, axis=0, return_counts=True)[1]
    assert (counts == 2).mean() > 0.95
    off = spec_of(plots.boundary_chart(RING_NET, ring_run.params, X, Y, contour=False))
    assert not [r for r in rows_of(off) if "x2" in r]


def test_marching_squares_on_a_circle():
    xs = ys = np.linspace(-1, 1, 41)
    gx, gy = np.meshgrid(xs, ys)
    segments = plots._contour_segments(gx ** 2 + gy ** 2 - 0.5, xs, ys)
    radii = np.hypot(np.r_[segments[:, 0], segments[:, 2]], np.r_[segments[:, 1], segments[:, 3]])
    np.testing.assert_allclose(radii, np.sqrt(0.5), atol=0.01)
    # a saddle cell: positive corners bottom-left (1) and top-right (3), mean > 0, so the
    # positive region joins them and the two segments cut off the negative corners
    saddle = plots._contour_segments(np.array([[1.0, -1.0], [-1.0, 3.0]]), np.array([0.0, 1.0]),
                                     np.array([0.0, 1.0]))
    got = {frozenset([(a, b), (c, d)]) for a, b, c, d in saddle.tolist()}
    assert got == {frozenset([(0.5, 0.0), (1.0, 0.25)]), frozenset([(0.25, 1.0), (0.0, 0.5)])}


def test_boundary_discretized_shows_two_flat_colours(xor_run):
    spec = spec_of(plots.boundary_chart(XOR, xor_run.params, X_XOR, Y_XOR, discretize=True))
    image = decode_png(image_urls(spec)[0])
    assert len(np.unique(image.reshape(-1, 3), axis=0)) == 2
    layer = spec["layer"][0]["mark"]
    assert layer["smooth"] is False


def test_boundary_multiclass_uses_class_colours(blob_run):
    net, run, X, Y = blob_run
    xs, ys, probs = plots.boundary_grid(net, run.params, (-4, 4, -3, 5), 30)
    assert probs.shape == (30, 30, 3)
    extent = (-4.0, 4.0, -3.0, 5.0)
    spec = spec_of(plots.boundary_chart(net, run.params, X, Y.argmax(axis=1), extent=extent,
                                        resolution=30))
    domain = spec["layer"][2]["encoding"]["color"]["scale"]["domain"]
    assert domain == ["class 0", "class 1", "class 2"]
    assert len([r for r in rows_of(spec) if "x2" in r]) > 20  # region edges drawn
    image = decode_png(image_urls(spec)[0]).astype(float)[::-1]  # bottom row first, as probs
    sure = probs.max(axis=-1) > 0.9
    assert len(np.unique(probs.argmax(-1)[sure])) == 3
    # each confident pixel is tinted with its winning class's colour, not another's
    tint = 255 - image[sure]
    palette = 255 - plots.PALETTE_RGB[:3]
    cosine = (tint @ palette.T / np.linalg.norm(tint, axis=1)[:, None]
              / np.linalg.norm(palette, axis=1))
    assert (cosine.argmax(axis=1) == probs.argmax(-1)[sure]).all()


def test_boundary_rejects_wrong_shapes(xor_run):
    with pytest.raises(ValueError, match="2 inputs"):
        plots.boundary_chart(Network([3, 2, 1]), Init().draw(Network([3, 2, 1])),
                             np.zeros((2, 3)), [0, 1])
    with pytest.raises(ValueError, match="labels_test"):
        plots.boundary_chart(XOR, xor_run.params, X_XOR, Y_XOR, X_test=X_XOR)
    with pytest.raises(ValueError, match="extent"):
        plots.boundary_grid(XOR, xor_run.params, (1, 0, 0, 1), 10)


def test_neuron_maps_one_titled_image_per_neuron(ring_run):
    spec = spec_of(plots.neuron_maps(RING_NET, ring_run.params, extent=(-4, 4, -4, 4),
                                     resolution=24))
    rows = [r for r in rows_of(spec) if "url" in r]
    assert [r["cell"] for r in rows] == [f"layer 1, neuron {j}" for j in range(1, 9)] + [
        "layer 2, neuron 1"]
    xs, ys, pts = plots._grid_points((-4, 4, -4, 4), 24)
    trace = forward_trace(RING_NET, ring_run.params, pts)
    for r, values in zip(rows, list(trace.activations[1].T) + [trace.activations[2][:, 0]]):
        assert decode_png(r["url"]).shape == (24, 24, 3)
        assert r["low"] == r5(values.min()) and r["high"] == r5(values.max())


# --- the network itself ----------------------------------------------------------------------


def test_network_chart_carries_every_weight_and_bias(ring_run):
    params = ring_run.params
    spec = spec_of(plots.network_chart(RING_NET, params))
    rows = rows_of(spec)
    edges = {(r["src"], r["dst"]): r for r in rows if r.get("kind") == "edge"}
    assert len(edges) == 2 * 8 + 8
    for i in range(2):
        for j in range(8):
            e = edges[(f"x{i + 1}", f"h{j + 1}")]
            assert e["w"] == r5(params[0][0][i, j])
            assert e["label"] == f"w from x{i + 1} to h{j + 1} = {r5(params[0][0][i, j]):.3f}"
            assert e["sign"] == ("positive" if e["w"] >= 0 else "negative")
    for j in range(8):
        assert edges[(f"h{j + 1}", "y")]["w"] == r5(params[1][0][j, 0])
    nodes = {r["name"]: r for r in rows if r.get("kind") == "node"}
    assert "b" not in nodes["x1"]
    for j in range(8):
        assert nodes[f"h{j + 1}"]["b"] == r5(params[0][1][j])
    assert nodes["y"]["b"] == r5(params[1][1][0])  # the output's bias too
    texts = [r["text"] for r in rows if r.get("kind") == "text"]
    assert f"b = {r5(params[1][1][0]):.3f}" in texts
    width = spec["layer"][0]["encoding"]["strokeWidth"]
    assert width["field"] == "abs_w" and width["scale"]["domain"][1] == max(
        e["abs_w"] for e in edges.values())
    assert spec["layer"][0]["encoding"]["color"]["scale"]["range"] == [plots.BLUE, plots.ORANGE]


def test_network_chart_with_an_input_shows_activations(xor_run):
    x = [1.0, 0.0]
    spec = spec_of(plots.network_chart(XOR, xor_run.params, x=x))
    trace = forward_trace(XOR, xor_run.params, [x])
    nodes = {r["name"]: r for r in rows_of(spec) if r.get("kind") == "node"}
    assert nodes["x1"]["a"] == 1.0 and nodes["x2"]["a"] == 0.0
    assert nodes["h1"]["a"] == r5(trace.activations[1][0, 0])
    assert nodes["h2"]["a"] == r5(trace.activations[1][0, 1])
    assert nodes["y"]["a"] == r5(trace.activations[2][0, 0])
    assert "a = " in nodes["y"]["about"] and "z = " in nodes["y"]["about"]
    texts = [r["text"] for r in rows_of(spec) if r.get("kind") == "text"]
    weights = [w for W, _ in xor_run.params for w in W.ravel()]
    assert all(f"{r5(w):.2f}" in texts for w in weights)  # 6 weights: printed on the lines


def test_network_chart_names_deep_layers():
    net = Network([2, 3, 3, 2], activation="relu", output="softmax")
    spec = spec_of(plots.network_chart(net, Init("he", seed=1).draw(net)))
    names = {r["name"] for r in rows_of(spec) if r.get("kind") == "node"}
    assert names == {"x1", "x2", "h1_1", "h1_2", "h1_3", "h2_1", "h2_2", "h2_3", "y1", "y2"}
    assert sum(r.get("kind") == "edge" for r in rows_of(spec)) == 6 + 9 + 6


def test_activation_chart_carries_functions_and_derivatives():
    spec = spec_of(plots.activation_chart(zrange=(-3, 3), points=61))
    rows = rows_of(spec)
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        act = get_activation(name)
        f = [r for r in rows if r["name"] == name and r["panel"] == "f(z)"]
        d = [r for r in rows if r["name"] == name and r["panel"] == "f'(z)"]
        z = np.array([r["z"] for r in f])
        assert len(f) == len(d) == 61 and z[0] == -3 and z[-1] == 3
        assert [r["value"] for r in f] == [r5(v) for v in act(z)]
        assert [r["value"] for r in d] == [r5(v) for v in act.derivative(z)]
    assert spec["facet"]["field"] == "panel"
    single = spec_of(plots.activation_chart(["tanh"], derivative=False))
    assert {r["panel"] for r in rows_of(single)} == {"f(z)"}
    with pytest.raises(ValueError, match="softmax"):
        plots.activation_chart(["softmax"])
    with pytest.raises(ValueError, match="activation: one of"):
        plots.activation_chart(["swish"])


def test_outputs_table_verdicts(xor_run):
    outputs = xor_run.outputs[-1]
    table = plots.outputs_table(X_XOR, outputs, Y_XOR)
    assert [r["input"] for r in table] == X_XOR.tolist()
    assert [r["target"] for r in table] == [0.0, 1.0, 1.0, 0.0]
    assert [r["output"] for r in table] == [round(float(v), 3) for v in outputs[:, 0]]
    assert [r["verdict"] for r in table] == ["correct"] * 4
    flipped = plots.outputs_table(X_XOR, outputs, 1 - Y_XOR)
    assert [r["verdict"] for r in flipped] == ["wrong"] * 4
    start = plots.outputs_table(X_XOR, xor_run.outputs[0], Y_XOR)
    expect = ((xor_run.outputs[0][:, 0] > 0.5) == (Y_XOR[:, 0] > 0.5))
    assert [r["verdict"] == "correct" for r in start] == expect.tolist()
    spec = spec_of(plots.outputs_chart(X_XOR, outputs, Y_XOR))
    texts = [r["text"] for r in rows_of(spec)]
    assert texts.count("correct") == 4 and "4 of 4 correct" in subtitle(spec)
    # an output just under 0.5 is never shown as 0.5 (it counts as wrong for target 1)
    near_out = np.array([[0.1], [0.49996], [0.9], [0.1]])
    near_table = plots.outputs_table(X_XOR, near_out, Y_XOR)
    assert near_table[1]["output"] == 0.49996 and near_table[1]["verdict"] == "wrong"
    near_texts = [r["text"] for r in rows_of(spec_of(plots.outputs_chart(X_XOR, near_out, Y_XOR)))]
    assert "0.49996" in near_texts and "0.5" not in near_texts
    with pytest.raises(ValueError, match="same number of rows"):
        plots.outputs_table(X_XOR, outputs[:3], Y_XOR)


def test_multiclass_outputs_table(blob_run):
    net, run, X, Y = blob_run
    out = forward(net, run.params, X[:10])
    table = plots.outputs_table(X[:10], out, Y[:10])
    assert len(table[0]["output"]) == 3
    expect = out.argmax(1) == Y[:10].argmax(1)
    assert [r["verdict"] == "correct" for r in table] == expect.tolist()


def test_error_vs_eps_chart_carries_the_errors_and_drops_bad_ones():
    from nnlab.view.plots import error_vs_eps_chart

    eps = np.array([1e-8, 1e-5, 1e-2])
    spec = spec_of(error_vs_eps_chart(eps, {"right": np.array([1e-6, 1e-10, 1e-5]),
                                            "bug": np.array([0.1, np.nan, 0.1])}))
    rows = rows_of(spec)
    assert [r["error"] for r in rows if r["backward"] == "right"] == [1e-6, 1e-10, 1e-5]
    assert len([r for r in rows if r["backward"] == "bug"]) == 2
    assert "bug: 1 step size without a finite error" in subtitle(spec)
