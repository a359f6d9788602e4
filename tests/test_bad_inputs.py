"""Random bad arguments thrown at the public functions (hypothesis).

Whatever arrives, a public function either works or refuses with a ValueError or TypeError
("field: what is allowed; got X"); never a bare IndexError, KeyError, ZeroDivisionError or
AttributeError, never a RuntimeWarning. Each example replaces one argument of a call that
works with a random value, so the failure, if any, is that argument's.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from nnlab import (Init, Network, Training, accuracy, backprop, datasets, forward, get_activation,
                   get_loss, gradients, loss_value, predicted_labels, train)
from nnlab.diagnostics import unit_health
from nnlab.gradcheck import check_gradients, error_vs_eps, numerical_gradients, probe
from xor_reference import TABLE_PARAMS, XOR, X, Y

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 12), st.sampled_from([10 ** 30, -(10 ** 30)]),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6),
    st.sampled_from(["0.5", "2", "mse", "bce", "relu", "softmax", "sigmoid", "full", "adam",
                     b"x", np.float32(0.01), np.int64(3), np.bool_(True), np.nan, object()]),
)
ARRAYS = st.one_of(
    st.integers(0, 5).flatmap(lambda n: st.integers(0, 4).map(lambda d: np.ones((n, d)))),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=6).map(np.array),
    st.sampled_from([np.full((4, 2), np.nan), np.empty((0, 2)), np.zeros((4, 2, 1)),
                     np.array(["a", "b"]), np.eye(2)[[0, 1, 1, 0]], [[1, 2], [3]]]),
)
BAD = st.one_of(SCALARS, ARRAYS, st.lists(SCALARS, max_size=3),
                st.dictionaries(st.text(max_size=2), SCALARS, max_size=2))

SMALL_NET = Network([2, 3, 1], "tanh")
SMALL_PARAMS = Init(seed=0).draw(SMALL_NET)


def _call(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's overflow, NaN and 0-division warnings fail
        try:
            fn(*args, **kwargs)
        except (ValueError, TypeError):
            pass


CALLS = {  # name -> (function, positional args, keyword args) of a call that works
    "forward": (forward, [XOR, TABLE_PARAMS, X], {}),
    "gradients": (gradients, [XOR, TABLE_PARAMS, X, Y], {"loss": "mse"}),
    "backprop": (backprop, [XOR, TABLE_PARAMS, X, Y], {"loss": "bce"}),
    "loss_value": (loss_value, [XOR, TABLE_PARAMS, X, Y], {"loss": "half_mse"}),
    "get_loss": (get_loss, ["mse"], {"output": "sigmoid"}),
    "get_activation": (get_activation, ["relu"], {}),
    "predicted_labels": (predicted_labels, [Y], {}),
    "accuracy": (accuracy, [Y, Y], {}),
    "check_gradients": (check_gradients, [SMALL_NET, SMALL_PARAMS, X, Y],
                        {"loss": "mse", "eps": 1e-5, "tolerance": 1e-6}),
    "numerical_gradients": (numerical_gradients, [SMALL_NET, SMALL_PARAMS, X, Y],
                            {"loss": "mse", "eps": 1e-5}),
    "probe": (probe, [SMALL_NET, SMALL_PARAMS, X, Y],
              {"loss": "mse", "layer": 0, "kind": "W", "index": (0, 1), "eps": 1e-5}),
    "error_vs_eps": (error_vs_eps, [SMALL_NET, SMALL_PARAMS, X, Y],
                     {"loss": "mse", "eps_values": (1e-6, 1e-3)}),
    "unit_health": (unit_health, [XOR, TABLE_PARAMS, X], {"margin": 0.02, "share": 0.9}),
    "Network": (Network, [[2, 2, 1]], {"activation": "sigmoid", "output": "sigmoid"}),
    "Init": (Init, ["uniform"], {"seed": 0, "weight_range": (-1, 1), "bias_range": (-0.5, 0.5),
                                 "std": 1.0}),
    "Init.draw": (Init(seed=1).draw, [XOR], {"attempt": 0}),
    "Dataset": (datasets.Dataset, ["d", X, np.array([0, 1, 1, 0]), 2], {}),
    "train": (train, [SMALL_NET, SMALL_PARAMS, X, Y], dict(
        loss="bce", learning_rate=0.5, epochs=3, mode="minibatch", batch_size=2, shuffle_seed=0,
        optimizer="momentum", momentum=0.9, l2=0.0, threshold=None, stop_at_threshold=False,
        X_test=X, Y_test=Y, snapshot_epochs=(0, 2), track_gradients=False, engine="auto")),
    "train (reference)": (train, [SMALL_NET, Init(seed=2), X, Y], dict(
        loss="mse", learning_rate=0.5, epochs=3, mode="online", optimizer="adam",
        engine="reference", threshold=0.5, retries=1)),
    "Training": (Training, [SMALL_NET, SMALL_PARAMS, X, Y], dict(epochs=3, learning_rate=0.5)),
}


def _slots(name):
    fn, args, kwargs = CALLS[name]
    return [("arg", i) for i in range(len(args))] + [("kw", k) for k in kwargs]


@pytest.mark.parametrize("name", list(CALLS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_public_functions_refuse_bad_arguments_plainly(name, data):
    fn, args, kwargs = CALLS[name]
    kind, key = data.draw(st.sampled_from(_slots(name)), label="argument")
    value = data.draw(BAD, label="value")
    args, kwargs = list(args), dict(kwargs)
    if kind == "arg":
        args[key] = value
    else:
        kwargs[key] = value
    _call(fn, *args, **kwargs)


def test_training_advance_refuses_bad_steps():
    training = Training(SMALL_NET, SMALL_PARAMS, X, Y, epochs=3)
    for bad in (-1, 1.5, "2", None, True, math.nan, 10 ** 30):
        with pytest.raises(ValueError, match="^epochs"):
            training.advance(bad) if bad != 10 ** 30 else train(SMALL_NET, SMALL_PARAMS, X, Y,
                                                                   epochs=bad)


ISSUE_CASES = [  # the bad inputs issue 20 listed, each with the field its message must name
    (lambda: forward(XOR, TABLE_PARAMS[:1], X), "params"),
    (lambda: forward(XOR, [(np.full((2, 2), np.nan), np.zeros(2)), TABLE_PARAMS[1]], X), "params"),
    (lambda: gradients(XOR, TABLE_PARAMS[:1], X, Y), "params"),
    (lambda: gradients(XOR, TABLE_PARAMS, X[:0], Y[:0]), "X"),
    (lambda: loss_value(XOR, TABLE_PARAMS, np.empty((0, 2)), np.empty((0, 1))), "X"),
    (lambda: train(XOR, TABLE_PARAMS, X[:0], Y[:0]), "X"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, optimizer="momentum", momentum="0.5"), "momentum"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, mode="minibatch", shuffle_seed=-1), "shuffle_seed"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, mode="minibatch", shuffle_seed="a"), "shuffle_seed"),
    (lambda: train(Network([2, 3, 2], "tanh", "softmax"), Init(seed=0), X, np.c_[Y, Y],
                   loss="softmax_ce"), "Y"),
    (lambda: Init(std=True), "std"),
    (lambda: datasets.Dataset("d", X, np.array([0, 1, 1, 0]), 2.5), "n_classes"),
    (lambda: check_gradients(XOR, TABLE_PARAMS, X, Y, eps=-1), "eps"),
    (lambda: get_loss("mse", "relu"), "output"),
    (lambda: unit_health(XOR, TABLE_PARAMS, X[:0]), "X"),
]


@pytest.mark.parametrize("make,field", ISSUE_CASES)
def test_the_listed_bad_inputs_name_their_field(make, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        make()


def test_a_numpy_threshold_is_a_number():
    run = train(XOR, TABLE_PARAMS, X, Y, learning_rate=2.0, epochs=50, threshold=np.float32(0.2))
    assert run.settings["threshold"] == pytest.approx(0.2)
