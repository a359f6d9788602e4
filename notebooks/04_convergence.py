# /// script
# [tool.marimo.opengraph]
# title = "Why XOR sometimes gets stuck"
# description = "Thousands of random starts at once: how often XOR converges, and how learning rate, loss and width change the odds."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("04_convergence"))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Why XOR sometimes gets stuck

    In the training lesson, the random-start preset threw away a few starts before one
    worked. This lesson counts. Take one setting (a network, a loss, a learning rate, a
    range for the starting weights) and train it from many random starts that differ only in
    their weight seed. How many solve XOR, and how quickly? Which settings make getting stuck
    rare?

    All starts of a setting train together, side by side in the same NumPy calls
    (`nnlab.train_many`), so a hundred starts cost about as much as one. Every start uses
    full-batch gradient descent; weights are drawn uniformly from $(-r, r)$, biases from
    $(-0.5, 0.5)$.

    A start **converges** when its loss drops below a threshold within the epoch budget.
    The threshold depends on the loss so that it always means about the same thing: *every
    output within roughly 0.1 of its target*. That is $0.1^2 = 0.01$ for squared error,
    half of it for half squared error, and $-\ln 0.9 \approx 0.105$ for cross-entropy: the
    loss of outputs that are each 0.1 from their targets, the rule every lesson uses. A
    start **diverged** when a step overshot, its loss rising above twice its first
    epoch's in a run that never converged at any epoch, or when its numbers blew up.
    """)
    return


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import nnlab
    from nnlab.view import course, live, plots, quiz, tables
    from nnlab.lessons import convergence

    return convergence, course, live, mo, nnlab, np, plots, quiz, tables


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Many starts, one setting
    """)
    return


@app.cell
def _(mo, convergence):
    _d = convergence.Starts()
    hidden = mo.ui.dropdown({f"{h} hidden units": h for h in convergence.WIDTHS},
                            value=f"{_d.hidden} hidden units", label="network")
    loss = mo.ui.dropdown({v: k for k, v in convergence.LOSS_LABELS.items()},
                          value=convergence.LOSS_LABELS[_d.loss], label="loss")
    controls = mo.ui.dictionary({
        "learning_rate": mo.ui.slider(steps=convergence.LEARNING_RATES, value=_d.learning_rate,
                                      label="learning rate", show_value=True, debounce=True),
        "init_range": mo.ui.slider(steps=convergence.INIT_RANGES, value=_d.init_range,
                                   label="weight init range ±r", show_value=True,
                                   debounce=True),
        "starts": mo.ui.slider(steps=convergence.START_COUNTS, value=_d.starts,
                               label="random starts", show_value=True, debounce=True),
        "epochs": mo.ui.slider(steps=convergence.MANY_EPOCHS, value=_d.epochs,
                               label="epoch budget", show_value=True, debounce=True),
    })
    mo.hstack([mo.vstack([hidden, loss]),
               mo.vstack([controls[k] for k in ("learning_rate", "init_range", "starts",
                                                "epochs")])], justify="start", gap=3)
    return controls, hidden, loss


@app.cell
def _(controls, hidden, loss, convergence):
    starts = convergence.Starts(hidden=hidden.value, loss=loss.value, **controls.value)
    runs = convergence.train_starts(starts)
    return runs, starts


@app.cell
def _(mo, convergence, runs, starts):
    mo.callout(mo.md(convergence.starts_sentence(runs, starts)), kind="info")
    return


@app.cell
def _(live, mo):
    # Made once: every change of the controls above sends them new numbers.
    starts_view, losses_view = live.LiveView(), live.LiveView()
    mo.ui.anywidget(starts_view)
    return losses_view, starts_view


@app.cell
def _(live, runs, starts, starts_view):
    starts_view.frame = live.frame(
        live.band_panel("loss", runs.loss, metric=f"{starts.loss} loss",
                        title=f"loss of {starts.starts} starts"),
        live.bars_panel("epochs", runs.converged_at, max_epochs=starts.epochs,
                        title=f"epochs to reach {starts.threshold:.3g}"))
    return


@app.cell(hide_code=True)
def _(course, mo, convergence, runs):
    mo.md(convergence.reading_markdown(runs) + "\n\n" + course.live_or_static(r"""
    **Try it.**

    - Widen the init range to **±8**: big weights push the sigmoids into their flat tails,
      where the slope is almost 0, and far fewer starts converge.
    - Narrow it to **±0.5** at learning rate 2: every start begins near "0.5 for
      everything" and needs many epochs to leave that plateau; many run out of budget.
    - Switch to **3 hidden units**: most of the stuck starts disappear.
    - Raise the learning rate to **20** with cross-entropy: steps overshoot and the share
      collapses.
    """, r"""
    **Other settings.** This static copy shows the defaults above; the interactive version
    trains the starts again for any setting. The tables and maps further down were computed
    when the page was built and show what the other settings do:

    - an init range of **±8** (the column ±8 of the maps): big weights push the
      sigmoids into their flat tails, where the slope is almost 0, and far fewer starts
      converge;
    - **±0.5** at learning rate 2 (the column ±0.5): every start begins near "0.5 for
      everything" and needs many epochs to leave that plateau; many run out of budget;
    - **3 hidden units** (the width table and the third map): most of the stuck starts
      disappear;
    - learning rate **20** with cross-entropy (that row of the cross-entropy map):
      steps overshoot and the share collapses.
    """))
    return


@app.cell(hide_code=True)
def _(convergence, mo):
    mo.accordion({"How a start is sorted: converged, stuck or diverged (nnlab's own source)":
                  mo.vstack([
        mo.md("Every lesson and `train_many` use these same three functions, so a start "
              "called diverged here is called diverged everywhere. To change a rule and "
              "re-run, open this lesson with `marimo edit notebooks/04_convergence.py`."),
        mo.md(convergence.rules_markdown()),
    ])})
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## The same starts, two losses

    The same seeds, the same learning rate and init range, trained once with squared error
    and once with cross-entropy. The two losses differ in the error term they send back
    from the output: squared error multiplies $\hat y - y$ by the sigmoid's slope
    $\hat y(1-\hat y)$, which is nearly 0 when an output is confidently wrong;
    cross-entropy sends $\hat y - y$ as it is.
    """)
    return


@app.cell
def _(convergence, starts):
    mse_runs = convergence.train_starts(starts.replace(loss="mse"))
    return (mse_runs,)


@app.cell
def _(convergence, starts):
    bce_runs = convergence.train_starts(starts.replace(loss="bce"))
    return (bce_runs,)


@app.cell
def _(bce_runs, mo, mse_runs, convergence, tables):
    mo.md(tables.markdown_table(convergence.stats_rows(
        {"squared error (mse)": mse_runs, "cross-entropy (bce)": bce_runs}, "loss")))
    return


@app.cell
def _(losses_view, mo):
    mo.ui.anywidget(losses_view)
    return


@app.cell
def _(bce_runs, live, losses_view, mse_runs, starts):
    losses_view.frame = live.frame(
        live.band_panel("mse", mse_runs.loss, metric="mse loss",
                        title=f"squared error, {starts.starts} starts"),
        live.band_panel("bce", bce_runs.loss, metric="bce loss",
                        title=f"cross-entropy, the same {starts.starts} starts"))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    At moderate learning rates cross-entropy gets its starts over the line in far fewer
    epochs, because its error term does not fade when an output sits in a flat tail. It
    does not rescue every start, though: a start whose hidden units both settle on the wrong
    kind of line is stuck under either loss. And at large learning rates its stronger steps
    overshoot sooner than squared error's.
    """)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## 2, 3 or 4 hidden units

    Two hidden units are enough to *represent* XOR, but then both units must find a useful
    line. With a third or fourth unit there are spare directions: a start where one unit
    settles badly can still be rescued by the others. Same seeds, same settings, only the
    width changes.
    """)
    return


@app.cell
def _(convergence, starts):
    width2 = convergence.train_starts(starts.replace(hidden=2))
    return (width2,)


@app.cell
def _(convergence, starts):
    width3 = convergence.train_starts(starts.replace(hidden=3))
    return (width3,)


@app.cell
def _(convergence, starts):
    width4 = convergence.train_starts(starts.replace(hidden=4))
    return (width4,)


@app.cell
def _(mo, convergence, tables, width2, width3, width4):
    mo.md(tables.markdown_table(convergence.stats_rows(
        {"2 hidden units": width2, "3 hidden units": width3, "4 hidden units": width4},
        "network")))
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    ## The whole map: learning rate × init range

    One cell per setting; its colour is the share of its random starts that converged, for
    the network and loss chosen above. """ + course.live_or_static(
        "The map is trained in rounds, a few seeds per cell at a time, so it fills in and "
        "then sharpens. The default grid is small; the button trains a finer grid with 50 "
        "starts per cell and twice the epoch budget (several seconds).",
        "This is the default grid; the interactive version also trains a finer one, with 50 "
        "starts per cell and twice the epoch budget."))
    return


@app.cell
def _(mo):
    big = mo.ui.run_button(label="run the big sweep")
    big
    return (big,)


@app.cell
def sweep_cell(big, hidden, loss, mo, plots, convergence):
    grid = convergence.BIG_GRID if big.value else convergence.DEFAULT_GRID
    sweep_progress = []
    # Plain words on the bar ("300 of 600 runs"), not a rate in iterations per second.
    with mo.status.progress_bar(total=grid.runs, title="training the grid",
                                subtitle=f"0 of {grid.runs} runs", show_rate=False,
                                show_eta=False, remove_on_exit=True) as _bar:
        def _show(done, total, partial):
            sweep_progress.append((done, total))
            _bar.update(increment=done - _bar.current, subtitle=f"{done} of {total} runs")
            mo.output.replace_at_index(plots.convergence_map(**convergence.map_args(partial)), 1)

        sweep_result = convergence.run_sweep(grid, hidden.value, loss.value, on_progress=_show)
    plots.convergence_map(**convergence.map_args(sweep_result))
    return grid, sweep_progress, sweep_result


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    **Reading the map** (2 hidden units, squared error, the default grid): in the rows with
    small learning rates, small steps from near-symmetric starts run out of budget. The
    right-hand columns are too wide: saturated sigmoids pass back almost no gradient. In
    between lies a band where most starts converge, yet even there a share gets stuck; that
    share shrinks with 3 or 4 hidden units. With cross-entropy the row of learning rate 20
    turns pale: the steps overshoot.
    """)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Four maps, pre-computed

    The same default grid for four choices, computed once when the page is built (so they
    also show on a static copy of this page).
    """)
    return


@app.cell
def _(convergence):
    static_maps = convergence.static_maps()
    return (static_maps,)


@app.cell
def _(mo, plots, convergence, static_maps):
    mo.ui.tabs({name: plots.convergence_map(**convergence.map_args(result))
                for name, result in static_maps.items()})
    return


@app.cell(hide_code=True)
def _(quiz):
    # Answer first, then the answer and why (nnlab.view.quiz). Fixed prompts and choices: the
    # radios below are made once, so moving a control never clears an answer. The answers and
    # reasons, which read the starts above, come in `questions`.
    asked = [
        quiz.Asked(
            "1. With the settings above, what share of the starts converged?",
            ("under a quarter", "a quarter to a half", "a half to three quarters",
             "more than three quarters")),
        quiz.Asked(
            "2. What does a wider init range (say ±8) do to the share of starts that get "
            "stuck?",
            ("fewer get stuck: bigger weights learn faster", "more get stuck",
             "nothing changes", "every start diverges")),
        quiz.Asked(
            "3. Two hidden units can represent XOR. Why do three converge more often?",
            ("two units cannot represent XOR after all",
             "the third unit is a spare",
             "three units get a larger learning rate",
             "the threshold is easier to reach with three")),
    ]
    return (asked,)


@app.cell
def _(asked, mo):
    answers = mo.ui.array([mo.ui.radio(a.choices, label=a.prompt) for a in asked])
    return (answers,)


@app.cell(hide_code=True)
def _(asked, convergence, runs, starts):
    _s = convergence.starts_stats(runs)
    questions = [
        asked[0].answered(
            min(3, int(_s["share"] * 4)),
            f"With {starts.hidden} hidden units, {starts.loss}, learning rate "
            f"{starts.learning_rate:g} and init range ±{starts.init_range:g}: "
            f"{_s['converged']} of {_s['starts']} ({_s['share']:.0%}) converged. "
            + convergence.outcomes(_s)
            + (" In the band chart the stuck ones hold up the top of the band: it levels off "
               "instead of falling." if (_s["plateau"] or 0) > _s["starts"] / 10 else "")),
        asked[1].answered(
            1,
            r"Large weights give large pre-activations $z$, and the sigmoid is flat far from "
            r"0: $\sigma'(z) = \sigma(z)(1-\sigma(z))$ is below 0.001 for $|z| > 7$. "
            "Backpropagation multiplies by that slope, so saturated units receive almost no "
            "gradient and cannot move."),
        asked[2].answered(
            1,
            "Representing XOR needs two useful hidden lines, and with two units both must find "
            "one. A third unit gives gradient descent a spare: if one unit settles on a "
            "useless line, the other two can still carve out the answer, so fewer starts end "
            "on a plateau."),
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
    mo.md(course.bottom("04_convergence"))
    return


if __name__ == "__main__":
    app.run()
