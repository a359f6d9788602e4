# /// script
# [tool.marimo.opengraph]
# title = "Backpropagation by hand"
# description = "The 2-2-1 XOR net's nine numbers through one training step, every number with its formula."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("02_backprop_by_hand"))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Backpropagation by hand

    The smallest network that can learn XOR has two inputs, two hidden neurons and one
    output: nine numbers in all. This lesson runs it forward on all four inputs, then takes
    **one training step** on one input and writes down every number of that step next to the
    formula that made it: the error at the output, how that error is passed back to the
    hidden neurons, the nine slopes, and the nine updated numbers. Then it checks the
    arithmetic twice, against the matrix version of the same network and against a
    measurement that needs no calculus at all.
    """)
    return


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import nnlab
    from nnlab import gradcheck, nine
    from nnlab.view import course, live, quiz, tables
    from nnlab.lessons import backprop_by_hand

    return backprop_by_hand, course, gradcheck, live, mo, nine, nnlab, np, quiz, tables


@app.cell
def _(nnlab):
    net = nnlab.Network([2, 2, 1])  # sigmoid hidden neurons, sigmoid output
    return (net,)


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    ## The nine numbers

    Each hidden neuron is a neuron like the one of lesson 1: a weighted sum of the inputs
    plus a bias, then a sigmoid. The output neuron does the same with the two hidden
    activations as its inputs:

    $$
    \begin{aligned}
    h_1 &= \sigma(w_{11}x_1 + w_{21}x_2 + b_1) \\
    h_2 &= \sigma(w_{12}x_1 + w_{22}x_2 + b_2) \\
    \hat y &= \sigma(v_1 h_1 + v_2 h_2 + c)
    \end{aligned}
    $$

    $w_{ij}$ is the weight from input $i$ into hidden neuron $j$; $v_1, v_2$ and $c$ belong to
    the output neuron. The **hand-picked start** uses small numbers of mixed sign, so every
    output begins just under 0.5. The **fixed start of the loss-table program** is the start
    that lesson 3 trains from. """ + course.live_or_static(
        "Pick one, or type your own numbers.",
        "This static copy shows the hand-picked start; the interactive version also takes "
        "the other one, or numbers you type in."))
    return


@app.cell
def _(mo, nine):
    preset = mo.ui.dropdown({"hand-picked start": nine.HAND_PICKED,
                             "fixed start of the loss-table program": nine.TABLE_START},
                            value="hand-picked start", label="start")
    preset
    return (preset,)


@app.cell
def _(mo, backprop_by_hand, preset):
    # Text fields, not number fields: a browser's number field quietly puts back the old
    # value for "abc" and clamps 1e9; here the page names what it refused, and why.
    nine_inputs = mo.ui.dictionary({
        _name: mo.ui.text(value=f"{getattr(preset.value, _name):g}", label=_name,
                          debounce=True)
        for _name in backprop_by_hand.NINE_NAMES})
    _note = backprop_by_hand.naming_note(preset.value)
    mo.vstack([mo.hstack([mo.vstack([mo.md(f"**{_title}**")] + [nine_inputs[_n] for _n in _names])
                          for _title, _names in (("hidden neuron h1", ("w11", "w21", "b1")),
                                                 ("hidden neuron h2", ("w12", "w22", "b2")),
                                                 ("output neuron", ("v1", "v2", "c")))],
                         justify="start", gap=3)]
              + ([mo.callout(mo.md(_note), kind="info")] if _note else []))
    return (nine_inputs,)


@app.cell
def _(mo):
    get_walk, set_walk = mo.state(None)  # the online walk: numbers carried from step to step
    return get_walk, set_walk


@app.cell
def _(mo):
    get_good, set_good = mo.state(None)  # the last step that could be computed
    return get_good, set_good


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    ## One training step

    A training step on one input has four parts: run the input **forward**, measure the
    **loss**, send the error **backward** to get the slope of the loss for each of the nine
    numbers, and **update**: move every number a little against its slope,
    $\theta \leftarrow \theta - \eta\,\partial L/\partial\theta$, where $\eta$ is the
    learning rate.

    """ + course.live_or_static(r"""
    Choose the input, the learning rate and the loss. **Next input** takes the step shown
    and moves on to the following input, carrying the updated numbers forward: that is
    *online* training, one input at a time. **Reset** goes back to the start above.
    """, r"""
    Below is the step on input $(0, 0)$ at learning rate 0.1 with half squared error, the
    settings this static copy was built with; the tabs further down show the same step on
    each of the four inputs. In the interactive version the input, the learning rate and the
    loss can be changed, and a button takes the step and moves on to the following input
    with the updated numbers: *online* training, one input at a time.
    """))
    return


@app.cell
def _(get_walk, mo, backprop_by_hand):
    _saved = get_walk()
    row = mo.ui.dropdown(list(backprop_by_hand.ROW_LABELS), label="input (x1, x2)",
                         value=backprop_by_hand.ROW_LABELS[_saved.position if _saved else 0])
    return (row,)


@app.cell
def _(mo, backprop_by_hand):
    learning_rate = mo.ui.slider(steps=[0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0],
                                 value=0.1, label="learning rate", show_value=True,
                                 debounce=True)
    loss = mo.ui.dropdown({label: name for name, label in backprop_by_hand.LOSS_LABELS.items()},
                          value="half squared error", label="loss")
    return learning_rate, loss


@app.cell
def step_cell(get_good, get_walk, learning_rate, loss, backprop_by_hand, nine_inputs, row, set_good,
              nine):
    try:
        shown = backprop_by_hand.online_step(nine_inputs.value, get_walk(), row.value,
                                   learning_rate.value, loss.value)
    except ValueError as _error:
        problem = str(_error)
        shown = get_good() or backprop_by_hand.online_step(nine.HAND_PICKED.as_dict(), None, "(0, 0)",
                                                 0.1, "half_mse")
    else:
        problem = None
        set_good(shown)
    return problem, shown


@app.cell
def _(learning_rate, loss, mo, row, set_walk, shown):
    next_input = mo.ui.button(label="next input", kind="success",
                              on_click=lambda _: set_walk(shown.walk.advance(shown.step)))
    reset = mo.ui.button(label="reset", on_click=lambda _: set_walk(None))
    mo.hstack([row, learning_rate, loss, next_input, reset], justify="start", gap=1.5,
              wrap=True)
    return


@app.cell
def _(mo, problem, shown):
    _steps = shown.walk.steps
    _status = mo.md(
        f"**{_steps} online step{'s' if _steps != 1 else ''} taken** since the start: the "
        "step below starts from the numbers after them (the start above stays as it is)."
        if _steps else "No step taken yet: the step below starts from the nine numbers above.")
    mo.vstack([mo.callout(mo.md(f"**These settings cannot be used:** {problem}. The page "
                                "shows the last step that could be computed."),
                          kind="danger") if problem else _status])
    return


@app.cell
def _(live, mo):
    # Made once: each change of numbers, input or step sends it the two networks anew.
    step_view = live.LiveView()
    mo.ui.anywidget(step_view)
    return (step_view,)


@app.cell
def _(net, backprop_by_hand, shown, step_view):
    step_view.frame = backprop_by_hand.step_frame(net, shown.step, shown.x1, shown.x2)
    return



@app.cell(hide_code=True)
def _(mo, backprop_by_hand, shown):
    mo.vstack([
        mo.md(f"""
    ### The step as code

    The numbers in this lesson come from these three functions of nnlab, shown from its
    source as the page runs. Each line that computes a number ends with the number it
    produced for the input {shown.label}: the forward pass, the output error, the two hidden
    errors, and the nine slopes. `descend` then moves every number against its slope. The
    formulas below say the same thing one number at a time. (To change the code and re-run
    it, open this lesson with `marimo edit notebooks/02_backprop_by_hand.py`.)
    """),
        mo.md(backprop_by_hand.step_code_markdown(shown.step)),
    ])
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ### Forward, all four inputs

    What the network computes for each input with the numbers this step starts from: the two
    hidden pre-activations $z_1, z_2$ and activations $h_1, h_2$, the output's pre-activation
    $z_\text{out}$ and the output $\hat y$. At the hand-picked start every output sits just
    under 0.5: the network has no opinion yet.
    """)
    return


@app.cell
def _(mo, backprop_by_hand, shown, tables):
    forward_rows = backprop_by_hand.forward_rows(shown.step.before)
    mo.md(tables.markdown_table(forward_rows, digits=4))
    return (forward_rows,)


@app.cell
def _(backprop_by_hand, shown):
    sections = backprop_by_hand.step_sections(shown.step, shown.y, shown.learning_rate, shown.loss)
    return (sections,)


@app.cell(hide_code=True)
def _(mo, backprop_by_hand, sections, shown):
    mo.vstack([mo.md(rf"""
    ### Step 1: forward on input {shown.label}, then the loss

    The same forward pass for the chosen input, number by number, and the loss of its
    answer against the target $y = {shown.y}$ ({backprop_by_hand.LOSS_LABELS[shown.loss]}).
    In steps 1 to 5, every number is shown **rounded to {backprop_by_hand.STEP_DIGITS}
    significant digits** (zeros at the end left off; a sigmoid's output that would round
    to 1 or 0 keeps the digits that show it is not, since a sigmoid never reaches them;
    step 6 and the tables after it say how they round); the
    computer keeps about 16, so redoing a line by hand from the rounded numbers can
    differ in its last digit.
    """), mo.md(sections["forward"])])
    return


@app.cell(hide_code=True)
def _(mo, sections):
    mo.vstack([mo.md(r"""
    ### Step 2: the output's error term

    How much does the loss change when the output's pre-activation $z_\text{out}$ moves?
    The chain rule splits it into two factors we know: how the loss changes with
    $\hat y$, times the sigmoid's slope $\hat y(1-\hat y)$. This number,
    $\delta_\text{out} = \partial L / \partial z_\text{out}$, is the output neuron's
    **error term**: everything below is built from it.
    """), mo.md(sections["output error"])])
    return


@app.cell(hide_code=True)
def _(mo, sections):
    mo.vstack([mo.md(r"""
    ### Step 3: the output neuron's slopes

    In $z_\text{out} = v_1h_1 + v_2h_2 + c$, nudging $v_1$ moves $z_\text{out}$ by $h_1$ per
    unit, so its slope is $\delta_\text{out}\,h_1$; likewise for $v_2$. The bias moves
    $z_\text{out}$ one for one, so its slope is $\delta_\text{out}$ itself.
    """), mo.md(sections["output gradients"])])
    return


@app.cell(hide_code=True)
def _(mo, sections):
    mo.vstack([mo.md(r"""
    ### Step 4: passing the error back to the hidden neurons

    A hidden neuron affects the loss only through the output. Its share of the blame is the
    output's error term, times the weight that carries its activation to the output, times
    its own sigmoid's slope $h_j(1-h_j)$. This reuse of $\delta_\text{out}$ is the whole
    trick of backpropagation: each layer's error terms come from the layer after it.
    """), mo.md(sections["hidden errors"])])
    return


@app.cell(hide_code=True)
def _(mo, sections):
    mo.vstack([mo.md(r"""
    ### Step 5: the hidden neurons' slopes

    The same rule as in step 3, one layer down: a weight's slope is the error term of the
    neuron it feeds times the input it carries; a bias's slope is the error term.
    """), mo.md(sections["hidden gradients"])])
    return


@app.cell(hide_code=True)
def _(backprop_by_hand, mo, sections, shown):
    mo.vstack([mo.md(rf"""
    ### Step 6: the update

    All nine slopes are known, and only now does any number change: each moves by
    $-\eta$ times its slope, with $\eta = {shown.learning_rate:g}$.
    {backprop_by_hand.update_note(shown.step, shown.learning_rate)}
    """), mo.md(sections["update"])])
    return


@app.cell(hide_code=True)
def _(backprop_by_hand, mo):
    mo.md(rf"""
    ### Before and after

    The nine numbers with their slopes and changes (to
    {backprop_by_hand.UPDATE_TABLE_DECIMALS} decimals), and what the network now answers for
    all four inputs (to {backprop_by_hand.OUTPUT_TABLE_DECIMALS} decimals). One step on one
    input moves every output, not just the one it trained on.
    """)
    return


@app.cell
def _(mo, backprop_by_hand, shown, tables):
    update_rows = backprop_by_hand.update_rows(shown.step, shown.learning_rate)
    after_rows = backprop_by_hand.outputs_rows(shown.step.before, shown.step.after)
    mo.hstack([mo.md(tables.markdown_table(update_rows,
                                           digits=backprop_by_hand.UPDATE_TABLE_DECIMALS)),
               mo.md(tables.markdown_table(after_rows,
                                           digits=backprop_by_hand.OUTPUT_TABLE_DECIMALS))],
              justify="start", gap=2)
    return after_rows, update_rows


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Two programs, the same numbers

    Everything above was computed by a plain-Python program that gives each of the nine
    numbers its own name (`nnlab.nine`). Real networks keep a layer's weights in a
    matrix and push all inputs through at once: $z = xW + b$, with the error terms of a
    whole layer in one array (`nnlab.gradients` on the same nine numbers as two
    $(W, b)$ pairs). The two programs should agree to the last few bits of a float.

    And a third, independent check: nudge each of the nine numbers by a tiny
    $\varepsilon$ both ways, measure the loss each time, and estimate the slope as
    $\big(L(\theta+\varepsilon) - L(\theta-\varepsilon)\big) / 2\varepsilon$. No chain rule
    involved, so if it agrees with backpropagation, the formulas are right.
    """)
    return


@app.cell
def _(gradcheck, backprop_by_hand, nnlab, net, shown, nine):
    _params, _x, _y = shown.step.before.to_params(), [[shown.x1, shown.x2]], [[shown.y]]
    _loss, _grads = nnlab.gradients(net, _params, _x, _y, shown.loss)
    _outputs = nnlab.forward(net, _params, backprop_by_hand.INPUTS)[:, 0]
    matrix_gaps = {
        "the four outputs": max(abs(_outputs - shown.step.before.outputs())),
        "the loss": abs(_loss - shown.step.loss),
        "the nine slopes": backprop_by_hand.max_gap(nine.Nine.from_params(_grads),
                                          shown.step.gradients()),
    }
    check = gradcheck.check_gradients(net, _params, _x, _y, shown.loss)
    return check, matrix_gaps


@app.cell
def _(check, gradcheck, matrix_gaps, mo, tables):
    _worst = max(matrix_gaps.values())
    _agree = "agree exactly" if _worst == 0 else f"agree to {_worst:.0e}"
    _rows = [{"compared": k, "largest difference": f"{v:.1e}"} for k, v in matrix_gaps.items()]
    mo.hstack([
        mo.vstack([mo.callout(mo.md(f"**Plain Python and matrices {_agree}.**"),
                              kind="success" if _worst < 1e-12 else "danger"),
                   mo.md(tables.markdown_table(_rows, digits=4))]),
        mo.vstack([mo.callout(mo.md(
            f"**Finite differences {'agree' if check.passed else 'DISAGREE'}**: worst "
            f"relative error {check.max_error:.1e}."),
            kind="success" if check.passed else "danger"),
            mo.md(tables.markdown_table(gradcheck.report_rows(check), digits=4))]),
    ], justify="start", gap=2, wrap=True)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## The hand-picked start, one input at a time

    The same step from the hand-picked start (learning rate 0.1, half squared error) on each
    of the four inputs. Compare the tabs: the input decides which weights move at all, and
    the sign of its target decides which way every output is pushed.
    """)
    return


@app.cell
def _(mo, backprop_by_hand, tables, nine):
    def _step_tab(label):
        """The step on one input from the hand-picked start: tables and every formula."""
        _s = backprop_by_hand.online_step(nine.HAND_PICKED.as_dict(), None, label, 0.1, "half_mse")
        return mo.vstack([
            mo.hstack([mo.md(tables.markdown_table(backprop_by_hand.update_rows(_s.step, 0.1), 6)),
                       mo.md(tables.markdown_table(backprop_by_hand.outputs_rows(_s.step.before,
                                                                       _s.step.after), 4))],
                      justify="start", gap=2),
            mo.accordion({"every number with its formula": mo.md("\n\n".join(
                backprop_by_hand.step_sections(_s.step, _s.y, 0.1, "half_mse").values()))}),
        ])

    mo.ui.tabs({f"input {_label}": _step_tab(_label) for _label in backprop_by_hand.ROW_LABELS})
    return


@app.cell(hide_code=True)
def _(backprop_by_hand, quiz):
    # Answer first, then the answer and why (nnlab.view.quiz). Fixed prompts and choices: the
    # radios below are made once, so changing the step never clears an answer. The answers
    # and reasons, which read the step shown, come in `questions`.
    asked = [
        quiz.Asked(
            "1. On the input of the step shown, which of the nine slopes are exactly 0?",
            ("none of them", "the weights that carry an input of 0", "the three biases",
             "v1 and v2")),
        quiz.Asked(
            "2. Why compute all nine slopes before changing any number, instead of updating "
            "v1, v2 and c first and using their new values for the hidden error terms?",
            ("it is only faster; the numbers would be the same",
             "the slopes belong to one point, the current nine numbers",
             "the output neuron must always be updated last",
             "the hidden slopes do not depend on v1 and v2")),
        quiz.Asked(
            "3. For the output and target of the step shown, which loss sends back the "
            "largest output error term?",
            tuple(backprop_by_hand.LOSS_LABELS.values()) + ("all three the same",)),
    ]
    return (asked,)


@app.cell
def _(asked, mo):
    answers = mo.ui.array([mo.ui.radio(a.choices, label=a.prompt) for a in asked])
    return (answers,)


@app.cell(hide_code=True)
def _(asked, backprop_by_hand, shown, nine):
    _grads = shown.step.gradients()
    _zero = [n for n in backprop_by_hand.NINE_NAMES if getattr(_grads, n) == 0]
    _gap = backprop_by_hand.output_first_gap(shown.step.before, shown.x1, shown.x2, shown.y,
                                   shown.learning_rate, shown.loss)
    _f = shown.step.forward
    _deltas = {name: nine.output_delta(_f.y_hat, shown.y, name) for name in backprop_by_hand.LOSS_LABELS}
    _delta_text = ", ".join(f"{backprop_by_hand.LOSS_LABELS[n]} {d:.4f}" for n, d in _deltas.items())
    _largest = max(_deltas, key=lambda n: abs(_deltas[n]))
    questions = [
        asked[0].answered(
            1 if _zero else 0,
            f"On input {shown.label}: "
            + (f"**{', '.join(_zero)}**. " if _zero else "**none of them**, both inputs are 1. ")
            + r"A weight's slope is the error term of the neuron it feeds times the "
            r"input it carries, $\partial L/\partial w_{ij} = \delta_j x_i$. An input "
            "of 0 contributes nothing to the sum, so nudging its weights changes "
            "nothing and their slopes vanish; biases always get a slope."),
        asked[1].answered(
            1,
            "Updating the output neuron first would compute the hidden slopes at a point the "
            "network never stood on. For the step shown the outputs would end up at most "
            f"**{_gap:.1e}** away from the right step: tiny with small steps, but it is no "
            "longer gradient descent, and it grows with the learning rate."),
        asked[2].answered(
            list(backprop_by_hand.LOSS_LABELS).index(_largest),
            f"For the output {_f.y_hat:.4f} and target {shown.y} of the step shown, "
            rf"$\delta_\text{{out}}$ is {_delta_text}. The squared errors multiply "
            r"$\hat y - y$ by the sigmoid's slope $\hat y(1-\hat y) \le 0.25$; "
            r"cross-entropy's slope cancels it, leaving $\hat y - y$. The gap "
            "grows when the output is confidently wrong, where the sigmoid is flat."),
    ]
    return (questions,)


@app.cell(hide_code=True)
def _(answers, mo, questions, quiz):
    mo.vstack([mo.md("## Check yourself")] + [
        mo.vstack([answers[_i], mo.md(quiz.feedback(_q, answers.value[_i]))], gap=0.3)
        for _i, _q in enumerate(questions)], gap=1)
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.live_or_static(r"""
    ## What comes next

    Press **next input** a few times and watch the outputs: each step pulls the output it
    trained on towards its target and drags the others along, sometimes the wrong way. Only
    many passes over all four inputs, thousands of these steps, settle the network on
    numbers that answer XOR. Lesson 3 runs that loop and watches the loss fall.
    """, r"""
    ## What comes next

    Compare the outputs before and after the step in the four tabs above: each step pulls
    the output it trained on towards its target and moves the others too, sometimes the
    wrong way. Only many passes over all four inputs, thousands of these steps, settle the
    network on numbers that answer XOR. Lesson 3 runs that loop and watches the loss fall.
    """))
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.bottom("02_backprop_by_hand"))
    return


if __name__ == "__main__":
    app.run()
