"""Code on a lesson page, taken from nnlab's own source when the page runs.

A lesson shows the function that computed its numbers by reading that function's source
(``inspect.getsource``), so the page cannot drift from the library. The text comes back as
Markdown: a fenced Python block that marimo highlights (marked lines carry a comment
arrow), optionally inside a collapsible block. Static exports keep it, since it is output,
not cell code.
"""

from __future__ import annotations

import difflib
import inspect
import re
import textwrap
from typing import Callable, Mapping, Sequence


def source(obj) -> str:
    """The source of a function, class or module exactly as in its file, dedented."""
    return textwrap.dedent(inspect.getsource(obj))


MARK = "  # ◀ "


def block(code: str, *, title: str | None = None, first_line: int = 1,
          marked: Sequence[int] = (), mark: str = "this line", collapsed: bool = False) -> str:
    """``code`` as a highlighted Markdown code block.

    ``marked`` lists line numbers (counted from ``first_line``, so a function's lines can be
    given as in its file) that get a trailing ``# ◀ mark`` comment: a comment survives the
    highlighter and a static export as it is, where marimo's highlighted-line style hid the
    brackets of the marked line. ``collapsed`` puts the block in a closed details element
    titled ``title`` (a long listing stays out of the way until asked for).
    """
    lines = code.rstrip("\n").splitlines()
    for n in marked:
        i = int(n) - first_line
        if not 0 <= i < len(lines):
            raise ValueError(f"marked: line numbers from {first_line} to "
                             f"{first_line + len(lines) - 1}; got {n}")
        lines[i] += MARK + mark
    code = "\n".join(lines)
    fence = "````" if "```" in code else "```"
    text = f"{fence}python\n{code}\n{fence}"
    if collapsed:
        return f"/// details | {title or 'the code'}\n\n{text}\n\n///"
    return f"**{title}**\n\n{text}" if title else text


def function_block(fn: Callable, *, title: str | None = None, collapsed: bool = False,
                   marked: Sequence[int] = ()) -> str:
    """A function's source as a block (``marked`` counts lines as in its file)."""
    return block(source(fn), title=title or f"`{qualified_name(fn)}`", collapsed=collapsed,
                 first_line=first_line_of(fn), marked=marked)


def first_line_of(fn) -> int:
    """The line in its file where ``fn``'s source starts."""
    return inspect.getsourcelines(fn)[1]


def qualified_name(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def annotated(code: str, values: Mapping[str, float], digits: int = 4) -> str:
    """Each line that assigns a name in ``values`` gets the number it produced as a comment.

    ``z1 = w11 * x1 + w21 * x2 + b1`` becomes ``z1 = ...   # z1 = 0.3``; keyword arguments
    (``dv1=delta_out * h1,``) count too. Lines are padded to one column so the numbers line up.
    """
    lines = code.rstrip("\n").splitlines()
    notes = []
    for line in lines:
        statement = line.split("#")[0]
        in_call = statement.rstrip().endswith(",")  # a line of keyword arguments
        targets = None if in_call else re.match(r"\s*(\w+(?:\s*,\s*\w+)*)\s*=(?!=)", statement)
        names = re.split(r"\s*,\s*", targets.group(1)) if targets else []  # a, b = ...
        # keyword arguments, except those passing on a name already shown (delta_h1=delta_h1)
        names += [name for name, value in re.findall(r"(?:^|[(,])\s*(\w+)=(?!=)\s*([\w.]*)", statement)
                  if value != name]
        shown = [f"{n} = {_number(values[n], digits)}" for n in dict.fromkeys(names) if n in values]
        notes.append(", ".join(shown))
    width = max((len(line) for line, note in zip(lines, notes) if note), default=0)
    return "\n".join(f"{line.ljust(width)}  # {note}" if note else line
                     for line, note in zip(lines, notes)) + "\n"


def differing_lines(a: str, b: str) -> tuple[list[int], list[int]]:
    """1-based numbers of the lines of ``a`` and of ``b`` that the other text does not have."""
    matcher = difflib.SequenceMatcher(a=a.splitlines(), b=b.splitlines(), autojunk=False)
    only_a, only_b = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            only_a += range(i1 + 1, i2 + 1)
            only_b += range(j1 + 1, j2 + 1)
    return only_a, only_b


def _number(value: float, digits: int) -> str:
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def network_markdown(collapsed: bool = True) -> str:
    """The matrix forward and backward pass (``nnlab.network``), every array's shape in a
    comment: the code every multi-layer lesson trains with."""
    from .. import network
    return "\n\n".join([
        function_block(network.forward_trace, title="forward: `nnlab.network.forward_trace`"),
        function_block(network.backprop, title="backward: `nnlab.network.backprop`",
                       collapsed=collapsed),
    ])


def formulas_markdown(activation: str, loss: str | None = None) -> str:
    """An activation's value and derivative (and a loss's value and output error), side by
    side as the registry holds them."""
    from ..activations import get_activation
    from ..losses import get_loss
    f = get_activation(activation)
    parts = [f.fn] + ([f.slope] if f.slope is not None else [f.jacobian_backprop])
    text = "\n\n".join(source(fn).rstrip() for fn in parts)
    blocks = [block(text, title=f"activation `{f.name}`: value and derivative")]
    if loss is not None:
        loss_fn = get_loss(loss)
        text = "\n\n".join(source(fn).rstrip() for fn in (loss_fn.fn, loss_fn.sample_delta))
        blocks.append(block(text, title=f"loss `{loss_fn.name}`: value and output error dL/dz"))
    return "\n\n".join(blocks)
