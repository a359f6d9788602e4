# /// script
# [tool.marimo.opengraph]
# title = "One neuron"
# description = "A weighted sum and a sigmoid draw one straight line: enough for AND and OR, never for XOR."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("01_one_neuron"))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # One neuron

    A neural network is built from one small part, used over and over: the **neuron**. It
    takes a few numbers in, weighs each one, adds them up, and squashes the total into a
    number between 0 and 1. This lesson takes one neuron with two inputs, shows that what it
    can tell apart is whatever lies on either side of a **straight line**, and finds the
    place where that is not enough: XOR.
    """)
    return


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import nnlab
    from nnlab.view import course, live, plots, quiz, tables
    from nnlab.lessons import one_neuron

    return course, live, mo, nnlab, np, one_neuron, plots, quiz, tables


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## A weighted sum, then a squash

    Our neuron has two inputs $x_1, x_2$, one **weight** for each, and a **bias** $b$. It
    first forms the weighted sum, called the *pre-activation*,

    $$z = w_1 x_1 + w_2 x_2 + b,$$

    and then passes $z$ through the **sigmoid**, which maps any number into $(0, 1)$:

    $$\hat y = \sigma(z) = \frac{1}{1 + e^{-z}}.$$

    Read $\hat y$ as the neuron's vote for "1". The sigmoid is exactly $0.5$ at $z = 0$, above
    $0.5$ for positive $z$ and below it for negative $z$. So the neuron's yes/no answer flips
    where $w_1 x_1 + w_2 x_2 + b = 0$, and that set of points is a straight line. The weights
    turn the line, the bias slides it; making all three numbers larger together leaves the
    line where it is and only sharpens the change from "no" to "yes" across it.

    We ask the neuron about the four corners of the unit square, $(0,0), (0,1), (1,0), (1,1)$,
    and compare its answers with a **truth table**: AND (1 only at $(1,1)$), OR (1 unless both
    inputs are 0) or XOR (1 when exactly one input is 1).
    """)
    return


@app.cell
def _(mo, one_neuron):
    # No debounce: the line follows the thumb while it moves (the picture is a live view).
    w1 = mo.ui.slider(-10, 10, step=0.5, value=4, label="w1", show_value=True)
    w2 = mo.ui.slider(-10, 10, step=0.5, value=4, label="w2", show_value=True)
    b = mo.ui.slider(-10, 10, step=0.5, value=-2, label="b (bias)", show_value=True)
    target = mo.ui.dropdown(list(one_neuron.TARGETS), value="XOR", label="truth table")
    mo.vstack([target, w1, w2, b])
    return b, target, w1, w2


@app.cell
def _(mo):
    get_good, set_good = mo.state(None)
    return get_good, set_good


@app.cell
def neuron_cell(b, get_good, one_neuron, set_good, target, w1, w2):
    try:
        result = one_neuron.evaluate(w1.value, w2.value, b.value, target.value)
    except ValueError as _error:
        problem = str(_error)
        result = get_good() or one_neuron.evaluate(4, 4, -2, "XOR")
    else:
        problem = None
        set_good(result)
    return problem, result


@app.cell
def _(mo, problem):
    mo.callout(mo.md(f"**This cannot be drawn:** {problem}. The page shows the last neuron "
                     "that could."), kind="danger") if problem else None
    return


@app.cell
def _(mo, one_neuron, plots, tables):
    def neuron_charts(r, title):
        """A neuron's line over the four corners, next to its outputs table (HTML)."""
        return mo.hstack([
            plots.boundary_chart(one_neuron.NETWORK, r.params, r.X, r.labels,
                                 extent=one_neuron.EXTENT, title=title),
            mo.Html(tables.outputs_html(r.X, r.outputs, r.Y, title=f"outputs on {r.target}"))],
            justify="start", align="center", gap=2)
    return (neuron_charts,)


@app.cell
def _(live, mo):
    # Made once: every slider move sends it new numbers, and it redraws in place.
    view = live.LiveView()
    mo.ui.anywidget(view)
    return (view,)


@app.cell
def _(one_neuron, result, view):
    view.frame = one_neuron.live_frame(result)
    return


@app.cell(hide_code=True)
def _(course, mo, one_neuron, result):
    _line = one_neuron.line_equation(result.w1, result.w2, result.b)
    _line = f"${_line}$" if _line else "nowhere: with both weights 0, $z = b$ at every point"
    _wrong = ", ".join(f"({a}, {c})" for a, c in result.wrong_corners)
    _wrong = f" (wrong: {_wrong})" if _wrong else ": every one"
    # a static copy cannot move the line: it says what the moves would show
    _try = course.live_or_static(r"""
    **Try it.**

    - Pick **AND**. Lower the bias until only $(1, 1)$ is orange: $w_1 = w_2 = 4$, $b = -6$
      does it (the corner $(1,1)$ gets $z = 2$, the others $-2$ or less).
    - Pick **OR**. The default line, $w_1 = w_2 = 4$, $b = -2$, already solves it.
    - Pick **XOR** and hunt for a line that gets all four. Tilt it, slide it, flip its
      signs: three is the most you will find.
    - Set $w_1 = w_2 = 1$, $b = -0.5$, then $8, 8, -4$: the same line, but the shading goes
      from a soft blur to a sharp edge, and the outputs move towards 0 and 1.
    """, r"""
    **On this static copy** the controls stay at the values the page was built with. In the
    interactive version you move the line yourself; what it shows:

    - **AND**: with $w_1 = w_2 = 4$, lowering the bias to $b = -6$ leaves only $(1, 1)$ orange
      (that corner gets $z = 2$, the others $-2$ or less).
    - **OR**: the line $w_1 = w_2 = 4$, $b = -2$ already solves it.
    - **XOR**: however the line is tilted, slid or flipped, three corners is the most it
      gets. The tabs under *Reading the scan* below show the best line 20,000 random lines
      found for each table.
    - $w_1 = w_2 = 1$, $b = -0.5$ and $8, 8, -4$ draw the same line, but the shading goes
      from a soft blur to a sharp edge, and the outputs move towards 0 and 1.
    """)
    mo.md(rf"""
    **Your neuron** draws the line {_line}. On **{result.target}** it puts
    **{result.correct} of the 4 corners** on the right side{_wrong}. Here is each sum and
    its sigmoid:

    $$
    {one_neuron.working(result)}
    $$
    """ + _try)
    return



@app.cell(hide_code=True)
def _(mo, one_neuron):
    mo.vstack([
        mo.md("### The code that computed these numbers\n\n"
              "This is nnlab's own source, read when the page runs. `evaluate` is the whole "
              "neuron: a weighted sum of the inputs plus the bias, then the sigmoid from "
              "nnlab's activation registry. To change the code and re-run it, open this "
              "lesson with `marimo edit notebooks/01_one_neuron.py`."),
        mo.md(one_neuron.code_markdown()),
    ])
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Why no line gets XOR

    For XOR the two corners that should say 1, $(0,1)$ and $(1,0)$, sit diagonally opposite
    each other, and so do the two that should say 0, $(0,0)$ and $(1,1)$. The two diagonals
    cross in the middle of the square, at $(0.5, 0.5)$.

    A line splits the plane into two half-planes, and a half-plane has no dents: if it holds
    two points, it holds the whole segment between them. Suppose a line sent both 1-corners
    to the "yes" side. Then the whole diagonal from $(0,1)$ to $(1,0)$ is on that side,
    centre included. If it also sent both 0-corners to the "no" side, the other diagonal, and
    with it the same centre, would be on the "no" side. One point cannot be on both sides,
    so one of the four corners must be wrong.

    The same in two lines of algebra: the sums at the four corners are $b$, $w_2 + b$,
    $w_1 + b$ and $w_1 + w_2 + b$, so

    $$z(0,1) + z(1,0) \;=\; w_1 + w_2 + 2b \;=\; z(0,0) + z(1,1).$$

    All four right would need the left side positive (two "yes" corners) and the right side
    negative or zero (two "no" corners) for the same number. Three right is easy (the OR
    line misses only $(1,1)$), so **3 of 4 is the best any line can do on XOR**.

    An argument is one thing; seeing it is another. Below, many random lines are drawn near
    the square, each is scored on all three tables, and the best score found is reported.
    """)
    return


@app.cell
def _(mo):
    # No bounds in the widget: it would silently turn 5 into 100; the scan itself names
    # a number it cannot use (and keeps the last scan).
    n_lines = mo.ui.number(value=20_000, step=1, label="random lines", debounce=True)
    fresh = mo.ui.button(value=0, on_click=lambda count: count + 1,
                         label="draw fresh lines")
    mo.hstack([n_lines, fresh], justify="start", gap=2)
    return fresh, n_lines


@app.cell
def _(mo):
    get_scans, set_scans = mo.state(None)
    return get_scans, set_scans


@app.cell
def scan_cell(fresh, get_scans, n_lines, one_neuron, set_scans):
    try:
        scans = {_t: one_neuron.scan_lines(_t, n_lines.value, fresh.value) for _t in one_neuron.TARGETS}
    except ValueError as _error:
        scan_problem = str(_error)
        scans = get_scans() or {_t: one_neuron.scan_lines(_t) for _t in one_neuron.TARGETS}
    else:
        scan_problem = None
        set_scans(scans)
    return scan_problem, scans


@app.cell
def _(mo, one_neuron, scan_problem, scans, tables):
    _rows = [{"truth table": t, "best line found": f"{s.best} of 4",
              **{f"lines with {k}/4": s.counts[k] for k in (4, 3, 2, 1, 0)}}
             for t, s in scans.items()]
    _any = next(iter(scans.values()))
    _never = " and ".join(one_neuron.table_name(t) for t in _any.missing_tables)
    mo.vstack([
        mo.callout(mo.md(f"**Cannot scan:** {scan_problem}. Showing the last scan that "
                         "could run."), kind="danger") if scan_problem else mo.md(""),
        mo.md(tables.markdown_table(_rows, digits=4)),
        mo.md(f"The {_any.n_lines:,} lines drew **{len(_any.tables)} of the 16** possible "
              f"answer tables for the four corners. Never drawn: **{_never or 'none'}**."),
    ])
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    **Reading the scan.** AND and OR each have lines that get all four corners; XOR's best
    is 3, however many lines you draw""" + course.live_or_static(
        " (try 200,000, or fresh lines).", " (the interactive version scans more, or fresh ones).")
        + r""" Four corners can be
    labelled 0/1 in $2^4 = 16$ ways, and lines produce all of them except two: XOR and its
    mirror image XNOR (1 at $(0,0)$ and $(1,1)$). The tabs show the best line the scan found
    for each table.
    """)
    return


@app.cell
def _(one_neuron, scans):
    best_lines = {t: one_neuron.evaluate(*s.best_line, t) for t, s in scans.items()}
    return (best_lines,)


@app.cell
def _(best_lines, mo, neuron_charts):
    mo.ui.tabs({t: neuron_charts(r, f"best line found for {t}: {r.correct} of 4") for t, r in best_lines.items()})
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Two lines fix it

    One line cannot carve XOR out of the square, but two lines can: XOR is 1 exactly on the
    band *between* the line of OR and the line of NAND ("not both"). So put two neurons side
    by side, both looking at $x_1, x_2$, one drawing each line, and let a third neuron combine
    their answers:

    - hidden neuron $h_1$: OR, $\;h_1 = \sigma(10x_1 + 10x_2 - 5)$;
    - hidden neuron $h_2$: NAND, $\;h_2 = \sigma(-10x_1 - 10x_2 + 15)$;
    - output neuron: AND of the two, $\;\hat y = \sigma(10h_1 + 10h_2 - 15)$.

    The two neurons in the middle form a **hidden layer**: nobody gives them targets, they
    only feed the output. The output neuron still draws a straight line, but in the plane of
    $(h_1, h_2)$, where the four corners have been moved so that a line can split them.
    """)
    return


@app.cell
def _(mo, one_neuron, plots):
    mo.hstack([plots.boundary_chart(one_neuron.XOR_BY_HAND_NETWORK, one_neuron.XOR_BY_HAND, one_neuron.CORNERS, one_neuron.target_table("XOR"), extent=one_neuron.EXTENT, title="2-2-1 network, weights set by hand"), plots.neuron_maps(one_neuron.XOR_BY_HAND_NETWORK, one_neuron.XOR_BY_HAND, extent=one_neuron.EXTENT)], justify="start", gap=2)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    On the right, each neuron's output over the square: the two hidden neurons are two
    single lines (orange where they say 1), and the output neuron is orange only where both
    are. We set these nine numbers by hand. A network has to find them on its own, starting
    from numbers that mean nothing, by nudging each one in the direction that makes its
    answers less wrong. Working out those nudges is **backpropagation**, the subject of the
    next lesson, where we take one such step by hand, number by number.
    """)
    return


@app.cell(hide_code=True)
def _(quiz):
    # Answer first, then the answer and why (nnlab.view.quiz): the choices come before any text
    # that gives the answer away. Fixed prompts and choices: the radios below are made once, so
    # moving a slider never clears an answer. The answers and reasons come in `questions`.
    asked = [
        quiz.Asked(
            "1. Where on the plane does the neuron output exactly 0.5?",
            ("only at the corner (0, 0)", "everywhere on its line, where z = 0",
             "nowhere: the sigmoid never reaches 0.5", "where z = 0.5")),
        quiz.Asked(
            "2. Multiply your three slider values w1, w2 and b by 3. What happens?",
            ("the line moves and some corners change side",
             "the line stays; only the outputs move away from 0.5",
             "the line stays and the outputs do not change at all",
             "the line turns by a third")),
        quiz.Asked(
            "3. Someone shows you w1, w2, b and claims the neuron solves XOR. Without "
            "drawing anything, what can you say?",
            ("it may be true if the weights are large enough",
             "it is true when b = 0",
             "it is false for any three numbers",
             "it is true when w1 = -w2")),
    ]
    return (asked,)


@app.cell
def _(asked, mo):
    answers = mo.ui.array([mo.ui.radio(a.choices, label=a.prompt) for a in asked])
    return (answers,)


@app.cell(hide_code=True)
def _(asked, one_neuron, result):
    _tripled = one_neuron.evaluate(3 * result.w1, 3 * result.w2, 3 * result.b, result.target)
    _outs = ", ".join(one_neuron.output_text(v) for v in result.outputs[:, 0])
    _outs3 = ", ".join(one_neuron.output_text(v) for v in _tripled.outputs[:, 0])
    questions = [
        asked[0].answered(
            1,
            r"$\sigma(z) = 0.5$ exactly when $z = w_1x_1 + w_2x_2 + b = 0$, and those points "
            "are the line. The dark line in the chart is this set."),
        asked[1].answered(
            1,
            "$3z = 0$ on exactly the same points, and each corner keeps the sign of its $z$, "
            "so it stays on the same side. Only the outputs move away from 0.5: with your "
            f"numbers (w1 = {result.w1:g}, w2 = {result.w2:g}, b = {result.b:g}) they are now "
            f"{_outs}, tripled {_outs3} ({_tripled.correct} of 4 right either way)."),
        asked[2].answered(
            2,
            r"Add the sums at the two 1-corners and at the two 0-corners: both give "
            r"$w_1 + w_2 + 2b$. XOR needs the first sum above 0 and the second at or below 0, "
            "which is impossible for one number."),
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
    mo.md(course.bottom("01_one_neuron"))
    return


if __name__ == "__main__":
    app.run()
