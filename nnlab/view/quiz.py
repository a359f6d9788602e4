"""Self-check questions: the learner answers first, then sees the answer and why.

A lesson's "Check yourself" used to be an accordion: one click showed the answer, so nobody
had to commit to a guess. Here a ``Question`` has choices, the right one and the reason; a
notebook shows the choices (a radio) and, only once one is picked, ``feedback``. Nothing here
imports marimo: the notebook makes the widgets.

    asked = Asked("Where is the output exactly 0.5?", ("at (0, 0)", "on the line z = 0"))
    q = asked.answered(1, "sigma(z) = 0.5 exactly when z = 0.")  # may read the run
    feedback(q, None)          # "*Pick an answer ...*"
    feedback(q, "at (0, 0)")   # "**Not quite.** The answer is: *on the line z = 0*.\n\n..."

On a static copy of a lesson (nnlab.view.course.page_kind() == "static") no Python hears the
choice, so the radio is frozen and ``feedback`` gives the answer folded away instead: the
reader still thinks first, then opens it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import checks
from . import course

WAITING = "*Pick an answer: then the page says whether it is right, and why.*"
# (marimo's Markdown folds a `/// details` block; it opens in the page, with no Python)
STATIC = "/// details | Decide first, then open the answer\n\n**{right}**\n\n{why}\n\n///"


@dataclass(frozen=True)
class Question:
    """One multiple-choice question with its answer (an index into ``choices``) and why."""

    prompt: str
    choices: tuple[str, ...]
    answer: int
    why: str

    def __post_init__(self):
        object.__setattr__(self, "choices", _choices(self.choices))
        checks.whole(self.answer, "answer", 0, len(self.choices) - 1)

    @property
    def right(self) -> str:
        return self.choices[self.answer]


@dataclass(frozen=True)
class Asked:
    """A question as the learner first meets it: the prompt and the choices, fixed for the
    life of the page. A notebook makes its radios from these in a cell that no control
    reruns (a radio made anew comes back empty, and the learner's answer with it); the answer
    and the reason, which may read the run above, come later from ``answered``."""

    prompt: str
    choices: tuple[str, ...]

    def __post_init__(self):  # refused here, before a radio is made from them
        object.__setattr__(self, "choices", _choices(self.choices))

    def answered(self, answer: int, why: str) -> Question:
        return Question(self.prompt, self.choices, answer, why)


def _choices(choices) -> tuple[str, ...]:
    choices = tuple(choices)
    if len(choices) < 2 or len(set(choices)) != len(choices):
        checks.fail("choices", "at least two different choices", choices)
    return choices


def feedback(question: Question, chosen: str | None) -> str:
    """Markdown for below the choices: a prompt to answer while ``chosen`` is None, then
    right or not, the answer, and why (on a static copy: the answer and why, folded)."""
    if course.page_kind() == "static":
        return STATIC.format(right=question.right, why=question.why)
    if chosen is None:
        return WAITING
    if chosen not in question.choices:
        checks.fail("chosen", "one of the question's choices, or None", chosen)
    head = ("**Right.**" if chosen == question.right else
            f"**Not quite.** The answer is: *{question.right}*.")
    return f"{head}\n\n{question.why}"  # (its own paragraph: a formula may start it)
