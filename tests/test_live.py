"""nnlab.view.live: what the live view's Python side sends to the page."""

import base64
import json
import math
import re

import numpy as np
import pytest

from nnlab import Init, Network, train
from nnlab.view import live
from nnlab.lessons import training_xor
from nnlab.view.live_js import PLAYER_CSS, PLAYER_ESM, VIEW_CSS, VIEW_ESM

X, Y = training_xor.xor_arrays()
RUN = training_xor.PRESETS[training_xor.FIXED_START].setup.train(X, Y)


def all_numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from all_numbers(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from all_numbers(v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def test_a_frame_carries_every_panel_as_plain_json():
    frame = training_xor.live_frame(RUN, X, Y, threshold=0.001)
    text = json.dumps(frame, allow_nan=False)  # plain JSON, no NaN or infinity
    assert len(text) < live.MAX_FRAME_BYTES
    kinds = [(p["name"], p["kind"]) for p in frame["panels"]]
    assert kinds == [("loss", "curves"), ("accuracy", "curves"), ("boundary", "boundary"),
                     ("network", "network"), ("outputs", "table")]
    loss = frame["panels"][0]["series"][0]
    assert len(loss["x"]) == len(loss["y"]) <= live.MAX_POINTS
    assert loss["x"][0] == 0 and loss["x"][-1] == RUN.epochs - 1
    image = frame["panels"][2]["image"]  # the shaded plane: 60 x 60 RGB pixels in base64
    assert (image["w"], image["h"]) == (60, 60)
    assert len(base64.b64decode(image["rgb"])) == 60 * 60 * 3
    assert frame["panels"][2]["contour"]  # the 0.5 line of a solved XOR net
    assert sorted(p[2] for p in frame["panels"][2]["points"]) == [0, 0, 1, 1]


def test_a_run_that_blew_up_sends_no_nan_and_says_where_it_stopped():
    net = Network([2, 2, 1], activation="sigmoid", output="sigmoid")
    run = train(net, Init("uniform", seed=0, weight_range=(-2, 2)), X, Y, loss="mse",
                learning_rate=1e30, epochs=50)
    assert run.diverged_at is not None
    frame = live.frame(live.curves_panel("loss", run, title="t", y_title="loss", log=True))
    json.dumps(frame, allow_nan=False)
    assert all(math.isfinite(v) for v in all_numbers(frame))
    assert "diverged" in frame["panels"][0]["notes"][0]
    panel = live.network_panel("n", net, run.params, title="t")  # the last finite weights
    assert all(math.isfinite(v) for v in all_numbers(panel))
    params = [(np.full_like(W, np.nan), b) for W, b in run.params]
    with pytest.raises(ValueError):  # non-finite weights are refused, never drawn
        live.network_panel("n", net, params, title="t")


def test_a_frame_too_large_or_badly_made_is_refused():
    big = live.curves_panel("loss", RUN, title="t", y_title="loss")
    big["series"] = big["series"] * 200
    with pytest.raises(ValueError, match="frame: at most"):
        live.frame(big)
    with pytest.raises(TypeError, match="panels"):
        live.frame({"not": "a panel"})
    with pytest.raises(ValueError, match="columns"):
        live.frame(big, columns=[["loss", "nope"]])
    with pytest.raises(ValueError, match="metric"):
        live.curves_panel("x", RUN, "speed", title="t", y_title="t")
    with pytest.raises(ValueError, match="threshold"):
        live.curves_panel("x", RUN, title="t", y_title="t", threshold=float("nan"))
    with pytest.raises(ValueError, match="points"):
        live.curves_panel("x", RUN, title="t", y_title="t", points=10_000)
    with pytest.raises(ValueError, match="resolution"):
        live.boundary_panel("b", RUN.network, RUN.params, X, Y, extent=training_xor.UNIT_SQUARE,
                            resolution=1000, title="t")


def test_show_sets_the_frame_as_assigning_it_does():
    view, shown = live.LiveView(), live.frame(live.curves_panel("loss", RUN, title="t",
                                                                 y_title="loss"))
    view.show(shown)
    assert view.frame == shown
    with pytest.raises(ValueError, match="frame"):  # the same check as `view.frame = ...`
        view.show({"no": "panels"})
    assert view.frame == shown


def test_static_frames_cover_every_combination_within_the_page_budget():
    controls, frames = training_xor.explorer()
    assert [c["name"] for c in controls] == ["learning_rate", "loss"]
    assert len(frames) == len(training_xor.LEARNING_RATES) * len(training_xor.LOSS_LABELS)
    size = len(json.dumps(frames, allow_nan=False))
    assert size < live.MAX_FRAMES_BYTES
    view = live.LiveView()
    view.offer(controls, frames)
    assert view.explore == controls and len(view.frames) == len(frames)
    with pytest.raises(ValueError, match="missing"):
        view.offer(controls, dict(list(frames.items())[1:]))
    # the default combination is the fixed-start run the page opens on
    default = frames[f"{2.0:g}|mse"]
    assert default["panels"][0]["series"][0]["y"][0] == float(f"{RUN.loss[0]:.5g}")


def test_the_player_asks_answers_and_stops_on_a_new_run():
    player = live.Player()
    player.start("a", 4001)
    assert (player.at, player.total, player.target) == (4001, 4001, 4001)
    assert player.chunk == math.ceil(4001 / 120)
    assert player.wanted("a") is None  # nothing asked yet: show the finished run
    player.target, player.serial = 100, 1  # what the page sends
    assert player.wanted("a") == 100 and player.wanted("b") is None
    player.answered(100)
    assert player.at == 100 and player.ack == 1
    assert player.wanted("a") is None  # answered: nothing pending
    player.target, player.serial = 4001, 2  # the last chunk asks for the very end
    assert player.wanted("a") == 4001
    player.start("b", 50)  # a control changed: stop, point at the new run's end
    assert player.wanted("b") is None and player.at == 50
    with pytest.raises(ValueError, match="total"):
        player.start("c", -1)


def test_the_widgets_javascript_names_no_url():
    # Pages must work offline and in static exports: nothing may be fetched from anywhere.
    for text in (VIEW_ESM, PLAYER_ESM, VIEW_CSS, PLAYER_CSS):
        assert not re.search(r"https?:|//[a-z0-9.-]+\.[a-z]{2,}/|\bimport\s*\(|from\s+['\"]",
                             text), "the live view's code must not load anything"
    assert "export default" in VIEW_ESM and "export default" in PLAYER_ESM
