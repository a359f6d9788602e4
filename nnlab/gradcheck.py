"""Checking backpropagation against central finite differences.

For each parameter p, the slope of the loss is estimated as

    (L(p + eps) - L(p - eps)) / (2 eps)

whose error shrinks like eps^2, and compared with the analytic gradient one array (a
layer's W or b) at a time, by the relative error

    ||analytic - numeric|| / max(||analytic|| + ||numeric||, tiny)

In float64 a correct backward pass gives relative errors around 1e-9; a wrong formula gives
errors of 1e-2 and up. (Measuring whole arrays rather than single entries keeps an entry whose
gradient is almost exactly 0 from dominating the verdict.)
"""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from . import checks
from . import network as network_module
from .network import Network, Params, gradients, loss_value

TINY = 1e-12  # keeps the relative error defined where both gradients are ~0
EPS_VALUES = np.logspace(-12, -1, 23)  # step sizes for the error-against-eps curve

Backward = Callable[[Network, Params, np.ndarray, np.ndarray, str], tuple[float, Params]]


@dataclass(frozen=True)
class GradCheck:
    """Analytic and numeric gradients side by side, with the worst relative error per layer."""

    analytic: Params
    numeric: Params
    layer_errors: list[tuple[float, float]]  # (relative error of dW, of db) per layer
    tolerance: float

    @property
    def max_error(self) -> float:
        return max(max(pair) for pair in self.layer_errors)

    @property
    def passed(self) -> bool:
        return self.max_error < self.tolerance


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), TINY))


def _nudged_losses(network: Network, params: Params, X, Y, loss: str, array: np.ndarray,
                   index: tuple, eps: float) -> tuple[float, float]:
    """The loss with ``array[index]`` moved up and down by ``eps`` (restored afterwards)."""
    original = array[index]
    try:
        array[index] = original + eps
        plus = loss_value(network, params, X, Y, loss)
        array[index] = original - eps
        minus = loss_value(network, params, X, Y, loss)
    finally:
        array[index] = original
    return plus, minus


def numerical_gradients(network: Network, params: Params, X, Y, loss: str = "mse",
                        eps: float = 1e-5) -> Params:
    """Every parameter's slope by central differences (two forward passes each)."""
    eps = checks.positive(eps, "eps")
    loss_value(network, params, X, Y, loss)  # checks every argument once, before the loops
    params = network.check_params(params)
    result = []
    for layer, (W, b) in enumerate(params):
        grads = []
        for array in (W, b):
            grad = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                plus, minus = _nudged_losses(network, params, X, Y, loss, array, index, eps)
                grad[index] = (plus - minus) / (2 * eps)
            grads.append(grad)
        result.append(tuple(grads))
    return result


def check_gradients(network: Network, params: Params, X, Y, loss: str = "mse", *,
                    eps: float = 1e-5, tolerance: float = 1e-6,
                    backward: Backward = gradients) -> GradCheck:
    """Compare ``backward`` (default: nnlab's backpropagation) with finite differences."""
    eps, tolerance = checks.positive(eps, "eps"), checks.positive(tolerance, "tolerance")
    _check_backward(backward, "backward")
    _, analytic = backward(network, params, X, Y, loss)
    numeric = numerical_gradients(network, params, X, Y, loss, eps)
    errors = [(relative_error(dW, nW), relative_error(db, nb))
              for (dW, db), (nW, nb) in zip(analytic, numeric)]
    return GradCheck(analytic, numeric, errors, tolerance)


# The classic bug, as a one-line edit of the real ``network.backprop``: the slope of the layer
# below is evaluated at its activation a = f(z) instead of at z, i.e. f'(a) in place of f'(z).
# For a sigmoid that is sigma(a)(1 - sigma(a)) instead of a(1 - a): the code runs, the loss may
# even fall, and only a gradient check shows it. Built from backprop's own source, so the two
# differ in exactly that line (the gradient-check lesson shows them side by side).
CORRECT_LINE = "delta = fns[layer - 1].backprop(zs[layer - 1], acts[layer], delta @ W.T)"
BUGGY_LINE = ("delta = fns[layer - 1].backprop(acts[layer], fns[layer - 1](acts[layer]), "
              "delta @ W.T)  # the bug: f'(a)")


def _backprop_with_the_bug():
    text = textwrap.dedent(inspect.getsource(network_module.backprop))
    if text.count(CORRECT_LINE) != 1:  # backprop was rewritten: the bug must be re-stated
        raise RuntimeError("gradcheck: network.backprop no longer has the line the bug edits")
    text = text.replace(CORRECT_LINE, BUGGY_LINE)
    namespace = dict(vars(network_module))  # a copy: the real backprop stays as it is
    exec(compile(text, "<nnlab: backprop with the derivative bug>", "exec"), namespace)
    return namespace["backprop"], text


buggy_backprop, BUGGY_SOURCE = _backprop_with_the_bug()


def gradients_with_derivative_bug(network: Network, params: Params, X, Y,
                                  loss: str = "mse") -> tuple[float, Params]:
    """``gradients`` with the derivative bug (see ``BUGGY_LINE``), for the gradient-check lesson."""
    if not all(f.slope is not None for f in getattr(network, "activations", ())[:-1]):
        raise ValueError("network: the derivative bug is shown for element-wise activations only")
    result = buggy_backprop(network, params, X, Y, loss)
    return result.loss, result.grads


@dataclass(frozen=True)
class Probe:
    """One parameter's finite difference, every number of it."""

    name: str  # e.g. "W1[0, 1]"
    value: float
    eps: float
    loss_plus: float
    loss_minus: float
    numeric: float
    analytic: float

    @property
    def relative_error(self) -> float:
        return relative_error(self.analytic, self.numeric)


def probe(network: Network, params: Params, X, Y, loss: str = "mse", *, layer: int = 0,
          kind: str = "W", index: tuple[int, ...] = (0, 0), eps: float = 1e-5,
          backward: Backward = gradients) -> Probe:
    """Nudge one parameter (``kind`` "W" or "b" of 0-based ``layer``) both ways and compare."""
    eps = checks.positive(eps, "eps")
    _check_backward(backward, "backward")
    loss_value(network, params, X, Y, loss)  # checks the network, params, data and loss
    params = network.check_params(params)
    layer = checks.whole(layer, "layer", 0, network.n_layers - 1)
    checks.one_of(kind, "kind", ("W", "b"))
    array = params[layer][0 if kind == "W" else 1]
    if isinstance(index, (int, np.integer)):
        index = (index,)
    if isinstance(index, (str, bytes)) or not np.iterable(index):
        checks.fail("index", f"a tuple of whole numbers into {kind}{layer + 1}", index)
    index = tuple(index)[: array.ndim]
    if len(index) < array.ndim or any(
            not checks.is_number(i) or not isinstance(i, (int, np.integer)) or not 0 <= i < s
            for i, s in zip(index, array.shape)):
        checks.fail("index", f"a position inside {kind}{layer + 1} of shape {array.shape}", index)
    original = array[index]
    plus, minus = _nudged_losses(network, params, X, Y, loss, array, index, eps)
    analytic = backward(network, params, X, Y, loss)[1][layer][0 if kind == "W" else 1][index]
    label = f"{kind}{layer + 1}[{', '.join(str(i) for i in index)}]"
    return Probe(label, float(original), eps, plus, minus, (plus - minus) / (2 * eps),
                 float(analytic))


def error_vs_eps(network: Network, params: Params, X, Y, loss: str = "mse", *,
                 eps_values=EPS_VALUES, backward: Backward = gradients) -> np.ndarray:
    """The worst relative error of a gradient check for each step size in ``eps_values``.

    For a correct backward pass the curve is a V: large steps suffer truncation error
    (shrinking like eps^2), tiny steps suffer floating-point cancellation (growing like 1/eps).
    """
    return error_vs_eps_curves(network, params, X, Y, loss, eps_values=eps_values,
                               backwards={"": backward})[""]


def error_vs_eps_curves(network: Network, params: Params, X, Y, loss: str = "mse", *,
                        eps_values=EPS_VALUES,
                        backwards: Mapping[str, Backward]) -> dict[str, np.ndarray]:
    """``error_vs_eps`` for several backward passes (name -> function) against the same
    finite differences, which are the costly part: computed once per step size, not once
    per backward pass."""
    if isinstance(eps_values, (str, bytes)) or not np.iterable(eps_values):
        checks.fail("eps_values", "a list of step sizes > 0", eps_values)
    eps_values = [checks.positive(eps, "eps_values") for eps in eps_values]
    if not isinstance(backwards, Mapping):
        checks.fail("backwards", "a mapping from names to backward functions", backwards)
    for name, backward in backwards.items():
        _check_backward(backward, "backwards")
    analytic = {name: backward(network, params, X, Y, loss)[1]
                for name, backward in backwards.items()}
    curves = {name: np.empty(len(eps_values)) for name in backwards}
    for i, eps in enumerate(eps_values):
        numeric = numerical_gradients(network, params, X, Y, loss, float(eps))
        for name, grads in analytic.items():
            curves[name][i] = max(max(relative_error(dW, nW), relative_error(db, nb))
                                  for (dW, db), (nW, nb) in zip(grads, numeric))
    return curves


def _check_backward(backward, field: str) -> None:
    if not callable(backward):
        checks.fail(field, "a function like nnlab.gradients", backward)


def report_rows(check: GradCheck) -> list[dict]:
    """One row per layer and array: the relative error and a verdict, for a lesson's table."""
    rows = []
    for layer, errors in enumerate(check.layer_errors, start=1):
        for kind, error in zip(("W", "b"), errors):
            rows.append({"array": f"{kind}{layer}", "relative error": f"{error:.1e}",
                         "verdict": "agrees" if error < check.tolerance else "WRONG"})
    return rows
