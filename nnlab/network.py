"""A fully connected network: its shape, forward pass and backpropagation.

Symbols, used the same way in every lesson:

    x        inputs, shape (n, d): rows are samples
    W, b     a layer's weights (fan_in, fan_out) and biases (fan_out,)
    z        pre-activation   z = a_prev @ W + b
    a        activation       a = f(z)          (a_0 = x, a_L = the output y_hat)
    delta    dL/dz, the error term of a layer
    m        a dropout mask for a hidden layer, shape (n, fan_out): 0 for a dropped unit,
             1/(1 - p) for a kept one, so the next layer sees a * m (inverted dropout)

``params`` is a plain list of ``(W, b)`` pairs, one per layer, so it can be printed,
edited by hand (the nine numbers of the XOR lessons) and saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np

from . import checks
from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation, get_activation
from .losses import Loss, get_loss

Params = list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Network:
    """The shape of a network: layer sizes, hidden activation(s) and output activation.

    ``Network([2, 2, 1])`` is the 2-2-1 XOR net. ``activation`` is one name for every hidden
    layer or a sequence with one name per hidden layer.
    """

    sizes: tuple[int, ...]
    activation: str | tuple[str, ...] = "sigmoid"
    output: str = "sigmoid"

    def __post_init__(self):
        sizes = _check_sizes(self.sizes)
        object.__setattr__(self, "sizes", sizes)
        if isinstance(self.activation, str):
            get_activation(self.activation, "activation", HIDDEN_ACTIVATIONS)
        else:
            names = tuple(self.activation)
            if len(names) != len(sizes) - 2:
                raise ValueError(
                    f"activation: give one name for all hidden layers or exactly "
                    f"{len(sizes) - 2} (one per hidden layer); got {len(names)}"
                )
            for name in names:
                get_activation(name, "activation", HIDDEN_ACTIVATIONS)
            object.__setattr__(self, "activation", names)
        output = get_activation(self.output, "output", OUTPUT_ACTIVATIONS)
        if sizes[-1] < output.min_units:
            checks.fail("output", f"{self.output} with at least {output.min_units} output units "
                        "(sigmoid for one)", self.output, shown=f"{sizes[-1]} unit(s)")

    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    @property
    def n_layers(self) -> int:
        """Layers with weights (hidden layers plus the output layer)."""
        return len(self.sizes) - 1

    @property
    def activations(self) -> tuple[Activation, ...]:
        """The activation object of every weighted layer, output layer last."""
        hidden = self.activation
        if isinstance(hidden, str):
            hidden = (hidden,) * (self.n_layers - 1)
        return tuple(get_activation(h) for h in hidden) + (get_activation(self.output),)

    @property
    def n_params(self) -> int:
        return sum((i + 1) * o for i, o in zip(self.sizes[:-1], self.sizes[1:]))

    def check_params(self, params) -> Params:
        """Validate a list of (W, b) pairs against the layer sizes; return float copies."""
        pairs = f"a list of {self.n_layers} (W, b) pairs, one per layer"
        if isinstance(params, (str, bytes, np.ndarray)) or not np.iterable(params):
            checks.fail("params", pairs, params)
        params = list(params)
        if len(params) != self.n_layers:
            checks.fail("params", pairs, params, shown=f"{len(params)} pairs")
        checked = []
        for layer, (pair, fan_in, fan_out) in enumerate(
            zip(params, self.sizes[:-1], self.sizes[1:]), start=1
        ):
            shapes = f"layer {layer}: W of shape ({fan_in}, {fan_out}) and b of shape ({fan_out},)"
            if isinstance(pair, (str, bytes)) or not np.iterable(pair) or len(pair) != 2:
                checks.fail("params", shapes, pair)
            W = checks.float_array(pair[0], f"params (layer {layer} W)")
            b = checks.float_array(pair[1], f"params (layer {layer} b)").reshape(-1)
            if W.shape != (fan_in, fan_out) or b.shape != (fan_out,):
                checks.fail("params", shapes, W, shown=f"{W.shape} and {b.shape}")
            checked.append((W.copy(), b.copy()))
        return checked

    def check_inputs(self, X, field: str = "X") -> np.ndarray:
        """Inputs as a float (n, d) array whose width matches the network."""
        X = checks.float_array(X, field)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            checks.fail(field, f"rows of {self.n_inputs} input columns", X,
                        shown=f"data of shape {X.shape}")
        return X

    def check_targets(self, Y, n: int, loss: str, field: str = "Y") -> np.ndarray:
        """Targets as a float (n, k) array that suits the output and the loss."""
        Y = checks.float_array(Y, field)
        if Y.ndim == 1 and self.n_outputs == 1:
            Y = Y.reshape(-1, 1)
        if Y.shape != (n, self.n_outputs):
            checks.fail(field, f"targets of shape ({n}, {self.n_outputs})", Y,
                        shown=f"shape {Y.shape}")
        # The fused losses' output error a - y is their gradient only for targets like these.
        if get_loss(loss).fused_output and ((Y < 0).any() or (Y > 1).any()):
            checks.fail(field, f"{loss} targets in [0, 1]", Y, shown="values outside [0, 1]")
        if get_loss(loss).targets_sum_to_one and not np.allclose(Y.sum(axis=1), 1.0):
            checks.fail(field, f"{loss} target rows that sum to 1 (one distribution per sample)",
                        Y, shown="a row whose sum is not 1")
        return Y


def _check_sizes(sizes) -> tuple[int, ...]:
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise ValueError(f"sizes must be a list of layer sizes like [2, 2, 1]; got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(
            f"sizes needs at least two layer sizes (inputs and outputs), got {list(sizes)}"
        )
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"sizes: every layer size must be a whole number >= 1; got {s!r}")
    return tuple(int(s) for s in sizes)


class Trace(NamedTuple):
    """Everything a forward pass computed: ``zs[l]`` and ``activations[l + 1]`` per layer."""

    zs: list[np.ndarray]
    activations: list[np.ndarray]  # activations[0] is the input x

    @property
    def output(self) -> np.ndarray:
        return self.activations[-1]


class Backprop(NamedTuple):
    """A forward and backward pass, layer by layer, for lessons that show every number."""

    loss: float
    zs: list[np.ndarray]
    activations: list[np.ndarray]
    deltas: list[np.ndarray]  # dL/dz per layer
    grads: Params  # (dL/dW, dL/db) per layer


def forward_trace(network: Network, params: Params, X, masks=None) -> Trace:
    """Run the network on X, keeping every pre-activation and activation.

    With dropout ``masks`` (see ``dropout_masks``) each hidden layer passes ``a * m`` on to
    the next; the trace keeps ``a`` itself, the value f(z) that backprop needs for f'.
    """
    if not isinstance(network, Network):
        checks.fail("network", "a Network", network)
    params = network.check_params(params)
    a = network.check_inputs(X)  # (n, inputs): one sample per row
    masks = check_masks(network, masks, len(a))
    zs, acts = [], [a]
    with _quiet_overflow():
        for layer, ((W, b), f) in enumerate(zip(params, network.activations)):
            # W (fan_in, fan_out), b (fan_out,); the layer below's output, dropped if asked
            seen = a if masks is None or layer == 0 else a * masks[layer - 1]
            z = seen @ W + b  # (n, fan_out) = (n, fan_in) @ (fan_in, fan_out) + (fan_out,)
            a = f(z)  # (n, fan_out), element by element (softmax: row by row)
            zs.append(z)
            acts.append(a)
    return Trace(zs, acts)


def dropout_masks(network: Network, n: int, dropout: float, rng: np.random.Generator):
    """One inverted-dropout mask per hidden layer for ``n`` samples, or None for dropout=0.

    Each unit of each sample is dropped with probability ``dropout`` (mask 0) and otherwise
    kept and scaled by 1/(1 - dropout), so a unit's expected output is unchanged and the
    network needs no rescaling when dropout is off at evaluation. Drawn from ``rng`` only,
    layer after layer: the same generator state gives the same masks.
    """
    dropout = check_dropout(dropout)
    n = checks.whole(n, "n", 0)
    if not isinstance(rng, np.random.Generator):
        checks.fail("rng", "a numpy Generator (np.random.default_rng(seed))", rng)
    if dropout == 0:
        return None
    keep = 1.0 - dropout
    return [(rng.random((n, size)) >= dropout) / keep for size in network.sizes[1:-1]]


def check_dropout(dropout) -> float:
    """The dropout probability: a number from 0 (off) up to, not including, 1."""
    return checks.number(dropout, "dropout", low=0.0, high=1.0, high_open=True)


def check_masks(network: Network, masks, n: int):
    """None, or one (n, units) float array per hidden layer."""
    if masks is None:
        return None
    hidden = network.sizes[1:-1]
    wanted = f"None or {len(hidden)} arrays (one per hidden layer) of shapes " + ", ".join(
        f"({n}, {size})" for size in hidden)
    if isinstance(masks, (str, bytes, np.ndarray)) or not np.iterable(masks):
        checks.fail("masks", wanted, masks)
    masks = [checks.float_array(m, "masks") for m in masks]
    if len(masks) != len(hidden) or any(m.shape != (n, size) for m, size in zip(masks, hidden)):
        checks.fail("masks", wanted, masks, shown=str([m.shape for m in masks]))
    return masks


def _quiet_overflow():
    """Huge but finite numbers (1e200 weights) overflow to inf and NaN without a warning: the
    numbers themselves say it, and training reports such a run as diverged."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


def forward(network: Network, params: Params, X) -> np.ndarray:
    """The network's outputs for X, shape (n, outputs)."""
    return forward_trace(network, params, X).output


def backprop(network: Network, params: Params, X, Y, loss: str = "mse", masks=None) -> Backprop:
    """Forward pass, loss, and every layer's delta and gradients.

    ``masks``: dropout masks for the hidden layers (``dropout_masks``), held fixed for this
    pass; None means no dropout.
    """
    loss_fn = _loss_for(network, loss)
    params = network.check_params(params)
    trace = forward_trace(network, params, X, masks)
    Y = _targets(network, trace, Y, loss)
    zs, acts = trace
    masks = check_masks(network, masks, len(acts[0]))
    fns = network.activations
    # What each layer was fed: its input x, then every hidden output after its dropout mask.
    seen = acts if masks is None else [acts[0]] + [a * m for a, m in zip(acts[1:-1], masks)]
    with _quiet_overflow():
        delta = loss_fn.delta(zs[-1], acts[-1], Y, fns[-1])  # dL/dz of the output, (n, outputs)
        deltas, grads = [delta], []
        for layer in range(network.n_layers - 1, -1, -1):
            W = params[layer][0]  # (fan_in, fan_out); delta is (n, fan_out)
            # dL/dW (fan_in, fan_out) = (fan_in, n) @ (n, fan_out); dL/db sums over samples
            grads.append((seen[layer].T @ delta, delta.sum(axis=0)))
            if layer:  # back through the weights (n, fan_in), then through f' of the layer below
                delta = fns[layer - 1].backprop(zs[layer - 1], acts[layer], delta @ W.T)
                if masks is not None:  # a dropped unit passes nothing back; f' is element-wise
                    delta = delta * masks[layer - 1]
                deltas.append(delta)
        value = loss_fn.value(zs[-1], acts[-1], Y)
    return Backprop(value, zs, acts, deltas[::-1], grads[::-1])


def gradients(network: Network, params: Params, X, Y, loss: str = "mse"):
    """``(loss_value, [(dW, db), ...])`` for the mean loss over the samples of X."""
    result = backprop(network, params, X, Y, loss)
    return result.loss, result.grads


def loss_value(network: Network, params: Params, X, Y, loss: str = "mse", masks=None) -> float:
    """The mean loss of the network on (X, Y) (with fixed dropout ``masks``, if given)."""
    loss_fn = _loss_for(network, loss)
    trace = forward_trace(network, params, X, masks)
    Y = _targets(network, trace, Y, loss)
    with _quiet_overflow():
        return loss_fn.value(trace.zs[-1], trace.output, Y)


def _loss_for(network, loss: str) -> Loss:
    if not isinstance(network, Network):
        checks.fail("network", "a Network", network)
    return get_loss(loss, network.output)


def _targets(network, trace: Trace, Y, loss: str) -> np.ndarray:
    """Targets for the traced samples; a loss is a mean, so it needs at least one sample."""
    if len(trace.output) == 0:
        checks.fail("X", "at least one row (a loss is a mean over samples)", trace.activations[0],
                    shown="no rows")
    return network.check_targets(Y, len(trace.output), loss)


def loss_and_accuracy(network: Network, params: Params, X, Y, loss: str = "mse"):
    """``(mean loss, accuracy)`` of the network on (X, Y), from one forward pass."""
    loss_fn = _loss_for(network, loss)
    trace = forward_trace(network, params, X)
    Y = _targets(network, trace, Y, loss)
    with _quiet_overflow():
        return loss_fn.value(trace.zs[-1], trace.output, Y), accuracy(trace.output, Y)


def predicted_labels(outputs: np.ndarray) -> np.ndarray:
    """Class ids: the correct side of 0.5 for one output, the argmax for several."""
    # Any numbers (a diverged epoch's outputs too): NaN is never above 0.5 nor an argmax winner.
    outputs = checks.float_array(outputs, "outputs", finite=False)
    if outputs.ndim == 0 or outputs.shape[-1] == 0:
        checks.fail("outputs", "an array whose last axis holds one or more outputs", outputs)
    if outputs.shape[-1] == 1:
        return (outputs[..., 0] > 0.5).astype(np.int64)
    return outputs.argmax(axis=-1)


def accuracy(outputs: np.ndarray, Y: np.ndarray) -> float:
    """Fraction of samples whose predicted class matches the target's class (NaN for none)."""
    predicted, wanted = predicted_labels(outputs), predicted_labels(Y)
    if predicted.shape != wanted.shape:
        checks.fail("Y", f"targets for {predicted.shape} samples like the outputs", Y,
                    shown=f"targets for {wanted.shape}")
    if predicted.size == 0:
        return float("nan")
    return float(np.mean(predicted == wanted))


def layer_shapes(sizes: Sequence[int]) -> list[tuple[int, int]]:
    """Weight shapes (fan_in, fan_out) of every layer."""
    return list(zip(sizes[:-1], sizes[1:]))
