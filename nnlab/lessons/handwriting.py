"""Lesson 08, real handwriting: the 8x8 digits, a 64-32-10 softmax network, and its checks.

Everything the notebook shows is computed here: the data (pixels / 16), the training run
streamed a few epochs at a time, the curves, the confusion matrix, the mistakes, the first
layer's weights as pictures, the overfitting comparison (no help, L2, dropout) and the
weights the draw-a-digit pad runs in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, NamedTuple

import numpy as np

from .. import checks, datasets
from ..init import Init
from ..network import Network, forward
from ..run import Run
from ..train import Training
from ..view import digit_pad, digits, live
from ..view.quiz import Question

HIDDEN_UNIT = "relu"
OUTPUT_UNIT = "softmax"
LOSS = "softmax_ce"
TEST_FRACTION = 0.25  # 1,347 images to learn from, 450 to test on
CHUNK_EPOCHS = 5  # epochs per picture sent to the page while training
MAX_HIDDEN = 128
MAX_EPOCHS = 200
MISTAKES_SHOWN = 24
# The overfitting story: few training images, a wide layer, many epochs.
# (Measured at seed 0: without help the test loss is lowest near epoch 20 and then climbs;
# L2 0.01 keeps it nearly flat, dropout 0.7 ends with the lowest test loss of the three.)
OVERFIT = dict(test_fraction=0.9, hidden=128, epochs=150, learning_rate=0.01, batch_size=32)
OVERFIT_L2 = 0.01
OVERFIT_DROPOUT = 0.7


class Split(NamedTuple):
    """Inputs scaled to 0..1, one-hot targets and labels, for training and for testing."""

    X: np.ndarray
    Y: np.ndarray
    labels: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    labels_test: np.ndarray


@lru_cache(maxsize=4)
def data(test_fraction: float = TEST_FRACTION, seed: int = 0) -> Split:
    """The digits split by digit (``datasets.digits``), pixels divided by 16."""
    train, test = datasets.digits(test_fraction=test_fraction, seed=seed)
    return Split(train.X / digit_pad.SCALE, train.one_hot(), train.labels,
                 test.X / digit_pad.SCALE, test.one_hot(), test.labels)


@dataclass(frozen=True)
class Settings:
    """The lesson's controls. ``hidden=0`` is the baseline: pixels straight to the softmax."""

    hidden: int = 32
    epochs: int = 40
    learning_rate: float = 0.003
    batch_size: int = 32
    l2: float = 0.0
    dropout: float = 0.0
    seed: int = 0

    def __post_init__(self):
        checks.whole(self.hidden, "hidden", 0, MAX_HIDDEN)
        checks.whole(self.epochs, "epochs", 1, MAX_EPOCHS)
        checks.number(self.learning_rate, "learning_rate", low=0, high=1, low_open=True)
        checks.whole(self.batch_size, "batch_size", 1, 2048)
        checks.number(self.l2, "l2", low=0, high=1)
        checks.number(self.dropout, "dropout", low=0, high=0.9)
        checks.seed(self.seed)
        if self.dropout and not self.hidden:
            checks.fail("dropout", "0 for the network without a hidden layer (dropout drops "
                        "hidden units)", self.dropout)

    @property
    def network(self) -> Network:
        sizes = [64, self.hidden, 10] if self.hidden else [64, 10]
        return Network(sizes, HIDDEN_UNIT, OUTPUT_UNIT)


def training(settings: Settings, split: Split) -> Training:
    """The run at epoch 0: mini-batches of ``batch_size`` and Adam, He-initialised weights."""
    return Training(settings.network, Init("he", settings.seed), split.X, split.Y, loss=LOSS,
                    learning_rate=settings.learning_rate, epochs=settings.epochs,
                    mode="minibatch", batch_size=settings.batch_size,
                    shuffle_seed=settings.seed, optimizer="adam", l2=settings.l2,
                    dropout=settings.dropout, dropout_seed=settings.seed,
                    X_test=split.X_test, Y_test=split.Y_test)


def train_in_chunks(settings: Settings, split: Split) -> Iterator[Run]:
    """The run so far after every ``CHUNK_EPOCHS`` epochs (the page redraws each time)."""
    run = training(settings, split)
    while not run.done:
        yield run.advance(CHUNK_EPOCHS)


def train_digits(settings: Settings = Settings(), split: Split | None = None) -> Run:
    """The whole run at once (what the chunks add up to, bit for bit)."""
    split = data() if split is None else split
    return training(settings, split).advance(settings.epochs)


def predictions(run: Run, X) -> np.ndarray:
    """The ten probabilities per image, dropout off (as always when evaluating)."""
    return forward(run.network, run.params, X)


def test_accuracy(run: Run, split: Split) -> float:
    return float(np.mean(predictions(run, split.X_test).argmax(axis=1) == split.labels_test))


def confusion(run: Run, split: Split) -> np.ndarray:
    """counts[true, said] over the test images."""
    said = predictions(run, split.X_test).argmax(axis=1)
    counts = np.zeros((10, 10), dtype=np.int64)
    np.add.at(counts, (split.labels_test, said), 1)
    return counts


def mistakes(run: Run, split: Split, limit: int = MISTAKES_SHOWN):
    """The misclassified test images: (row, true digit, said digit, its probability)."""
    p = predictions(run, split.X_test)
    said = p.argmax(axis=1)
    rows = np.flatnonzero(said != split.labels_test)[:limit]
    return [(int(r), int(split.labels_test[r]), int(said[r]), float(p[r, said[r]])) for r in rows]


# ---- what the page shows ----------------------------------------------------------------

def curves_frame(run: Run, split: Split) -> dict:
    """The live view while training: loss and accuracy, train (solid) and test (dashed)."""
    return live.frame(
        live.curves_panel("loss", run, "loss", title="Cross-entropy loss", y_title="loss",
                          log=True),
        live.curves_panel("accuracy", run, "accuracy", title="Accuracy", y_title="accuracy",
                          percent=True),
        epoch=run.epochs - 1, columns=[["loss"], ["accuracy"]])


def result_frame(run: Run, split: Split) -> dict:
    """The trained network: what it gets wrong, and what its first layer looks for."""
    found = mistakes(run, split)
    panels = [
        digits.confusion_panel("confusion", confusion(run, split),
                               title="Test images: true digit (rows) against the answer"),
        digits.gallery_panel(
            "mistakes", [digits.ink_rgb(split.X_test[r] * digit_pad.SCALE) for r, *_ in found],
            [f"{t} said {s} ({p:.0%})" for _, t, s, p in found],
            title=f"Misclassified test digits (first {len(found)}): true, then the answer"),
        weights_panel(run),
    ]
    return live.frame(*panels, columns=[["confusion"], ["mistakes"]])


def weights_panel(run: Run) -> dict:
    W = run.params[0][0]  # (64, units): one 8x8 picture per unit of the first layer
    first = "hidden unit" if run.network.n_layers > 1 else "digit"
    return digits.gallery_panel(
        "weights", [digits.weight_rgb(W[:, j]) for j in range(W.shape[1])],
        [f"{first} {j}" for j in range(W.shape[1])],
        title="First-layer weights (red: ink here pushes the unit up; blue: pushes it down)")


def summary(run: Run, split: Split) -> str:
    acc = test_accuracy(run, split)
    wrong = int(round((1 - acc) * len(split.labels_test)))
    return (f"After {run.epochs} epochs: **{acc:.1%}** of the {len(split.labels_test)} "
            f"test digits right ({wrong} wrong); training accuracy on the last epoch's batches "
            f"{run.accuracy[-1]:.1%}.")


@lru_cache(maxsize=1)
def overfit_runs() -> dict[str, Run]:
    """Few images, a wide layer, long training: without help, with L2, with dropout."""
    o = OVERFIT
    split = data(o["test_fraction"], 0)
    base = dict(hidden=o["hidden"], epochs=o["epochs"], learning_rate=o["learning_rate"],
                batch_size=o["batch_size"])
    return {
        "no help": train_digits(Settings(**base), split),
        f"L2 {OVERFIT_L2:g}": train_digits(Settings(**base, l2=OVERFIT_L2), split),
        f"dropout {OVERFIT_DROPOUT:g}": train_digits(Settings(**base, dropout=OVERFIT_DROPOUT),
                                                     split),
    }


def overfit_frame(runs: dict[str, Run]) -> dict:
    return live.frame(
        live.curves_panel("overfit_loss", runs, "loss", log=True, y_title="loss",
                          title="Loss: train solid, test dashed"),
        live.curves_panel("overfit_acc", runs, "accuracy", percent=True, y_title="accuracy",
                          title="Accuracy: train solid, test dashed"),
        columns=[["overfit_loss"], ["overfit_acc"]])


def overfit_rows(runs: dict[str, Run]) -> list[dict]:
    split = data(OVERFIT["test_fraction"], 0)
    rows = []
    for label, run in runs.items():
        best = int(np.argmin(run.test_loss))
        rows.append({"training": label, "train images": len(split.labels),
                     "lowest test loss": round(float(run.test_loss[best]), 3),
                     "at epoch": best,
                     "final test loss": round(float(run.test_loss[-1]), 3),
                     "final test accuracy": f"{test_accuracy(run, split):.1%}"})
    return rows


def overfit_verdict(runs: dict[str, Run]) -> str:
    """What the three runs' numbers say, in words written from those numbers."""
    (plain_label, plain), (l2_label, l2), (drop_label, drop) = runs.items()
    best = int(np.argmin(plain.test_loss))

    def climb(run):
        return float(run.test_loss[-1] - run.test_loss.min())

    lowest = min(runs, key=lambda label: runs[label].test_loss[-1])
    return (f"Without help the test loss is lowest at epoch {best} "
            f"({plain.test_loss[best]:.3f}) and climbs {climb(plain):.3f} by the end, while "
            f"training accuracy is {plain.accuracy[-1]:.0%}. With {l2_label} it climbs only "
            f"{climb(l2):.3f}"
            + (", from a higher floor (the penalty also holds the fit back)"
               if l2.test_loss.min() > plain.test_loss.min() else "")
            + f"; with "
            f"{drop_label} it climbs {climb(drop):.3f}. Lowest final test loss: **{lowest}**. "
            "On so few images neither cure buys much accuracy: what they change is how "
            "confidently wrong the network is allowed to get.")


def pad_layers(run: Run) -> list[dict]:
    """The trained weights, for the draw-a-digit pad's forward pass in the page."""
    return digit_pad.layers_for(run.network, run.params)


def pad_probabilities(run: Run, pixels) -> np.ndarray | None:
    """The network's ten probabilities for a drawing sent back by the pad (counts 0..16)."""
    values = checks.float_array(pixels, "pixels").ravel()
    if values.shape != (64,) or (values < 0).any() or (values > 16).any():
        checks.fail("pixels", "64 counts from 0 to 16", values)
    if not values.any():
        return None
    return predictions(run, values[None, :] / digit_pad.SCALE)[0]


QUESTIONS = (
    Question("The network without a hidden layer gives each digit one 8x8 picture of weights. "
             "What does its score for a digit measure?",
             ("how much the drawing's ink overlaps that digit's picture, red counting for and "
              "blue against", "how many strokes the digit has", "the distance between the "
              "drawing and the average image"),
             0, "Its score is one weighted sum of the 64 pixels: ink on a red pixel adds, ink "
             "on a blue pixel subtracts. It is a template match, which is why it cannot tell "
             "apart digits whose ink overlaps in ways a single template cannot separate."),
    Question("Training accuracy reaches 100 % while test loss starts rising. What is happening?",
             ("the network is memorising the training images and its confidence on the test "
              "images it gets wrong keeps growing", "the learning rate is too small",
              "the test set is mislabelled"),
             0, "Overfitting: the training loss can still fall by making the training answers "
             "ever more confident; on test images that costs more on each mistake than it "
             "gains. L2 and dropout both make that memorising harder."),
    Question("Why is dropout switched off when the test accuracy is measured?",
             ("the test should measure the whole trained network; inverted dropout already "
              "scaled the kept units so no correction is needed",
              "dropout would make the test set larger", "dropout only works on mini-batches"),
             0, "During training each kept unit is multiplied by 1/(1 - p), so its expected "
             "value equals the undropped one. At evaluation every unit is kept and nothing "
             "needs rescaling; random masks there would only add noise to the answer."),
)
