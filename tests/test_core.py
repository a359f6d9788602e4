"""The core's reference numbers, gradients, determinism and error messages."""

import warnings

import numpy as np
import pytest

from nnlab import Init, Network, Training, forward, gradients, train
from nnlab.gradcheck import check_gradients
from nnlab.losses import PAIRINGS
from nnlab.network import backprop
from nnlab.nine import HAND_PICKED, TABLE_START, XOR_ROWS, Nine
from xor_reference import TABLE, TABLE_OUTPUTS, TABLE_PARAMS, XOR, X, Y


def test_exact_loss_table_reproduces():
    run = train(XOR, TABLE_PARAMS, X, Y, loss="mse", learning_rate=2.0, epochs=4001, mode="full")
    assert np.round(run.loss[0::500], 4).tolist() == TABLE
    outputs = forward(XOR, run.params, X).ravel()
    assert np.round(outputs, 3).tolist() == TABLE_OUTPUTS
    assert run.accuracy[-1] == 1.0 and run.diverged_at is None


def test_table_start_matches_its_per_neuron_naming():
    for (W, b), (W9, b9) in zip(TABLE_START.to_params(), TABLE_PARAMS):
        np.testing.assert_array_equal(W, W9)
        np.testing.assert_array_equal(b, b9)


def test_hand_picked_outputs_and_one_online_step():
    before = forward(XOR, HAND_PICKED.to_params(), X).ravel()
    assert np.round(before, 4).tolist() == [0.4875, 0.4831, 0.4986, 0.4943]
    # One online half_mse step on the first XOR row, learning rate 0.1, through train().
    run = train(XOR, HAND_PICKED.to_params(), X[:1], Y[:1], loss="half_mse",
                learning_rate=0.1, epochs=1, mode="online")
    after = forward(XOR, run.params, X).ravel()
    assert np.round(after, 4).tolist() == [0.4829, 0.4786, 0.4941, 0.4898]
    # ... and the plain-Python nine-number version takes the very same step.
    step = HAND_PICKED.step(0, 0, 0, learning_rate=0.1, loss="half_mse")
    np.testing.assert_allclose(step.after.outputs(), after, rtol=0, atol=1e-12)


@pytest.mark.parametrize("loss", ["mse", "half_mse", "bce"])
def test_nine_numbers_match_the_matrix_net(loss):
    nine = Nine(*np.random.default_rng(5).uniform(-2, 2, 9))
    np.testing.assert_allclose(nine.outputs(), forward(XOR, nine.to_params(), X).ravel(),
                               rtol=0, atol=1e-12)
    value, grads = gradients(XOR, nine.to_params(), X, Y, loss)
    batch = nine.batch_step(XOR_ROWS, learning_rate=1.0, loss=loss)
    assert abs(batch.loss - value) < 1e-12
    for (dW, db), (dW9, db9) in zip(grads, batch.gradients().to_params()):
        np.testing.assert_allclose(dW, dW9, rtol=0, atol=1e-12)
        np.testing.assert_allclose(db, db9, rtol=0, atol=1e-12)
    assert Nine.from_params(nine.to_params()) == nine


def _pairings():
    for hidden in ("sigmoid", "tanh", "relu", "leaky_relu", "identity"):
        for output, losses in PAIRINGS.items():
            for loss in losses:
                yield hidden, output, loss


@pytest.mark.parametrize("hidden,output,loss", list(_pairings()))
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_gradients_match_finite_differences(hidden, output, loss, depth):
    rng = np.random.default_rng(depth * 100 + len(hidden) + len(loss))
    k = 3 if output == "softmax" else 2 if output == "identity" else 1
    sizes = [3] + list(rng.integers(2, 5, size=depth)) + [k]
    net = Network(sizes, activation=hidden, output=output)
    # Non-zero biases keep ReLU pre-activations off the kink at exactly 0.
    params = [(W, rng.uniform(0.05, 0.3, size=b.shape))
              for W, b in Init("normal", seed=depth, std=0.8).draw(net)]
    Xr = rng.normal(size=(7, 3))
    if output == "softmax":
        Yr = np.eye(k)[rng.integers(0, k, size=7)]
    elif output == "sigmoid":
        Yr = rng.uniform(0, 1, size=(7, 1))
    else:
        Yr = rng.normal(size=(7, k))
    check = check_gradients(net, params, Xr, Yr, loss)
    assert check.max_error < 1e-6, check.layer_errors


def test_gradient_check_catches_a_wrong_backward():
    def wrong(network, params, X_, Y_, loss):  # forgets the output activation's slope
        value, grads = gradients(network, params, X_, Y_, "bce")
        return value, grads

    check = check_gradients(XOR, TABLE_PARAMS, X, Y, "mse", backward=wrong)
    assert not check.passed and check.max_error > 1e-2


def test_backprop_exposes_every_layer():
    net = Network([2, 4, 3, 1], activation="tanh")
    result = backprop(net, Init(seed=1).draw(net), X, Y, "bce")
    assert [z.shape for z in result.zs] == [(4, 4), (4, 3), (4, 1)]
    assert [a.shape for a in result.activations] == [(4, 2), (4, 4), (4, 3), (4, 1)]
    assert [d.shape for d in result.deltas] == [(4, 4), (4, 3), (4, 1)]
    np.testing.assert_allclose(result.deltas[-1], (result.activations[-1] - Y) / 4)


def _circles(n=500, noise=0.1, factor=0.5, seed=0):
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * np.pi, n // 2, endpoint=False)
    outer = np.c_[np.cos(angles), np.sin(angles)]
    Xc = np.r_[outer, factor * outer] + rng.normal(scale=noise, size=(n, 2))
    return Xc, np.r_[np.zeros(n // 2), np.ones(n // 2)].reshape(-1, 1)


def test_same_seeds_same_run_bit_for_bit_and_circles_learn():
    Xc, Yc = _circles()
    net = Network([2, 16, 8, 1], activation="relu", output="sigmoid")
    runs = [train(net, Init("he", seed=0), Xc, Yc, loss="bce", learning_rate=0.1,
                  epochs=10000) for _ in range(2)]
    assert runs[0].loss.tobytes() == runs[1].loss.tobytes()
    for (W0, b0), (W1, b1) in zip(runs[0].params, runs[1].params):
        assert W0.tobytes() == W1.tobytes() and b0.tobytes() == b1.tobytes()
    assert runs[0].accuracy[-1] >= 0.97


def test_minibatch_is_reproducible_and_differs_by_shuffle_seed():
    net = Network([2, 5, 1], "tanh")
    Xc, Yc = _circles(100)
    a, b, c = (train(net, Init(seed=4), Xc, Yc, loss="bce", epochs=20, mode="minibatch",
                     batch_size=16, shuffle_seed=s) for s in (1, 1, 2))
    assert a.loss.tobytes() == b.loss.tobytes() and a.loss.tobytes() != c.loss.tobytes()


def test_weight_seed_and_data_are_independent():
    net = Network([2, 3, 1])
    assert Init(seed=1).draw(net)[0][0].tobytes() == Init(seed=1).draw(net)[0][0].tobytes()
    assert Init(seed=1).draw(net)[0][0].tobytes() != Init(seed=2).draw(net)[0][0].tobytes()


def test_retries_redraw_until_the_threshold_and_keep_every_attempt():
    run = train(XOR, Init("uniform", seed=0, weight_range=(-0.1, 0.1), bias_range=(0, 0)),
                X, Y, loss="half_mse", learning_rate=0.5, epochs=300, mode="online",
                threshold=0.001, stop_at_threshold=True, retries=2)
    assert len(run.attempts) == 3 and run.attempts[-1] is not None
    assert all(not a.converged for a in run.attempts)
    good = train(XOR, Init("uniform", seed=0, weight_range=(-3, 3), bias_range=(-0.5, 0.5)),
                 X, Y, loss="half_mse", learning_rate=0.5, epochs=20000, mode="online",
                 threshold=0.001, stop_at_threshold=True, retries=20)
    assert good.converged and good.stopped == "threshold"
    assert good.loss[-1] < 0.001 <= good.loss[-2]
    assert good.attempts[-1].loss.tobytes() == good.loss.tobytes()
    assert all(not a.converged for a in good.attempts[:-1])


def test_huge_learning_rate_diverges_quietly_with_finite_params():
    for net, loss in [(XOR, "mse"), (Network([2, 8, 1], "relu", "identity"), "mse")]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            run = train(net, Init(seed=0), X * 10, Y, loss=loss, learning_rate=1e6, epochs=50)
        assert run.diverged_at is not None and run.stopped == "diverged"
        assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in run.params)
        assert np.isfinite(run.loss).all() and len(run.loss) == run.diverged_at


def test_snapshots_replay_the_past():
    run = train(XOR, TABLE_PARAMS, X, Y, loss="mse", learning_rate=2.0, epochs=600,
                snapshot_epochs=[0, 250, 600])
    assert sorted(run.snapshots) == [0, 250, 600]
    outputs = forward(XOR, run.snapshots[250], X)
    np.testing.assert_allclose(outputs, run.outputs[250], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(run.snapshots[600][0][0], run.params[0][0])


def _same_run(a, b):
    assert np.array_equal(a.loss, b.loss) and np.array_equal(a.accuracy, b.accuracy)
    for (Wa, ba), (Wb, bb) in zip(a.params, b.params):
        assert np.array_equal(Wa, Wb) and np.array_equal(ba, bb)
    assert sorted(a.snapshots) == sorted(b.snapshots)
    for e in a.snapshots:
        assert all(np.array_equal(Pa[0], Pb[0]) for Pa, Pb in zip(a.snapshots[e], b.snapshots[e]))
    for name in ("outputs", "test_loss", "grad_norms"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None and y is None) or np.array_equal(x, y), name
    assert (a.converged_at, a.diverged_at, a.stopped, a.engine) == (
        b.converged_at, b.diverged_at, b.stopped, b.engine)


TRAININGS = {
    "tiny program, snapshots": (XOR, TABLE_PARAMS, X, Y, dict(
        learning_rate=2.0, epochs=900, snapshot_epochs=[0, 100, 450, 900])),
    "numpy, minibatch adam, test set, gradients": (Network([2, 6, 1], "tanh"), Init(seed=3),
        np.tile(X, (8, 1)), np.tile(Y, (8, 1)), dict(
            loss="bce", optimizer="adam", learning_rate=0.01, mode="minibatch", batch_size=5,
            epochs=300, X_test=X, Y_test=Y, track_gradients=True, snapshot_epochs=[0, 300])),
    "stops at the threshold": (XOR, TABLE_PARAMS, X, Y, dict(
        learning_rate=10.0, epochs=4000, threshold=0.001, stop_at_threshold=True)),
    "diverges": (Network([2, 8, 1], "relu", "identity"), Init(seed=0), X * 10, Y, dict(
        learning_rate=1e6, epochs=50, snapshot_epochs=[0, 50])),
}


@pytest.mark.parametrize("name", list(TRAININGS))
def test_training_in_pieces_equals_training_at_once(name):
    net, params, X_, Y_, options = TRAININGS[name]
    whole = train(net, params, X_, Y_, **options)
    training = Training(net, params, X_, Y_, **options)
    sizes, runs = [1, 7, 0, 120, 33], []
    while not training.done:
        runs.append(training.advance(sizes[len(runs) % len(sizes)]))
    asked = np.cumsum([sizes[i % len(sizes)] for i in range(len(runs))])
    assert [r.epochs for r in runs] == [min(a, whole.epochs) for a in asked]
    _same_run(runs[-1], whole)
    _same_run(training.advance(10), whole)  # a finished run stays as it is


def test_training_refuses_retries_and_a_negative_step():
    with pytest.raises(ValueError, match="retries"):
        Training(XOR, Init(seed=0), X, Y, threshold=0.01, retries=2)
    with pytest.raises(ValueError, match="epochs"):
        Training(XOR, TABLE_PARAMS, X, Y).advance(-1)
    with pytest.raises(ValueError, match="learning_rate"):
        Training(XOR, TABLE_PARAMS, X, Y, learning_rate=float("nan"))
    with pytest.raises(ValueError, match="learn_rate"):
        Training(XOR, TABLE_PARAMS, X, Y, learn_rate=1.0)
    # Unset options are train()'s defaults.
    _same_run(Training(XOR, TABLE_PARAMS, X, Y).advance(10_000), train(XOR, TABLE_PARAMS, X, Y))


BAD_INPUTS = [
    (lambda: Network([2]), "sizes"),
    (lambda: Network([2, 0, 1]), "sizes"),
    (lambda: Network([2, 2.5, 1]), "sizes"),
    (lambda: Network([2, 2, 1], activation="swish"), "activation"),
    (lambda: Network([2, 2, 1], output="relu"), "output"),
    (lambda: Network([2, 2, 1], output="softmax"), "softmax"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, loss="hinge"), "loss"),
    (lambda: train(XOR, TABLE_PARAMS, X[:, :1], Y), "X"),
    (lambda: train(XOR, TABLE_PARAMS, np.where(X == 1, np.nan, X), Y), "X"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, learning_rate=0), "learning_rate"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, learning_rate=float("inf")), "learning_rate"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, epochs=0), "epochs"),
    (lambda: Init("uniform", weight_range=(1, -1)), "weight_range"),
    (lambda: Init("uniform", bias_range=(0.5, 0.1)), "bias_range"),
    (lambda: Init("glorious"), "method: one of"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y * 2, loss="bce"), "Y"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, mode="stochastic"), "mode"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, optimizer="rmsprop"), "optimizer"),
    (lambda: train(XOR, [TABLE_PARAMS[0]], X, Y), "params"),
    (lambda: train(XOR, TABLE_PARAMS, X, Y, loss="softmax_ce"), "loss"),
]


@pytest.mark.parametrize("make,field", BAD_INPUTS)
def test_bad_input_names_the_field(make, field):
    with pytest.raises(ValueError, match=field):
        make()


def test_nine_numbers_refuse_non_finite_values_and_never_overflow():
    with pytest.raises(ValueError, match="w22"):
        Nine(0, 0, 0, 0, float("inf"), 0, 0, 0, 0)
    huge = Nine(800.0, 800.0, 0, -800.0, -800.0, 0, 1, 1, 0)
    assert huge.outputs() == pytest.approx(forward(XOR, huge.to_params(), X).ravel(), abs=1e-12)


@pytest.mark.parametrize("optimizer,lr", [("sgd", 2.0), ("momentum", 0.5), ("adam", 0.05)])
@pytest.mark.parametrize("l2", [0.0, 1e-4])
def test_every_optimizer_learns_xor(optimizer, lr, l2):
    run = train(XOR, TABLE_PARAMS, X, Y, loss="bce", learning_rate=lr, epochs=3000,
                optimizer=optimizer, l2=l2)
    assert run.loss[-1] < 0.1 * run.loss[0] and run.accuracy[-1] == 1.0


def test_adam_matches_its_textbook_update():
    """Two Adam steps by hand (bias-corrected moments) equal train()'s parameters."""
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    theta = [np.r_[W.ravel(), b] for W, b in TABLE_PARAMS]
    params = [(W.copy(), b.copy()) for W, b in TABLE_PARAMS]
    m = [np.zeros_like(t) for t in theta]
    v = [np.zeros_like(t) for t in theta]
    for t in (1, 2):
        _, grads = gradients(XOR, params, X, Y, "bce")
        for i, (dW, db) in enumerate(grads):
            g = np.r_[dW.ravel(), db]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            step = lr * (m[i] / (1 - b1**t)) / (np.sqrt(v[i] / (1 - b2**t)) + eps)
            theta[i] = theta[i] - step
            W, b = params[i]
            params[i] = (theta[i][: W.size].reshape(W.shape), theta[i][W.size:])
    run = train(XOR, TABLE_PARAMS, X, Y, loss="bce", learning_rate=lr, epochs=2,
                optimizer="adam")
    for (W, b), (W2, b2) in zip(run.params, params):
        np.testing.assert_allclose(W, W2, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, b2, rtol=0, atol=1e-12)
