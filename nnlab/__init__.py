"""nnlab: a small NumPy library for learning how a neural network trains.

    from nnlab import Network, Init, forward, gradients, train
    net = Network([2, 2, 1], activation="sigmoid", output="sigmoid")
    run = train(net, Init("uniform", seed=1), X, Y, loss="mse", learning_rate=2.0, epochs=4001)
"""

from . import datasets, diagnostics, gradcheck, runio
from . import nine
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, get_activation
from .init import METHODS as INIT_METHODS, Init, init_params
from .losses import LOSSES, PAIRINGS, get_loss
from .many import ManyRuns, SweepResult, sweep, train_many
from .network import (
    Backprop, Network, Params, Trace, accuracy, backprop, forward, forward_trace, gradients,
    loss_value, predicted_labels,
)
from .optim import OPTIMIZERS
from .run import Run
from .train import MODES, Training, train

__all__ = [
    "datasets", "diagnostics", "gradcheck", "nine", "runio",
    "ACTIVATIONS", "HIDDEN_ACTIVATIONS", "OUTPUT_ACTIVATIONS", "INIT_METHODS", "LOSSES", "MODES",
    "OPTIMIZERS", "PAIRINGS", "Backprop", "Init", "Network", "Params", "Run", "Trace", "Training",
    "accuracy", "backprop", "forward", "forward_trace", "get_activation", "get_loss",
    "gradients", "init_params", "loss_value", "predicted_labels", "train",
    "ManyRuns", "SweepResult", "sweep", "train_many",
]
