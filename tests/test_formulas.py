"""The registry of formulas: every value next to its derivative, and the two agree."""

import numpy as np
import pytest

from nnlab.activations import ACTIVATIONS, get_activation
from nnlab.losses import LOSSES, PAIRINGS, get_loss

Z = np.array([[-3.0, -0.7, 0.4, 2.5], [1.3, -1.1, 0.2, -0.05]])


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.slope is not None])
def test_every_derivative_is_the_slope_of_its_value(name):
    f, eps = ACTIVATIONS[name], 1e-6
    numeric = (f(Z + eps) - f(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(f.derivative(Z), numeric, rtol=0, atol=1e-8)


def test_softmax_backprop_is_its_jacobian_times_g():
    f, eps = ACTIVATIONS["softmax"], 1e-6
    g = np.array([[0.3, -1.2, 0.5, 2.0], [1.0, 0.0, -0.4, 0.7]])
    numeric = np.array([[(g[r] @ (f(Z[r] + eps * e) - f(Z[r] - eps * e))) / (2 * eps)
                         for e in np.eye(4)] for r in range(2)])
    np.testing.assert_allclose(f.backprop(Z, f(Z), g), numeric, rtol=0, atol=1e-8)
    with pytest.raises(ValueError, match="activation"):
        f.derivative(Z)


def _outputs(output, rng):
    z = rng.normal(size=(5, 3))
    a = ACTIVATIONS[output](z)
    y = np.eye(3)[rng.integers(0, 3, 5)] if output != "identity" else rng.normal(size=(5, 3))
    return z, a, y


@pytest.mark.parametrize("output,loss", [(o, l) for o, ls in PAIRINGS.items() for l in ls])
def test_every_loss_delta_is_the_slope_of_its_value_in_z(output, loss):
    rng = np.random.default_rng(len(output) + len(loss))
    f, fn = ACTIVATIONS[output], LOSSES[loss]
    z, a, y = _outputs(output, rng)
    eps, numeric = 1e-6, np.zeros_like(z)
    for i in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[i] = eps
        up, down = z + step, z - step
        numeric[i] = (fn.value(up, f(up), y) - fn.value(down, f(down), y)) / (2 * eps)
    np.testing.assert_allclose(fn.delta(z, a, y, f), numeric, rtol=0, atol=1e-8)
    if fn.fused_output is None:  # the fast kernels' form: grad_factor (a - y) through f'
        np.testing.assert_allclose(fn.delta(z, a, y, f),
                                   f.backprop(z, a, fn.grad_factor * (a - y)) / len(a),
                                   rtol=0, atol=1e-15)


def test_lookups_name_the_field_and_list_what_is_allowed():
    with pytest.raises(ValueError, match="output: one of sigmoid, identity, softmax"):
        get_loss("mse", "relu")
    with pytest.raises(ValueError, match="loss: a sigmoid output allows bce, mse, half_mse"):
        get_loss("softmax_ce", "sigmoid")
    with pytest.raises(ValueError, match="loss: one of"):
        get_loss("hinge")
    with pytest.raises(ValueError, match="activation: one of"):
        get_activation("swish")
    with pytest.raises(ValueError, match="loss: bce needs a sigmoid output"):
        LOSSES["bce"].delta(Z, Z, Z, ACTIVATIONS["identity"])


# The fast kernels keep tuned copies of a few formulas; each copy is held to the registry here,
# formula by formula (the kernels as a whole are held to network.backprop in test_engine.py).

ZS = np.array([[-40.0, -3.0, -0.7, -1e-9, 0.0], [1e-9, 0.4, 2.5, 40.0, 800.0]])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"])
def test_the_numpy_kernels_in_place_forms_are_the_registry(name):
    from nnlab.fast.formulas import backprop_call as _backprop_call, forward_call as _forward_call
    f = ACTIVATIONS[name]
    z = ZS.T.copy()  # the kernels hold samples as columns; softmax runs down them
    a, d, s = np.empty_like(z), np.linspace(-1, 1, z.size).reshape(z.shape), np.empty_like(z)
    _forward_call(f, z, a)()
    expected_a = f(z.T).T if name == "softmax" else f(z)
    np.testing.assert_allclose(a, expected_a, rtol=0, atol=1e-15)
    expected_d = (f.backprop(z.T, a.T, d.T).T if name == "softmax" else f.backprop(z, a, d))
    _backprop_call(f, z, a, d, s)()
    np.testing.assert_allclose(d, expected_d, rtol=0, atol=1e-15)


def test_the_tiny_programs_python_formulas_are_the_registry():
    import math

    from nnlab.fast.formulas import PY_ACTIVATION as _PY_ACTIVATION, PY_LOSS as _PY_LOSS
    scope = {"tanh": math.tanh, "exp": math.exp, "log1p": math.log1p}
    for name, (value, slope) in _PY_ACTIVATION.items():
        f = ACTIVATIONS[name]
        for z in map(float, ZS.ravel()):
            a = eval(value.format(z=repr(z)), scope)
            assert a == pytest.approx(float(f(np.array(z))), abs=1e-15), name
            if slope is not None:
                s = float(eval(slope.format(z=repr(z), a=repr(a)), scope))
                assert s == pytest.approx(float(f.derivative(np.array(z))), abs=1e-15), name
    for name, (value, factor) in _PY_LOSS.items():
        loss = LOSSES[name]
        assert factor == loss.grad_factor, name
        for z in map(float, ZS.ravel()[:-1]):  # 800 would overflow the squared errors: not a formula test
            y = 1.0
            a = float(ACTIVATIONS["sigmoid"](np.array(z)))
            got = eval(value.format(e=repr(a - y), z=repr(z), y=repr(y)), scope)
            want = loss.fn(np.array([[z]]), np.array([[a]]), np.array([[y]]))[0]
            assert got == pytest.approx(want, rel=1e-12, abs=1e-15), name
