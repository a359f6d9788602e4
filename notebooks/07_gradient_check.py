# /// script
# [tool.marimo.opengraph]
# title = "Checking backpropagation"
# description = "Finite differences referee the backward pass and catch a classic derivative bug."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("07_gradient_check"))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Checking backpropagation

    Backpropagation is a few lines of algebra per layer, and one wrong symbol in them does not
    crash anything: the loss may still fall, just more slowly or towards the wrong place. This
    lesson shows the standard test that catches such mistakes, and then catches one.
    """)
    return


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import nnlab
    from nnlab import gradcheck, verdicts
    from nnlab.lessons import gradient_check
    from nnlab.view import course, live, quiz

    return course, gradcheck, gradient_check, live, mo, nnlab, np, quiz, verdicts


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## The method: nudge one number, watch the loss

    The gradient $\partial L / \partial p$ says how fast the loss changes when one parameter
    $p$ moves. We can *measure* that slope without any calculus: move $p$ a tiny step
    $\varepsilon$ up and down and look at the loss both times,

    $$
    \frac{\partial L}{\partial p} \approx \frac{L(p + \varepsilon) - L(p - \varepsilon)}{2\varepsilon}.
    $$

    This *central* difference is exact for a parabola, so its error shrinks like
    $\varepsilon^2$. It costs two forward passes per parameter, far too slow for training, but
    perfect as a referee for the fast backward pass.

    To compare the two gradients of a layer we use the **relative error**

    $$
    e = \frac{\lVert g_\text{backprop} - g_\text{numeric} \rVert}
             {\lVert g_\text{backprop} \rVert + \lVert g_\text{numeric} \rVert},
    $$

    which does not care whether the gradients are large or small. In 64-bit floats a correct
    backward pass gives $e$ around $10^{-9}$ or below at a good step; a wrong formula gives
    $10^{-2}$ and up, at every step. The table below also checks each array at a step ten
    times smaller and ten times larger: an error that falls about 100-fold with the smaller
    step is the step's own $\varepsilon^2$ error, one that rises with the smaller step and
    falls with the larger one is rounding, and an error of $10^{-2}$ and up that does
    neither is called **WRONG**.
    """)
    return


@app.cell
def _(gradient_check, mo):
    layers = mo.ui.dropdown(["3", "4, 3", "4, 3, 3"], value="4, 3", label="hidden layers")
    activation = mo.ui.dropdown(["sigmoid", "tanh"], value="sigmoid", label="hidden activation")
    loss = mo.ui.dropdown(["mse", "half_mse", "bce"], value="mse", label="loss")
    eps = mo.ui.slider(steps=[1e-9, 1e-7, 1e-5, 1e-3, 1e-1], value=1e-5, label="step ε",
                       show_value=True)
    backward = mo.ui.radio(
        ["nnlab's backpropagation", "bug: slope taken at the activation"],
        value="nnlab's backpropagation", label="backward pass to check")
    # No bounds: a bounded box would clamp 5000 to its maximum silently; the page names
    # a seed it refuses instead (gradient_check.checked_network).
    seed = mo.ui.number(value=gradient_check.DEFAULT_SEED, step=1, label="weight seed",
                        debounce=True)
    mo.hstack([mo.vstack([layers, activation, loss]), mo.vstack([eps, seed]), backward],
              justify="start", gap=2)
    return activation, backward, eps, layers, loss, seed


@app.cell
def _(mo):
    get_good, set_good = mo.state(None)
    return get_good, set_good


@app.cell
def _(activation, backward, eps, get_good, gradcheck, gradient_check, layers, loss, nnlab,
      seed, set_good, verdicts):
    data = nnlab.datasets.xor()
    try:
        net, params = gradient_check.checked_network(layers.value, activation.value, seed.value)
    except ValueError as _error:  # a refused seed: the last start that could be used stays
        problem = str(_error)
        net, params = get_good() or gradient_check.checked_network(
            layers.value, activation.value, gradient_check.DEFAULT_SEED)
    else:
        problem = None
        set_good((net, params))
    backward_fn = (nnlab.gradients if backward.value.startswith("nnlab")
                   else gradcheck.gradients_with_derivative_bug)
    # Each array at the chosen step and one step either side: the verdict blames the step
    # when the error moves with it, the code only when it stays flat (nnlab.verdicts).
    check_rows = verdicts.gradient_verdicts(net, params, data.X, data.Y, loss.value,
                                            eps=eps.value, backward=backward_fn)
    return backward_fn, check_rows, data, net, params, problem


@app.cell
def _(check_rows, eps, mo, problem, verdicts):
    _kind, _text = verdicts.gradient_summary(check_rows, eps.value)
    _refused = [mo.callout(mo.md(f"**These settings cannot run:** {problem}. The checks "
                                 "below use the last start that could."),
                           kind="danger")] if problem else []
    mo.vstack(_refused + [mo.ui.table(verdicts.gradient_rows(check_rows, eps.value),
                                      selection=None, pagination=False),
                          mo.callout(mo.md(_text), kind=_kind)])
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## One number, up close

    Here is the check for single parameters: the first weight of every layer and the output
    bias. Each row is two forward passes and one subtraction.
    """)
    return


@app.cell
def _(backward_fn, data, eps, gradcheck, loss, mo, net, params):
    probes = [gradcheck.probe(net, params, data.X, data.Y, loss.value, layer=layer,
                              kind="W", index=(0, 0), eps=eps.value, backward=backward_fn)
              for layer in range(net.n_layers)]
    probes.append(gradcheck.probe(net, params, data.X, data.Y, loss.value,
                                  layer=net.n_layers - 1, kind="b", index=(0,),
                                  eps=eps.value, backward=backward_fn))
    mo.ui.table([{"parameter": p.name, "value": f"{p.value:.4f}",
                  "L(p+ε)": f"{p.loss_plus:.10f}", "L(p−ε)": f"{p.loss_minus:.10f}",
                  "numeric slope": f"{p.numeric:.3e}", "backprop": f"{p.analytic:.3e}",
                  "rel. error": f"{p.relative_error:.1e}"} for p in probes],
                selection=None, pagination=False)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## How small should ε be?

    Smaller is not always better. A large step sees the curvature of the loss (error
    $\propto \varepsilon^2$). A tiny step subtracts two almost equal losses, and the 16 digits
    of a float run out (error $\propto 1/\varepsilon$). The sweet spot for 64-bit floats lies
    near $\varepsilon \approx 10^{-5}$. The buggy backward pass stays wrong at every step size:
    that flat line is what a real bug looks like.
    """)
    return


@app.cell
def _(live, mo):
    # Made once: a change of network, loss or seed sends it new curves, redrawn in place.
    eps_view = live.LiveView()
    mo.ui.anywidget(eps_view)
    return (eps_view,)


@app.cell
def _(data, eps_view, gradcheck, live, loss, net, params):
    curves = gradcheck.error_vs_eps_curves(net, params, data.X, data.Y, loss.value, backwards={
        "nnlab's backpropagation": gradcheck.gradients,
        "bug: slope at the activation": gradcheck.gradients_with_derivative_bug})
    eps_view.frame = live.frame(live.lines_panel(
        "error", gradcheck.EPS_VALUES, curves, title="gradient check error against the step size",
        x_title="step ε", y_title="relative error", x_log=True, y_log=True, dots=True,
        width=560))
    return (curves,)


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    ## The bug, caught

    The planted bug is one of the most common in hand-written networks. The hidden error
    term needs the activation's slope at the pre-activation $z$:

    $$
    \delta^{(l)} = \big(\delta^{(l+1)} W^{(l+1)\top}\big) \odot f'(z^{(l)}),
    \qquad f'(z) = \sigma(z)\,(1 - \sigma(z)) = a\,(1-a) \text{ for a sigmoid.}
    $$

    The buggy version evaluates the slope at the activation instead, computing
    $\sigma(a)(1 - \sigma(a))$. Both are numbers between 0 and 0.25, so nothing looks odd,
    and training may even limp along. The gradient check names the culprit layer by layer:
    """ + course.live_or_static("switch the radio above to the bug and read the table.",
                                "the tab *bug, cross-entropy* below the code holds its table.") + r"""
    The output layer's row still
    agrees: its error term comes from the loss (`loss.delta`), not from the line the bug
    changed, while every layer below it is wrong.

    Below, one above the other, is the line that differs: first as nnlab's real `backprop`
    has it, then as the buggy version has it. Under them are both whole functions, again
    one above the other: nnlab's real `backprop`, read from its source as the page runs,
    and below it the buggy version, which nnlab builds from that same source by changing
    that one line (marked). To change either and re-run the check, open this lesson with
    `marimo edit notebooks/07_gradient_check.py`.
    """)
    return



@app.cell(hide_code=True)
def _(gradient_check, mo):
    _code = gradient_check.bug_markdown()
    mo.vstack([
        mo.md(_code["right"]), mo.md(_code["bug"]),  # one above the other: the lines align
        mo.md(_code["right whole"]), mo.md(_code["bug whole"]),
    ])
    return


@app.cell
def _(data, gradcheck, mo, net, params, verdicts):
    def _table(backward):
        rows = verdicts.gradient_verdicts(net, params, data.X, data.Y, "bce", eps=1e-5,
                                          backward=backward)
        return mo.ui.table(verdicts.gradient_rows(rows, 1e-5), selection=None,
                           pagination=False)

    mo.ui.tabs({
        "right backward, cross-entropy": _table(gradcheck.gradients),
        "bug, cross-entropy": _table(gradcheck.gradients_with_derivative_bug),
    })
    return


@app.cell(hide_code=True)
def _(quiz):
    # Answer first, then the answer and why (nnlab.view.quiz).
    questions = [
        quiz.Question(
            "1. Why nudge both ways instead of only up?",
            ("it halves the work", "the central difference's error shrinks like ε², the "
             "one-sided one's only like ε", "the loss can only be measured in pairs",
             "to avoid negative parameters"), 1,
            r"A one-sided difference $(L(p+\varepsilon) - L(p))/\varepsilon$ has an error "
            r"proportional to $\varepsilon$; the central one cancels that term, leaving an "
            r"error proportional to $\varepsilon^2$. At $\varepsilon = 10^{-5}$ that is the "
            "difference between about 5 and about 10 correct digits."),
        quiz.Question(
            "2. At ε = 1e-9 (on the chart above, left of the sweet spot), why does the correct "
            "backward pass look worse?",
            ("the backward pass changes with ε", "rounding: the two losses agree in almost "
             "every digit", "the loss is not smooth at that scale", "it does not: nothing "
             "changes"), 1,
            "The two losses agree in their first 9 or so digits, so their difference keeps "
            "only the last few digits of a 16-digit float: rounding noise divided by a tiny "
            r"$2\varepsilon$. The backward pass did not change; the referee got worse, and "
            "the table blames the step."),
        quiz.Question(
            "3. With the bug, which layer's rows still agree?",
            ("none", "the output layer's", "the first layer's", "all of them"), 1,
            "The output layer's error term is computed by the loss (`loss.delta`: "
            r"$\hat y - y$ for a sigmoid with cross-entropy), before the loop the bug lives "
            "in. Every hidden layer's error term goes through the changed line, and their "
            "rows are wrong."),
    ]
    return (questions,)


@app.cell
def _(mo, questions):
    answers = mo.ui.array([mo.ui.radio(a.choices, label=a.prompt) for a in questions])
    return (answers,)


@app.cell(hide_code=True)
def _(answers, mo, questions, quiz):
    mo.vstack([mo.md("## Check yourself")] + [
        mo.vstack([answers[_i], mo.md(quiz.feedback(_q, answers.value[_i]))], gap=0.3)
        for _i, _q in enumerate(questions)], gap=1)
    return


@app.cell(hide_code=True)
def _(gradient_check, mo):
    _start = gradient_check.bias_column_start(seed=1)
    first_loss = gradient_check.mean_absolute_error(_start)
    mo.md(rf"""
    ## Case study: a NumPy XOR tutorial with the same bug

    A popular from-scratch NumPy tutorial trains XOR with a 3-4-1 sigmoid network, and three
    details in it are worth reading with this lesson's eyes.

    - **The bias rides in the data.** Each input row is $(x_1, x_2, 1)$: the constant third
      column gives every hidden unit a bias through an ordinary weight. (The network has
      separate bias vectors as well, so the column is redundant there.)
    - **Its backward pass has the bug.** It multiplies by `sigmoid_prime(activation)`, where
      `sigmoid_prime(x)` is $\sigma(x)(1 - \sigma(x))$: the slope at the activation, not at
      $z$, exactly the edit marked "the bug" in the code above. The gradient check would flag every layer
      whose error term goes through it.
    - **Its "Loss" is not the one its text describes.** The text defines the mean squared
      error, but the numbers it prints every 1000 iterations are the mean absolute error
      $\tfrac1n\sum|\hat y - y|$. The first one depends only on the seeded start (the legacy
      NumPy generator with seed 1, drawing the hidden weights (3, 4), the output weights (4, 1),
      then the biases), so nnlab can recompute it: **{first_loss!r}** here, against
      **{gradient_check.PRINTED_FIRST_LOSS!r}** printed there
      ({"equal to the last digit" if first_loss == gradient_check.PRINTED_FIRST_LOSS else "NOT equal"}).

    The later numbers cannot be reproduced from the text, and not only because its listing
    lost a few expressions on the way to the page: that run is chaotic. Moving one starting
    weight by one unit in its last binary digit changes the third printed number by about
    half. A result that sensitive says little about the method; a gradient check at the start
    says more than any loss printed after thousands of steps.
    """)
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.bottom("07_gradient_check"))
    return


if __name__ == "__main__":
    app.run()
