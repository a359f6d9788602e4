"""The fast paths compute the reference formulas: tiny program == NumPy kernel == backprop."""

import importlib
import warnings

import numpy as np
import pytest

from nnlab import Init, Network, forward, gradients, train
from nnlab.fast.steppers import predict_grid, tiny_program, tiny_supported
from xor_reference import TABLE, TABLE_PARAMS, XOR, X, Y

train_module = importlib.import_module("nnlab.train")  # the module; nnlab.train is the function


def train_numpy(*args, **kwargs):
    """``train`` with the tiny-net path switched off: the NumPy kernel does every run."""
    return train(*args, engine="numpy", **kwargs)


def reference_train(network, params, X_, Y_, loss, learning_rate, epochs, mode="full"):
    """Plain gradient descent on ``network.gradients``: the formulas, nothing tuned."""
    params = [(W.copy(), b.copy()) for W, b in network.check_params(params)]
    losses = []
    for _ in range(epochs):
        rows = [slice(None)] if mode == "full" else [slice(i, i + 1) for i in range(len(X_))]
        total = 0.0
        for r in rows:
            value, grads = gradients(network, params, X_[r], Y_[r], loss)
            total += value * len(X_[r])
            params = [(W - learning_rate * dW, b - learning_rate * db)
                      for (W, b), (dW, db) in zip(params, grads)]
        losses.append(total / len(X_))
    return np.array(losses), params


def assert_runs_equal(a, b, tol=1e-12, rtol=0.0):
    assert a.loss.shape == b.loss.shape
    np.testing.assert_allclose(a.loss, b.loss, rtol=rtol, atol=tol)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    for (Wa, ba), (Wb, bb) in zip(a.params, b.params):
        np.testing.assert_allclose(Wa, Wb, rtol=rtol, atol=tol)
        np.testing.assert_allclose(ba, bb, rtol=rtol, atol=tol)
    if a.outputs is None:
        assert b.outputs is None
    else:
        np.testing.assert_allclose(a.outputs, b.outputs, rtol=rtol, atol=tol)
    assert (a.converged_at, a.diverged_at, a.stopped) == (b.converged_at, b.diverged_at, b.stopped)
    assert sorted(a.snapshots) == sorted(b.snapshots)


@pytest.mark.parametrize("numpy_only", [False, True])
def test_the_exact_table_still_reproduces_on_both_engines(numpy_only):
    run = (train_numpy if numpy_only else train)(
        XOR, TABLE_PARAMS, X, Y, loss="mse", learning_rate=2.0, epochs=4001, mode="full")
    assert run.engine == ("numpy" if numpy_only else "tiny")
    assert np.round(run.loss[0::500], 4).tolist() == TABLE
    outputs = forward(XOR, run.params, X).ravel()
    assert np.round(outputs, 3).tolist() == [0.020, 0.977, 0.981, 0.018]
    assert run.accuracy[-1] == 1.0 and run.diverged_at is None


def test_float32_kernel_still_prints_the_table():
    run = train(XOR, TABLE_PARAMS, X, Y, loss="mse", learning_rate=2.0, epochs=4001,
                dtype=np.float32)
    assert run.engine == "numpy" and run.settings["dtype"] == "float32"
    assert np.round(run.loss[0::500], 4).tolist() == TABLE


CASES = [  # sizes, hidden, output, loss, mode, learning rate
    ([2, 2, 1], "sigmoid", "sigmoid", "mse", "full", 2.0),
    ([2, 3, 1], "tanh", "sigmoid", "bce", "full", 0.5),
    ([2, 4, 1], "relu", "identity", "half_mse", "full", 0.1),
    ([2, 3, 2, 1], "leaky_relu", "sigmoid", "half_mse", "full", 0.5),
    ([3, 2, 2], ("tanh",), "identity", "mse", "full", 0.05),
    ([2, 2, 1], "sigmoid", "sigmoid", "half_mse", "online", 0.5),
    ([2, 3, 1], "relu", "sigmoid", "bce", "online", 0.3),
    ([2, 2, 2, 1], "identity", "identity", "mse", "online", 0.02),
]


def _case_data(sizes, output, loss, seed=3):
    rng = np.random.default_rng(seed)
    Xc = rng.normal(size=(5, sizes[0]))
    if output == "sigmoid":
        Yc = rng.integers(0, 2, size=(5, sizes[-1])).astype(float)
    else:
        Yc = rng.normal(size=(5, sizes[-1]))
    return Xc, Yc


@pytest.mark.parametrize("sizes,hidden,output,loss,mode,lr", CASES)
def test_tiny_program_equals_numpy_kernel_and_reference(sizes, hidden, output, loss, mode, lr):
    net = Network(sizes, hidden, output)
    Xc, Yc = _case_data(sizes, output, loss)
    start = Init("uniform", seed=7).draw(net)
    kwargs = dict(loss=loss, learning_rate=lr, epochs=300, mode=mode, snapshot_epochs=[0, 150, 300])
    tiny = train(net, start, Xc, Yc, **kwargs)
    numpy_run = train_numpy(net, start, Xc, Yc, **kwargs)
    assert (tiny.engine, numpy_run.engine) == ("tiny", "numpy")
    assert_runs_equal(tiny, numpy_run)
    ref_loss, ref_params = reference_train(net, start, Xc, Yc, loss, lr, 300, mode)
    np.testing.assert_allclose(tiny.loss, ref_loss, rtol=0, atol=1e-12)
    for (W, b), (Wr, br) in zip(tiny.params, ref_params):
        np.testing.assert_allclose(W, Wr, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, br, rtol=0, atol=1e-12)
    if mode == "full":  # online outputs are taken while the weights move through the epoch
        np.testing.assert_allclose(forward(net, tiny.snapshots[150], Xc), tiny.outputs[150],
                                   rtol=0, atol=1e-12)


def test_threshold_stop_and_retries_are_the_same_on_both_engines():
    kwargs = dict(loss="half_mse", learning_rate=0.5, epochs=3000, mode="online",
                  threshold=0.001, stop_at_threshold=True, retries=5)
    init = Init("uniform", seed=0, weight_range=(-3, 3))
    tiny, numpy_run = train(XOR, init, X, Y, **kwargs), train_numpy(XOR, init, X, Y, **kwargs)
    assert len(tiny.attempts) == len(numpy_run.attempts) > 1
    for a, b in zip(tiny.attempts, numpy_run.attempts):
        assert_runs_equal(a, b, tol=1e-10)
    assert tiny.stopped == "threshold" and tiny.loss[-1] < 0.001 <= tiny.loss[-2]


@pytest.mark.parametrize("net,loss", [(XOR, "mse"), (Network([2, 6, 1], "relu", "identity"), "mse"),
                                      (Network([2, 3, 1], "tanh"), "bce")])
@pytest.mark.parametrize("mode", ["full", "online"])
def test_divergence_is_caught_at_the_same_epoch_quietly(net, loss, mode):
    kwargs = dict(loss=loss, learning_rate=1e6, epochs=50, mode=mode)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tiny = train(net, Init(seed=0), X * 10, Y, **kwargs)
        numpy_run = train_numpy(net, Init(seed=0), X * 10, Y, **kwargs)
    assert tiny.engine == "tiny" and tiny.diverged_at is not None
    assert_runs_equal(tiny, numpy_run, tol=1e-12, rtol=1e-9)  # blown-up numbers are huge
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in tiny.params)


def test_long_runs_keep_accuracy_without_the_outputs(monkeypatch):
    monkeypatch.setattr(train_module, "OUTPUT_HISTORY_LIMIT", 100)
    monkeypatch.setattr(train_module, "OUTPUT_BLOCK", 12)  # several blocks and a partial one
    kwargs = dict(loss="mse", learning_rate=2.0, epochs=801)
    tiny = train(XOR, TABLE_PARAMS, X, Y, **kwargs)
    numpy_run = train_numpy(XOR, TABLE_PARAMS, X, Y, **kwargs)
    assert tiny.outputs is None and numpy_run.outputs is None
    assert_runs_equal(tiny, numpy_run)
    full = train(XOR, TABLE_PARAMS, X, Y, loss="mse", learning_rate=2.0, epochs=801)
    np.testing.assert_array_equal(tiny.accuracy, full.accuracy)


def test_who_gets_the_tiny_path():
    assert train(XOR, TABLE_PARAMS, X, Y, epochs=2).engine == "tiny"
    others = [
        dict(optimizer="momentum"), dict(l2=0.01), dict(track_gradients=True),
        dict(X_test=X, Y_test=Y), dict(mode="minibatch", batch_size=2), dict(dtype=np.float32),
    ]
    for extra in others:
        assert train(XOR, TABLE_PARAMS, X, Y, epochs=2, **extra).engine == "numpy", extra
    big = Network([2, 30, 1])
    assert train(big, Init(seed=0), X, Y, epochs=2).engine == "numpy"
    soft = Network([2, 2, 2], output="softmax")
    assert not tiny_supported(soft, "softmax_ce")
    assert train(soft, Init(seed=0), X, np.eye(2)[[0, 1, 1, 0]], loss="softmax_ce",
                 epochs=2).engine == "numpy"


def test_numpy_kernel_matches_reference_on_softmax_and_minibatches():
    net = Network([2, 4, 3], "tanh", "softmax")
    rng = np.random.default_rng(0)
    Xc, Yc = rng.normal(size=(9, 2)), np.eye(3)[rng.integers(0, 3, 9)]
    start = Init(seed=2).draw(net)
    run = train(net, start, Xc, Yc, loss="softmax_ce", learning_rate=0.3, epochs=200)
    ref_loss, ref_params = reference_train(net, start, Xc, Yc, "softmax_ce", 0.3, 200)
    np.testing.assert_allclose(run.loss, ref_loss, rtol=0, atol=1e-12)
    np.testing.assert_allclose(run.params[0][0], ref_params[0][0], rtol=0, atol=1e-12)


def test_the_generated_source_is_readable_and_contained():
    program = tiny_program(XOR, "mse", "full")
    assert program is tiny_program(Network([2, 2, 1]), "mse", "full")  # compiled once, cached
    assert "z1_0 = a0_0 * p0 + a0_1 * p2 + p4" in program.source
    assert "import" not in program.source and "__" not in program.source
    with pytest.raises(ValueError, match="tiny_program"):
        tiny_program(XOR, "mse", "minibatch")


def test_predict_grid_matches_forward():
    net = Network([2, 16, 8, 1], "relu", "sigmoid")
    params = Init("he", seed=0).draw(net)
    xs, ys = np.linspace(-1.5, 1.5, 30), np.linspace(-1, 1, 20)
    xx, yy = np.meshgrid(xs, ys)
    expected = forward(net, params, np.c_[xx.ravel(), yy.ravel()])[:, 0].reshape(20, 30)
    np.testing.assert_allclose(predict_grid(net, params, xs, ys, dtype=np.float64), expected,
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(predict_grid(net, params, xs, ys), expected, rtol=0, atol=1e-5)
    with pytest.raises(ValueError, match="2 inputs"):
        predict_grid(Network([3, 2, 1]), Init().draw(Network([3, 2, 1])), xs, ys)


def test_predict_grid_sees_the_playgrounds_extra_features():
    from nnlab.lessons.playground import FeatureNetwork
    net = FeatureNetwork([4, 5, 1], "tanh", "sigmoid", features=("x1^2", "sin x1"))
    params = Init("xavier", seed=2).draw(net)
    xs, ys = np.linspace(-2, 2, 13), np.linspace(-1, 1.5, 7)
    xx, yy = np.meshgrid(xs, ys)
    expected = forward(net, params, np.c_[xx.ravel(), yy.ravel()])[:, 0].reshape(7, 13)
    np.testing.assert_allclose(predict_grid(net, params, xs, ys, dtype=np.float64), expected,
                               rtol=0, atol=1e-12)
