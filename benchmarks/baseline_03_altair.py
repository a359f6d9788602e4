# The latency baseline: lesson 03 as it was before live views (every chart an Altair output,
# re-embedded by the page on every change). benchmarks/latency.py measures it in the same run
# as the live lesson and prints the ratio. Not a lesson: not in notebooks/, not published.
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Training XOR

    A network with random or hand-set weights answers XOR badly. Training fixes that by
    repeating one short loop, many times:

    1. **forward**: run the four XOR cases through the network;
    2. **loss**: measure how far the four outputs are from the targets 0, 1, 1, 0;
    3. **backward**: backpropagation gives, for every weight and bias $\theta$, the slope
       $\partial L / \partial \theta$;
    4. **update**: move every parameter a little way downhill,

    $$\theta \;\leftarrow\; \theta - \eta\,\frac{\partial L}{\partial \theta}.$$

    The step size $\eta$ is the **learning rate**. One pass over the four cases is an
    **epoch**. In *full batch* mode the slopes are averaged over all four cases and the
    network takes one step per epoch; in *online* mode it steps after every single case (four
    steps per epoch); *mini-batch* steps after every two.
    """)
    return


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import nnlab
    from nnlab import datasets
    from nnlab.view import plots, tables
    from nnlab.lessons import training_xor

    return datasets, mo, nnlab, np, plots, training_xor, tables


@app.cell
def _(datasets):
    xor = datasets.xor()
    X, Y = xor.X, xor.Y
    return X, Y


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Pick a preset, then change one thing

    The controls sit in the sidebar on the left, where they stay in view while you scroll
    to the curves and the replay. A preset sets every control. **Fixed start, learning rate
    2.0** begins from nine fixed numbers, so it prints the very same loss table on every
    computer. **Random start, online steps, retries** draws its starting weights at random;
    when a start has not reached a loss of 0.001 within its epoch budget, it is thrown away
    and a fresh one drawn.
    """)
    return


@app.cell
def _(mo, training_xor):
    preset = mo.ui.dropdown(list(training_xor.PRESETS), value=training_xor.FIXED_START, label="preset")
    return (preset,)


@app.cell
def _(mo, preset, training_xor):
    _s = training_xor.preset(preset.value).setup
    _pick = lambda labels: {v: k for k, v in labels.items()}  # noqa: E731 (label -> name)
    controls = mo.ui.dictionary({
        "learning_rate": mo.ui.slider(steps=training_xor.LEARNING_RATES, value=_s.learning_rate,
                                      label="learning rate", show_value=True, debounce=True),
        "loss": mo.ui.dropdown(_pick(training_xor.LOSS_LABELS), value=training_xor.LOSS_LABELS[_s.loss],
                               label="loss"),
        "mode": mo.ui.dropdown(_pick(training_xor.MODE_LABELS), value=training_xor.MODE_LABELS[_s.mode],
                               label="update mode"),
        "epochs": mo.ui.slider(steps=training_xor.EPOCH_CHOICES, value=_s.epochs, label="epochs",
                               show_value=True, debounce=True),
        "hidden": mo.ui.slider(2, 8, value=_s.hidden, label="hidden units", show_value=True,
                               debounce=True),
        "activation": mo.ui.dropdown(["sigmoid", "tanh", "relu", "leaky_relu"],
                                     value=_s.activation, label="hidden activation"),
        "start": mo.ui.dropdown(_pick(training_xor.START_LABELS),
                                value=training_xor.START_LABELS[_s.start], label="start"),
        "seed": mo.ui.number(0, 9999, value=_s.seed, label="weight seed", debounce=True),
        "weight_range": mo.ui.range_slider(-5, 5, step=0.25, value=list(_s.weight_range),
                                           label="weight init range", show_value=True,
                                           debounce=True),
        "bias_range": mo.ui.range_slider(-2, 2, step=0.1, value=list(_s.bias_range),
                                         label="bias init range", show_value=True,
                                         debounce=True),
        "retries": mo.ui.slider(0, 9, value=_s.retries, label="retries", show_value=True,
                                debounce=True),
    })
    # In the sidebar the controls stay in view next to whatever part of the page is read.
    mo.sidebar(mo.vstack(
        [preset, mo.md("### Training")]
        + [controls[k] for k in ("learning_rate", "loss", "mode", "epochs")]
        + [mo.md("### Network and start")]
        + [controls[k] for k in ("hidden", "activation", "start", "seed", "weight_range",
                                 "bias_range", "retries")], gap=0.6), width="340px")
    return (controls,)


@app.cell
def _(mo):
    get_good, set_good = mo.state(None)
    return get_good, set_good


@app.cell
def train_cell(X, Y, controls, get_good, preset, training_xor, set_good):
    _chosen = training_xor.preset(preset.value).setup
    try:
        setup = _chosen.replace(**controls.value)
        run = setup.train(X, Y)
    except ValueError as _error:
        problem = str(_error)
        setup, run = get_good() or (_chosen, _chosen.train(X, Y))
    else:
        problem = None
        set_good((setup, run))
    return problem, run, setup


@app.cell
def _(X, Y, mo, training_xor, problem, run, setup, tables):
    diagnosis = training_xor.diagnose(run, X, Y)
    final_outputs = training_xor.final_outputs(run, X)
    _notes = [mo.callout(mo.md(f"**These settings cannot run:** {problem}. The page shows the "
                               "last run that could."), kind="danger")] if problem else []
    _notes += [mo.callout(mo.md(setup.start_note), kind="info")] if setup.start_note else []
    # Tables go out as HTML, not charts: nothing for the browser to compile and paint.
    mo.vstack(_notes + [mo.callout(mo.md(diagnosis.message), kind=diagnosis.kind),
                        mo.md(training_xor.summary(run)),
                        mo.Html(tables.outputs_html(X, final_outputs, Y,
                                                    title="outputs after training"))])
    return diagnosis, final_outputs


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## The loss and the accuracy, epoch by epoch

    `loss[e]` is measured on epoch *e*'s own forward passes, before that epoch's update, so
    epoch 0 is the loss of the starting weights; the dotted line is the 0.001 threshold.
    The second chart gives the share of the four cases answered right in those same passes
    (right means on the target's side of 0.5): it moves in jumps of a quarter, and often
    reaches 100% long before the loss reaches the threshold.

    With **retries**, a start whose loss is still above the threshold at the end of its
    epoch budget is dropped and fresh weights are drawn (from the same weight seed, one new
    stream per attempt). Every attempt's curve is drawn and listed. Stuck attempts of the
    retry preset level off near 0.07-0.11: a hidden unit has settled on a line that cannot
    help separate XOR, and its slopes are too small to climb out.
    """)
    return


@app.cell
def _(mo):
    log_scale = mo.ui.checkbox(value=True, label="log scale")
    log_scale
    return (log_scale,)


@app.cell
def _(log_scale, plots, training_xor, run, setup):
    # Each chart cell shows its chart alone: the cheapest output for marimo to send (compact
    # JSON, not escaped into HTML) and for the browser to redraw on every change.
    plots.loss_chart(training_xor.attempt_runs(run), log=log_scale.value, threshold=setup.threshold)
    return


@app.cell
def _(plots, training_xor, run):
    plots.accuracy_chart(training_xor.attempt_runs(run))
    return


@app.cell
def _(mo, training_xor, run, tables):
    attempts = training_xor.attempts_table(run)
    loss_rows = training_xor.loss_table(run)
    mo.md(f"**attempts**\n\n{tables.markdown_table(attempts)}\n\n"
          f"**The loss every {training_xor.table_every(run.epochs)} epochs** "
          f"(4 decimals, the last attempt):\n\n{training_xor.loss_table_markdown(loss_rows)}")
    return attempts, loss_rows


@app.cell(hide_code=True)
def _(diagnosis, mo, run):
    mo.md(rf"""
    **Try it.** This run ended *{diagnosis.status}* after {run.epochs} epochs. With the
    fixed start at learning rate 2.0 the table reads 0.2518, 0.0888, 0.0034, ... 0.0004: a
    long slow start, a sudden drop between epochs 500 and 1000, then a slow polish. Now move
    **one** control at a time:

    - learning rate **0.5**: the same start, smaller steps; the plateau near 0.25 lasts
      until about epoch 1700, and 4001 epochs are no longer enough to reach 0.001;
      at **0.1** the run never leaves the plateau;
    - learning rate **10**: the loss is below 0.001 by about epoch 400;
    - loss **half squared error** at 2.0: it moves exactly like squared error at 1.0, since
      halving the loss halves every slope (compare the tables: the numbers are halved too);
    - loss **cross-entropy** at 2.0: the same start leaves the plateau within 300 epochs; at
      **10** or **20** the steps overshoot and the run is flagged as diverged;
    - update mode **online**: four small steps per epoch instead of one averaged step.
    """)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## What the network answers

    The outputs after the last update are listed under the run's summary above, each with
    its verdict (right when it falls on the target's side of 0.5). Here is the trained
    network itself: line width is the size of a weight, orange positive, blue negative.
    """)
    return


@app.cell
def _(plots, run):
    plots.network_chart(run.network, run.params, title="the trained network")
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Replay any epoch

    Training stored a copy of the parameters about every hundredth of the run, and the
    outputs of every epoch. The slider below replays them: the outputs recorded at that
    epoch and the decision boundary of the stored parameters. Nothing is retrained, so it
    answers at once. Watch the boundary: for a long while it is one straight-ish edge, then
    it bends into a band that puts (0, 1) and (1, 0) on one side and the two corners on the
    other.
    """)
    return


@app.cell
def _(mo, training_xor, run):
    _epochs = training_xor.scrub_epochs(run)
    scrub = mo.ui.slider(steps=_epochs, value=_epochs[-1], label="replay epoch",
                         show_value=True, debounce=True, full_width=True)
    scrub
    return (scrub,)


@app.cell
def replay_cell(training_xor, run, scrub):
    replay_outputs, replay_params = training_xor.replay(run, scrub.value)
    return replay_outputs, replay_params


@app.cell
def _(X, Y, plots, training_xor, replay_params, run, scrub):
    plots.boundary_chart(run.network, replay_params, X, Y, extent=training_xor.UNIT_SQUARE,
                         resolution=60, title=f"decision boundary at epoch {scrub.value}")
    return


@app.cell
def _(X, Y, mo, replay_outputs, scrub, tables):
    mo.Html(tables.outputs_html(X, replay_outputs, Y, title=f"outputs at epoch {scrub.value}"))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## The same runs, pre-computed

    These tabs were computed once when the page was built, so they also teach on a static
    copy of this page: three learning rates from the fixed start, squared error against
    cross-entropy from that same start, and the retry preset's attempts (loss on a log
    scale, threshold dotted).
    """)
    return


@app.cell
def _(X, Y, training_xor):
    scenario_runs = training_xor.scenarios(X, Y)
    return (scenario_runs,)


@app.cell
def _(mo, plots, training_xor, scenario_runs):
    mo.ui.tabs({
        name: mo.vstack([
            mo.md("  \n".join(f"*{k}*: {training_xor.summary(r)}" for k, r in runs.items())),
            plots.loss_chart(runs, log=True, threshold=0.001)])
        for name, runs in scenario_runs.items()})
    return


@app.cell(hide_code=True)
def _(diagnosis, mo, run, setup):
    mo.vstack([mo.md("## Check yourself"), mo.accordion({
        f"1. In the run above (learning rate {setup.learning_rate:g}, {setup.loss}), at which "
        "epoch did the loss first drop below 0.001, and why is that not the end of training?":
            mo.md(
                (f"At epoch **{run.converged_at}**. " if run.converged else
                 "It never did in this run: " + diagnosis.message + " ")
                + "Below the threshold every output is already on the right side of 0.5, but "
                "each step still pushes the outputs closer to 0 and 1, so the loss keeps "
                "shrinking, ever more slowly (unless the run stops at the threshold, as the "
                "retry preset does)."),
        "2. Why does the fixed start print the same table on every computer, while the "
        "random start needs a seed and sometimes a retry?":
            mo.md("Nothing in the fixed run is random: same nine numbers, same order of "
                  "cases, same arithmetic. A random start is a draw from the init ranges; the "
                  "seed makes the draw repeatable, but some draws land where gradient descent "
                  "stalls, and a retry simply draws again."),
        "3. Set the loss to cross-entropy and the learning rate to 20. What happens, and why "
        "does the same learning rate hurt squared error less?":
            mo.md("The loss jumps above where it started within a few epochs and the page "
                  "flags the run as diverged. With cross-entropy the output's error term is "
                  r"$\hat y - y$, which stays large when the output is confidently wrong; "
                  r"squared error multiplies it by $\hat y(1-\hat y)$, which shrinks towards 0 "
                  "as the sigmoid saturates, so its steps are smaller and it overshoots less."),
    })])
    return


if __name__ == "__main__":
    app.run()
