"""The record of a training run, and the rule that says a run blew up.

``Run`` is what ``train`` returns and ``Training.advance`` reports: the loss and accuracy of
every epoch trained, the parameters at the start and the end, and how the run ended.

Divergence, one rule for every engine and for ``train_many``: a run has blown up at the first
epoch whose loss is NaN or above ``LOSS_EXPLODE_FACTOR`` x (first loss + 1), or whose
parameters' norm has grown beyond ``PARAM_EXPLODE_FACTOR`` x max(1, initial norm). The epoch
that blew up is not in ``run.loss``; the run keeps the last finite parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .network import Network, Params

# Divergence: a loss this many times above the first epoch's, or parameters whose norm grew
# this many times beyond max(1, their initial norm), counts as exploding.
LOSS_EXPLODE_FACTOR = 1e6
PARAM_EXPLODE_FACTOR = 1e3
# Overshoot: a loss above this many times its first epoch's, in a run that converges at no
# epoch, is divergence too (a step overshot; nnlab.verdicts applies the rule).
OVERSHOOT_FACTOR = 2.0


@dataclass(frozen=True, eq=False)
class Run:
    """The record of one training run (arrays are per epoch actually trained)."""

    network: Network
    loss_name: str
    loss: np.ndarray
    accuracy: np.ndarray
    params: Params  # final parameters (the last finite ones if the run diverged)
    initial_params: Params
    settings: dict
    test_loss: np.ndarray | None = None
    test_accuracy: np.ndarray | None = None
    snapshots: dict[int, Params] = field(default_factory=dict)  # epoch -> params before it
    outputs: np.ndarray | None = None  # (epochs, n, k) training outputs, for small problems
    grad_norms: np.ndarray | None = None  # (epochs, layers) norm of dL/dW per layer
    converged_at: int | None = None  # first epoch whose loss is below the threshold
    diverged_at: int | None = None  # first epoch that blew up (it is not in loss)
    stopped: str = "epochs"  # "epochs", "threshold" or "diverged"
    attempts: tuple["Run", ...] = ()  # every attempt when retries were allowed (this one last)
    engine: str = "numpy"  # "reference", "tiny" (plain-Python program) or "numpy": same numbers

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def converged(self) -> bool:
        return self.converged_at is not None

    @property
    def verdict(self):
        """Converged, diverged (blew up, or overshot) or not, by the rules every lesson and
        ``train_many`` use (``nnlab.verdicts``)."""
        from .verdicts import of_run  # verdicts reads runs; a run only asks it
        return of_run(self)

    def params_at(self, epoch: int) -> Params:
        """Parameters at the start of ``epoch`` from the nearest stored snapshot at or before it."""
        stored = [e for e in self.snapshots if e <= epoch]
        if not stored:
            raise ValueError(f"epoch: no snapshot at or before {epoch}; stored: {sorted(self.snapshots)}")
        return self.snapshots[max(stored)]
