"""train_many and sweep stay inside a memory budget: they chunk, or refuse with the limit.

Memory is measured with tracemalloc (which sees NumPy's buffers); no test asserts a time.
"""

import tracemalloc
import warnings

import numpy as np
import pytest

from nnlab import Init, Network, forward, sweep, train, train_many
from nnlab.many import LOOP_WORK, MEMORY_BUDGET
from nnlab.fast.batched import later_layer_work as _later_layer_work

MB = 2**20
RNG = np.random.default_rng(0)
X = RNG.normal(size=(200, 2))
Y = (X[:, :1] * X[:, 1:] > 0).astype(float)
DEEP = Network([2, 8, 8, 1], "tanh", "sigmoid")


def _peak(call):
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


FIELDS = ("final_loss", "theta", "converged_at", "solved", "diverged", "diverged_at", "loss")


def _same(a, b, exact=True):
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        if exact or x.dtype.kind != "f":
            assert x.tobytes() == y.tobytes(), name
        else:  # the BLAS may round a matrix product's last bit by the number of nets
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("network,engine,budget", [
    (DEEP, "batched", 4 * MB), (Network([2, 3, 1]), "batched", MB // 2),
    (DEEP, "loop", int(3.2 * MB))])
def test_a_call_over_the_budget_runs_in_chunks_with_equal_results(network, engine, budget):
    options = dict(seeds=np.arange(60), loss="bce", learning_rate=np.linspace(0.1, 3, 60),
                   epochs=150, threshold=0.3, engine=engine)
    whole = train_many(network, X, Y, **options)
    chunked, peak = _peak(lambda: train_many(network, X, Y, memory_budget=budget, **options))
    assert whole.settings["chunks"] == 1 and chunked.settings["chunks"] > 1
    assert peak <= budget, f"peak {peak / MB:.1f} MB over a budget of {budget / MB:.0f} MB"
    # Bit for bit, except the [d, h, 1] sigmoid kernel, whose matmul spans all nets at once.
    _same(whole, chunked, exact=network is DEEP)


def test_the_default_budget_bounds_the_call_that_needed_5_gib():
    # 10,000 nets of 2-16-16-1 on 500 points needed one 5 GiB array; here the same shape is
    # only planned (no training): the chunks it would use fit the budget.
    from nnlab.fast.batched import ManyKernel as _ManyKernel
    from nnlab.many import _Memory
    net = Network([2, 16, 16, 1], "tanh", "sigmoid")
    memory = _Memory(net, 500, np.float32, 4000, False, _ManyKernel, False)
    chunk = memory.chunk(10_000, MEMORY_BUDGET)
    assert 1 <= chunk < 10_000
    assert 10_000 * memory.result + chunk * memory.per_net <= MEMORY_BUDGET


def test_absurd_sizes_are_refused_with_the_limit():
    xor = Network([2, 2, 1])
    X4, Y4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1.]]), np.array([[0], [1], [1], [0.]])
    with pytest.raises(ValueError, match=r"^train_many: the results of 1,000,000 nets take "
                                         r".* GB; the memory budget is 512.0 MB and allows "
                                         r"at most [\d,]+ nets"):
        train_many(xor, X4, Y4, seeds=np.arange(1_000_000), epochs=4000)
    big = RNG.normal(size=(200_000, 2))
    with pytest.raises(ValueError, match=r"^train_many: one net of sizes \[2, 16, 16, 1\] on "
                                         r"200,000 samples needs .* MB of scratch; the memory "
                                         r"budget is 16.0 MB"):
        train_many(Network([2, 16, 16, 1], "tanh"), big, big[:, :1] > 0, seeds=[0],
                   epochs=1, memory_budget=16 * MB, engine="batched")
    with pytest.raises(ValueError, match="^engine: one of auto, batched, loop; got 'fast'"):
        train_many(xor, X4, Y4, seeds=[0], engine="fast")


def test_auto_picks_the_loop_for_wide_deep_nets_on_many_points():
    assert _later_layer_work(Network([2, 2, 1]), 4) < LOOP_WORK
    assert _later_layer_work(Network([2, 16, 16, 1]), 500) > LOOP_WORK
    wide = train_many(Network([2, 16, 16, 1], "tanh"), X, Y, seeds=[0, 1], epochs=5)
    small = train_many(Network([2, 3, 1], "tanh"), X[:20], Y[:20], seeds=[0, 1], epochs=5)
    assert wide.settings["engine"] == "loop" and small.settings["engine"] == "batched"


def test_the_loop_is_train_net_by_net_and_agrees_with_the_batched_kernel():
    options = dict(seeds=[3, 4, 5], loss="mse", learning_rate=[0.5, 2.0, 1e6], epochs=120,
                   threshold=0.2, dtype=np.float64, weight_range=(-1, 1))
    loop = train_many(DEEP, X, Y, engine="loop", **options)
    batched = train_many(DEEP, X, Y, engine="batched", **options)
    assert loop.diverged.tolist() == batched.diverged.tolist() == [False, False, True]
    assert loop.diverged_at.tolist() == batched.diverged_at.tolist()
    assert loop.converged_at.tolist() == batched.converged_at.tolist()
    assert loop.solved.tolist() == batched.solved.tolist()
    np.testing.assert_allclose(loop.loss, batched.loss, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(loop.theta[:, :2], batched.theta[:, :2], rtol=1e-9, atol=1e-12)
    for k, seed in enumerate(options["seeds"][:2]):
        run = train(DEEP, Init("uniform", seed, weight_range=(-1, 1)), X, Y, loss="mse",
                    learning_rate=options["learning_rate"][k], epochs=120)
        assert run.loss.tobytes() == loop.loss[:, k].tobytes()
        out = forward(DEEP, loop.params_of(k), X)
        assert loop.solved[k] == ((out > 0.5) == (Y > 0.5)).all()


def test_a_sweep_stays_inside_its_budget_and_gives_the_same_numbers():
    options = dict(learning_rates=[0.5, 2.0], weight_ranges=[0.5, 2.0], seeds=15, loss="bce",
                   epochs=100, threshold=0.3, chunk_size=60)
    whole = sweep(DEEP, X, Y, **options)
    small, peak = _peak(lambda: sweep(DEEP, X, Y, memory_budget=8 * MB, **options))
    assert peak <= 8 * MB, f"peak {peak / MB:.1f} MB"
    for name in ("converged_at", "final_loss", "solved", "diverged"):
        assert getattr(whole, name).tobytes() == getattr(small, name).tobytes(), name
    with pytest.raises(ValueError, match=r"^sweep: 10,000,000 runs take .* the memory budget "
                                         r"is 512.0 MB and allows at most [\d,]+ runs"):
        sweep(DEEP, X, Y, learning_rates=np.ones(1000), weight_ranges=np.ones(100),
              seeds=100)


@pytest.mark.parametrize("engine", ["batched", "loop"])
def test_starts_beyond_float32_diverge_quietly(engine):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runs = train_many(DEEP, X, Y, seeds=[0, 1], init=Init("normal", std=1e200), epochs=20,
                          learning_rate=1e30, engine=engine)
    assert runs.diverged.all()
