"""Inverted dropout on the hidden layers: masks from a seed, gradients, one step by hand, and
the NumPy kernel held to the reference loop's numbers with dropout on."""

import math

import numpy as np
import pytest

import nnlab
from nnlab import Init, Network, Training, gradcheck, network as net
from nnlab.activations import HIDDEN_ACTIVATIONS
from test_reference_engine import assert_same_numbers


def _params(sizes, seed):
    rng = np.random.default_rng(seed)
    return [(rng.normal(0, 0.8, (i, o)), rng.normal(0, 0.3, o)) for i, o in zip(sizes, sizes[1:])]


def _numeric(network, params, X, Y, loss, masks, eps=1e-5):
    """Central differences of the loss with the dropout masks held fixed."""
    result = []
    for W, b in params:
        pair = []
        for array in (W, b):
            grad = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                keep = array[index]
                array[index] = keep + eps
                plus = net.loss_value(network, params, X, Y, loss, masks)
                array[index] = keep - eps
                minus = net.loss_value(network, params, X, Y, loss, masks)
                array[index] = keep
                grad[index] = (plus - minus) / (2 * eps)
            pair.append(grad)
        result.append(pair)
    return result


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_gradients_with_fixed_masks_match_finite_differences(activation):
    network = Network([3, 5, 4, 3], activation, "softmax")
    params = _params(network.sizes, 1)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(6, 3))
    Y = np.eye(3)[rng.integers(0, 3, 6)]
    masks = net.dropout_masks(network, 6, 0.4, np.random.default_rng(3))
    assert any((m == 0).any() for m in masks) and any((m > 0).any() for m in masks)
    analytic = net.backprop(network, params, X, Y, "softmax_ce", masks).grads
    numeric = _numeric(network, params, X, Y, "softmax_ce", masks)
    for (dW, db), (nW, nb) in zip(analytic, numeric):
        assert gradcheck.relative_error(dW, nW) < 1e-7
        assert gradcheck.relative_error(db, nb) < 1e-7
    # The masks matter: the gradients without them are different numbers.
    plain = net.backprop(network, params, X, Y, "softmax_ce").grads
    assert gradcheck.relative_error(plain[0][0], analytic[0][0]) > 1e-3


def test_masks_drop_the_asked_fraction_and_scale_the_rest():
    network = Network([2, 400, 300, 1])
    masks = net.dropout_masks(network, 50, 0.3, np.random.default_rng(0))
    assert [m.shape for m in masks] == [(50, 400), (50, 300)]
    for m in masks:
        assert set(np.unique(m)) == {0.0, 1 / 0.7}
        assert abs((m == 0).mean() - 0.3) < 0.01
    assert net.dropout_masks(network, 50, 0.0, np.random.default_rng(0)) is None


@pytest.mark.parametrize("engine, ran", [("auto", "numpy"), ("reference", "reference")])
def test_one_training_step_by_hand(engine, ran):
    # 2-2-1 sigmoid net, one sample, mse, sgd with learning rate 0.5, dropout 0.5, seed 0.
    x0, x1, y = 1.0, 0.5, 1.0
    W1, b1 = [[0.1, 0.2], [0.3, -0.4]], [0.0, 0.1]
    W2, b2 = [[0.5], [-0.6]], [0.2]
    # The seed's masks: np.random.default_rng(0).random((1, 2)) >= 0.5 is [True, False], so
    # hidden unit 0 is kept and doubled (1 / (1 - 0.5)) and hidden unit 1 is dropped.
    m0, m1 = 2.0, 0.0
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    a0 = sig(x0 * 0.1 + x1 * 0.3 + 0.0)  # z = 0.25
    a1 = sig(x0 * 0.2 + x1 * -0.4 + 0.1)  # z = 0.1
    h0, h1 = a0 * m0, a1 * m1
    out = sig(h0 * 0.5 + h1 * -0.6 + 0.2)
    d2 = 2 * (out - y) * out * (1 - out)  # dL/dz of the output for L = (out - y)^2
    d_hidden0 = d2 * 0.5 * a0 * (1 - a0) * m0
    d_hidden1 = d2 * -0.6 * a1 * (1 - a1) * m1  # 0: a dropped unit learns nothing
    lr = 0.5
    want_W1 = [[0.1 - lr * x0 * d_hidden0, 0.2 - lr * x0 * d_hidden1],
               [0.3 - lr * x1 * d_hidden0, -0.4 - lr * x1 * d_hidden1]]
    want_b1 = [0.0 - lr * d_hidden0, 0.1 - lr * d_hidden1]
    want_W2 = [[0.5 - lr * h0 * d2], [-0.6 - lr * h1 * d2]]
    want_b2 = [0.2 - lr * d2]
    run = nnlab.train(Network([2, 2, 1]), [(np.array(W1), np.array(b1)), (np.array(W2), np.array(b2))],
                      [[x0, x1]], [[y]], loss="mse", learning_rate=lr, epochs=1, dropout=0.5,
                      dropout_seed=0, engine=engine)
    (gW1, gb1), (gW2, gb2) = run.params
    np.testing.assert_allclose(gW1, want_W1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(gb1, want_b1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(gW2, want_W2, rtol=0, atol=1e-15)
    np.testing.assert_allclose(gb2, want_b2, rtol=0, atol=1e-15)
    assert gW1[0, 1] == 0.2 and gW2[1, 0] == -0.6  # the dropped unit's weights did not move
    assert run.loss[0] == pytest.approx((out - y) ** 2, abs=1e-15)
    assert run.engine == ran  # "auto": the NumPy kernel, even for a net this small


def _digit_like(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 4))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    return X, np.eye(3)[labels], X[:20] + 0.1, np.eye(3)[labels[:20]]


def _train(**options):
    X, Y, Xt, Yt = _digit_like()
    network = Network([4, 8, 3], "relu", "softmax")
    return nnlab.train(network, _params(network.sizes, 2), X, Y, loss="softmax_ce",
                       learning_rate=0.01, epochs=15, mode="minibatch", batch_size=16,
                       optimizer="adam", X_test=Xt, Y_test=Yt, **options)


def test_same_seed_same_numbers_other_seed_other_numbers():
    one, two = _train(dropout=0.3, dropout_seed=5), _train(dropout=0.3, dropout_seed=5)
    assert np.array_equal(one.loss, two.loss) and np.array_equal(one.params[0][0], two.params[0][0])
    other = _train(dropout=0.3, dropout_seed=6)
    assert not np.array_equal(one.loss, other.loss)
    assert one.settings["dropout"] == 0.3 and one.settings["dropout_seed"] == 5


@pytest.mark.parametrize("engine", ["auto", "reference", "numpy"])
def test_dropout_zero_gives_exactly_the_numbers_without_it(engine):
    before, zero = _train(engine=engine), _train(engine=engine, dropout=0.0, dropout_seed=9)
    assert zero.engine == before.engine == ("reference" if engine == "reference" else "numpy")
    assert np.array_equal(before.loss, zero.loss)
    assert np.array_equal(before.test_loss, zero.test_loss)
    for (W, b), (W0, b0) in zip(before.params, zero.params):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)
    assert "dropout" not in zero.settings


@pytest.mark.parametrize("engine, sizes, options", [
    # the full-batch fast loop without a test set, and XOR-sized nets the tiny program would take
    ("auto", [2, 2, 1], dict(loss="mse", learning_rate=2.0)),
    ("tiny", [2, 2, 1], dict(loss="mse", learning_rate=2.0)),
    ("auto", [2, 3, 1], dict(loss="half_mse", learning_rate=0.3, mode="online")),
    ("numpy", [2, 16, 8, 1], dict(loss="bce", learning_rate=0.5)),
    ("numpy", [2, 16, 8, 1], dict(loss="bce", learning_rate=0.5, dtype=np.float32)),
])
def test_dropout_zero_is_bit_identical_on_every_fast_path(engine, sizes, options):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    network, start = Network(sizes), Init(seed=3)
    before = nnlab.train(network, start, X, Y, epochs=200, engine=engine, **options)
    zero = nnlab.train(network, start, X, Y, epochs=200, engine=engine, dropout=0.0,
                       dropout_seed=4, **options)
    assert zero.engine == before.engine
    assert np.array_equal(before.loss, zero.loss) and np.array_equal(before.outputs, zero.outputs)
    for (W, b), (W0, b0) in zip(before.params, zero.params):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)


@pytest.mark.parametrize("engine", ["auto", "reference"])
def test_dropout_is_off_when_evaluating(engine):
    X, Y, Xt, Yt = _digit_like()
    network = Network([4, 8, 3], "relu", "softmax")
    params = _params(network.sizes, 2)
    run = _train(dropout=0.5, dropout_seed=1, snapshot_epochs=[3], engine=engine)
    start_loss = net.loss_value(network, params, Xt, Yt, "softmax_ce")
    assert run.test_loss[0] == start_loss
    assert run.test_loss[3] == net.loss_value(network, run.snapshots[3], Xt, Yt, "softmax_ce")
    # The training loss is measured on dropped passes, so it differs from the whole net's.
    assert run.loss[0] != net.loss_value(network, params, X, Y, "softmax_ce")
    # Predictions afterwards are the whole network's: the same numbers every time.
    assert np.array_equal(net.forward(network, run.params, Xt), net.forward(network, run.params, Xt))


@pytest.mark.parametrize("options, field", [
    ({"dropout": 1.0}, "dropout"), ({"dropout": -0.1}, "dropout"), ({"dropout": "0.5"}, "dropout"),
    ({"dropout": True}, "dropout"), ({"dropout": float("nan")}, "dropout"),
    ({"dropout": 0.2, "dropout_seed": -1}, "dropout_seed"),
    ({"dropout": 0.2, "dropout_seed": 1.5}, "dropout_seed"),
    ({"dropout": 0.2, "engine": "tiny"}, "engine"),
    ({"dropout": 0.2, "dtype": np.float32, "engine": "reference"}, "dtype"),
])
def test_bad_dropout_arguments_name_themselves(options, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        _train(**options)


def test_the_tiny_program_refuses_dropout_and_says_which_engines_have_it():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    with pytest.raises(ValueError) as refused:
        nnlab.train(Network([2, 2, 1]), Init(seed=0), X, Y, dropout=0.5, engine="tiny")
    message = str(refused.value)
    assert message.startswith("engine: ") and "'numpy'" in message and "'reference'" in message
    assert "tiny" in message and "dropout" in message


# ---- the NumPy kernel gives the reference loop's numbers -------------------------------------

RNG = np.random.default_rng(11)
BLOBS_X = RNG.normal(size=(36, 3))
BLOBS_LABELS = (BLOBS_X[:, 0] > 0).astype(int) + (BLOBS_X[:, 1] + BLOBS_X[:, 2] > 0.5)
# Learning rates small enough that no run is chaotic: there, rounding differences of 1e-16
# (the two engines order their sums differently) grow to anything, with or without dropout.
RATES = {"sgd": 0.05, "momentum": 0.02, "adam": 0.005}


@pytest.mark.parametrize("optimizer", list(RATES))
@pytest.mark.parametrize("mode", ["full", "minibatch", "online"])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_the_numpy_kernel_drops_like_the_reference(activation, mode, optimizer):
    network = Network([3, 6, 5, 3], activation, "softmax")
    Y = np.eye(3)[BLOBS_LABELS]
    options = dict(loss="softmax_ce", learning_rate=RATES[optimizer], epochs=12, mode=mode,
                   batch_size=5, shuffle_seed=2, optimizer=optimizer, momentum=0.8, l2=1e-3,
                   dropout=0.3, dropout_seed=7, X_test=BLOBS_X[:10] * 1.1, Y_test=Y[:10],
                   snapshot_epochs=[0, 6])
    ref = nnlab.train(network, Init(seed=5), BLOBS_X, Y, engine="reference", **options)
    fast = nnlab.train(network, Init(seed=5), BLOBS_X, Y, **options)
    assert (ref.engine, fast.engine) == ("reference", "numpy")
    assert_same_numbers(ref, fast)  # loss, accuracy, outputs, params, test metrics, snapshots
    # and the masks were used: without them the numbers are others
    plain = nnlab.train(network, Init(seed=5), BLOBS_X, Y, **{**options, "dropout": 0.0})
    assert np.abs(plain.loss - fast.loss).max() > 1e-3


@pytest.mark.parametrize("network, loss, options", [
    (Network([3, 8, 1], "tanh", "sigmoid"), "bce", dict(track_gradients=True)),
    (Network([3, 4, 1], "relu", "identity"), "half_mse", dict(mode="online")),
    (Network([3, 7, 4, 2, 1], ("relu", "sigmoid", "leaky_relu")), "mse",
     dict(mode="minibatch", batch_size=8, optimizer="adam", learning_rate=0.01)),
])
def test_the_numpy_kernel_drops_like_the_reference_on_other_nets(network, loss, options):
    Y = (BLOBS_LABELS > 0).astype(float).reshape(-1, 1)
    kwargs = {"loss": loss, "learning_rate": 0.1, "epochs": 25, "dropout": 0.5,
              "dropout_seed": 3, **options}
    ref = nnlab.train(network, Init(seed=2), BLOBS_X, Y, engine="reference", **kwargs)
    fast = nnlab.train(network, Init(seed=2), BLOBS_X, Y, engine="numpy", **kwargs)
    assert_same_numbers(ref, fast)


def test_auto_picks_the_numpy_kernel_for_dropout_and_chunks_add_up():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    xor = nnlab.train(Network([2, 2, 1]), Init(seed=0), X, Y, epochs=50, learning_rate=2.0)
    dropped = nnlab.train(Network([2, 2, 1]), Init(seed=0), X, Y, epochs=50, learning_rate=2.0,
                          dropout=0.2)
    assert (xor.engine, dropped.engine) == ("tiny", "numpy")
    # A Training advanced 7 then 13 epochs draws the masks a whole run draws: the same run.
    whole = _train(dropout=0.4, dropout_seed=2)
    X, Y, Xt, Yt = _digit_like()
    network = Network([4, 8, 3], "relu", "softmax")
    training = Training(network, _params(network.sizes, 2), X, Y, loss="softmax_ce",
                        learning_rate=0.01, epochs=15, mode="minibatch", batch_size=16,
                        optimizer="adam", X_test=Xt, Y_test=Yt, dropout=0.4, dropout_seed=2)
    training.advance(7)
    assert_same_numbers(whole, training.advance(13), tol=0.0)


def test_float32_with_dropout_runs_on_the_numpy_kernel():
    wide = _train(dropout=0.3, dropout_seed=1)
    narrow = _train(dropout=0.3, dropout_seed=1, dtype=np.float32)
    assert narrow.engine == "numpy" and narrow.settings["dtype"] == "float32"
    # the same masks, ~7 digits: float32 follows the float64 run closely
    np.testing.assert_allclose(narrow.loss, wide.loss, rtol=1e-4)
    np.testing.assert_allclose(narrow.test_loss, wide.test_loss, rtol=1e-4)


def test_a_diverging_dropout_run_stops_at_the_same_epoch_on_both_engines():
    Y = np.eye(3)[BLOBS_LABELS]
    network = Network([3, 16, 3], "relu", "softmax")
    kwargs = dict(loss="softmax_ce", learning_rate=1e4, epochs=30, mode="minibatch",
                  batch_size=6, dropout=0.5, dropout_seed=1)
    ref = nnlab.train(network, Init(seed=0), BLOBS_X * 50, Y, engine="reference", **kwargs)
    fast = nnlab.train(network, Init(seed=0), BLOBS_X * 50, Y, **kwargs)
    assert ref.diverged_at is not None and fast.engine == "numpy"
    assert_same_numbers(ref, fast, rtol=1e-9)


def test_bad_masks_are_refused_by_name():
    network = Network([2, 3, 1])
    params = _params(network.sizes, 0)
    with pytest.raises(ValueError, match="^masks:"):
        net.backprop(network, params, [[0.0, 1.0]], [[1.0]], "mse", [np.ones((2, 3))])
    with pytest.raises(ValueError, match="^masks:"):
        net.backprop(network, params, [[0.0, 1.0]], [[1.0]], "mse", np.ones((1, 3)))
    with pytest.raises(ValueError, match="^rng:"):
        net.dropout_masks(network, 1, 0.5, 0)
