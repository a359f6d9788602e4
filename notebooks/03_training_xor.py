# /// script
# [tool.marimo.opengraph]
# title = "Training XOR"
# description = "The training loop on the 2-2-1 net: presets, loss and accuracy curves, and a replay of any past epoch."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("03_training_xor"))
    return


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
    import functools

    import marimo as mo
    import numpy as np

    import nnlab
    from nnlab import datasets
    from nnlab.view import course, live, plots, quiz, tables
    from nnlab.lessons import training_xor

    return course, datasets, functools, live, mo, nnlab, np, plots, quiz, tables, training_xor


@app.cell
def _(datasets):
    xor = datasets.xor()
    X, Y = xor.X, xor.Y
    return X, Y


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.live_or_static(r"""
    ## Pick a preset, then change one thing

    The controls sit in the sidebar on the left, where they stay in view while you scroll
    to the curves and the replay. A preset sets every control. **Fixed start, learning rate
    2.0** begins from nine fixed numbers, so it prints the very same loss table on every
    computer. **Random start, online steps, retries** draws its starting weights at random;
    when a start has not converged within its epoch budget, it is thrown away and a fresh
    one drawn.
    """, r"""
    ## Two presets

    This static copy shows the run of the preset **fixed start, learning rate 2.0**: it
    begins from nine fixed numbers, so it prints the very same loss table on every computer.
    Its settings are in the sidebar on the left, frozen here; in the interactive version
    they train a new run at every change. The other preset, **random start, online steps,
    retries**, draws its starting weights at random; when a start has not converged within
    its epoch budget, it is thrown away and a fresh one drawn (its attempts are in the last
    of the pre-computed tabs further down).
    """) + r"""

    **Converged** means the same thing on every page of this course: the loss fell below
    the value it takes when every output is 0.1 from its target. Each loss turns that one
    distance into its own threshold: $0.1^2 = 0.01$ for squared error, half of it (0.005)
    for half squared error, $-\ln 0.9 \approx 0.105$ for cross-entropy. (One number for all three would let
    cross-entropy's 0.001 / 0.999 outputs count as "still learning" while squared error's
    0.02 / 0.98 counted as done.)
    """)
    return


@app.cell
def _(mo, training_xor):
    preset = mo.ui.dropdown(list(training_xor.PRESETS), value=training_xor.FIXED_START, label="preset")
    return (preset,)


@app.cell
def _(course, live, mo, preset, training_xor):
    _s = training_xor.preset(preset.value).setup
    _pick = lambda labels: {v: k for k, v in labels.items()}  # noqa: E731 (label -> name)
    controls = mo.ui.dictionary({
        "learning_rate": mo.ui.slider(steps=training_xor.LEARNING_RATES, value=_s.learning_rate,
                                      label="learning rate", show_value=True),
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
        # No bounds in the widget: it would clamp -5 to 0 silently; Setup names the refusal.
        "seed": mo.ui.number(value=_s.seed, step=1, label="weight seed", debounce=True),
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
    # The sidebar is laid out once per preset: a layout redrawn on every change would
    # replace the very control being moved.
    _frozen = live.live_only_note(
        "Static copy: these controls need the live lesson (marimo run). The learning rate "
        "and loss above the charts still switch between runs computed in advance.")
    mo.sidebar(mo.vstack(
        [mo.Html(_frozen), preset, mo.md("### Training")]
        + [controls[k] for k in ("learning_rate", "loss", "mode", "epochs")]
        + [mo.md("### Network and start")]
        + [controls[k] for k in ("hidden", "activation", "start")]
        + [mo.md(course.live_or_static(
            "*Weight seed, init ranges and retries: on the page under \"Pick a preset\", "
            "when the start is random.*",
            "*Weight seed, init ranges and retries: on the page, when the start is random.*"))],
        gap=0.6), width="340px")
    return (controls,)


@app.cell
def _(controls, mo, problem, setup, training_xor):
    # Next to the start's own controls: a value the run refuses, or a start other than the
    # one asked for. Under the fixed start the seed, init ranges and retries do nothing:
    # they are hidden, with the reason, instead of moving without effect.
    _notes = [mo.callout(mo.md(f"**These settings cannot run:** {problem}. The page shows the "
                               "last run that could."), kind="danger")] if problem else []
    _notes += [mo.callout(mo.md(setup.start_note), kind="info")] if setup.start_note else []
    _unused = training_xor.unused_start_controls(controls.value["start"], controls.value["hidden"])
    mo.vstack(_notes + [mo.md(_unused) if _unused else mo.vstack([
        mo.md("**The random start**"),
        mo.hstack([controls[k] for k in training_xor.START_CONTROLS], justify="start", gap=1.5,
                  wrap=True)])])
    return


@app.cell
def _(mo):
    get_good, set_good = mo.state(None)
    return get_good, set_good


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.live_or_static(r"""
    ## Watch it train

    **Play** trains the same network again from its starting weights, a few dozen epochs
    per frame, and every picture below follows: the curves grow, the boundary bends, the
    weights thicken. **Step** trains one such chunk, the scrubber jumps to any epoch, and
    **Reset** goes back to the start. When it reaches the end it shows exactly the run that
    the controls trained in one go.
    """, r"""
    ## The run, and the runs next to it

    The pictures below show the finished run. The **learning rate** and **loss** above them
    switch to other runs from the same fixed start, computed when the page was built. The
    player (which retrains the run epoch by epoch, so the curves grow and the boundary
    bends) needs the interactive version.
    """) + r"""

    `loss[e]` is measured on epoch *e*'s own forward passes, before that epoch's update, so
    epoch 0 is the loss of the starting weights; the dotted line is the convergence
    threshold of the chosen loss (its value when every output is 0.1 from its target). The
    accuracy is the share of the four cases answered right in those same passes (right
    means on the target's side of 0.5): it moves in jumps of a quarter, and often reaches
    100% long before the loss reaches the threshold. The boundary is shaded by the output
    (blue near 0, orange near 1) with the 0.5 line drawn dark; the network's lines are its
    weights (orange positive, blue negative, thicker for larger).

    With **retries**, a start that has not converged by the end of its epoch budget is dropped and fresh weights are drawn (from the same weight seed, one new
    stream per attempt). Every attempt's curve is drawn and listed""" + course.live_or_static(
        "; Play replays the last.", ".") + r"""
    Stuck attempts of the retry preset level off near 0.07-0.11: a hidden unit has settled
    on a line that cannot help separate XOR, and its slopes are too small to climb out.
    """)
    return


@app.cell
def _(live, mo, training_xor):
    # Made once: later changes send new numbers to these widgets, which redraw in place.
    view, player = live.LiveView(), live.Player(label="epoch")
    playback = live.Playback()
    if mo.app_meta().mode != "run":  # a page being edited or exported keeps static frames
        view.offer(*training_xor.explorer())
    player_ui = mo.ui.anywidget(player)
    mo.vstack([player_ui, mo.ui.anywidget(view)], gap=0.5)
    return player, player_ui, playback, view


@app.cell
def train_cell(X, Y, controls, functools, get_good, mo, player, playback, preset, set_good,
               tables, training_xor, view):
    # The one cell a control change reruns below the controls (the start's notes above are
    # the other): it trains, sends the pictures, then works out the verdict and the tables
    # under them. Each cell a change reruns costs the page a round of updates, so the
    # pictures arrive sooner when fewer cells run.
    _chosen = training_xor.preset(preset.value).setup
    try:
        setup = _chosen.replace(**training_xor.active_controls(controls.value))
        run = setup.train(X, Y)
    except ValueError as _error:
        problem = str(_error)
        setup, run = get_good() or (_chosen, _chosen.train(X, Y))
    else:
        problem = None
        set_good((setup, run))
    _last = training_xor.all_attempts(run)[-1]  # Play trains the last attempt again
    # (partial, not a lambda: a lambda would look up this cell's _last after the cell ends)
    playback.cue(setup.key, functools.partial(setup.training, X, Y, _last.initial_params))
    player.start(setup.key, _last.epochs)  # stop the player, point it at the run's end
    view.show(training_xor.live_frame(run, X, Y, threshold=setup.loss_threshold))

    diagnosis = training_xor.diagnose(run, X, Y)
    final_outputs = training_xor.final_outputs(run, X)
    attempts = training_xor.attempts_table(run)
    loss_rows = training_xor.loss_table(run)
    mo.vstack([
        mo.callout(mo.md(diagnosis.message), kind=diagnosis.kind),
        mo.md(training_xor.summary(run)),
        mo.md(f"**attempts**\n\n{tables.markdown_table(attempts)}\n\n"
              f"**The loss every {training_xor.table_every(run.epochs)} epochs** "
              f"(4 decimals, the last attempt):\n\n"
              f"{training_xor.loss_table_markdown(loss_rows)}")])
    return attempts, diagnosis, final_outputs, loss_rows, problem, run, setup


@app.cell
def live_cell(X, Y, player, player_ui, playback, training_xor, view):
    # Answers the player (Play, Step, the scrubber): trains the cued run on to the epoch the
    # page asks for and draws it. It reads the run from `playback`, so a new run does not
    # rerun this cell; only a request from the player does.
    player_ui.value
    wanted = player.wanted(player.run_key)
    if wanted is not None:
        shown = playback.replay(wanted)
        view.frame = training_xor.live_frame(shown, X, Y, epoch=wanted,
                                             threshold=training_xor.run_threshold(shown))
        player.answered(shown.epochs)
    return


@app.cell(hide_code=True)
def _(course, mo):
    # (Fixed text: the run's own verdict is in the callout below the pictures, so this cell
    # does not rerun at every change.)
    _intro = r"""
    **Try it.** With the fixed start at learning rate 2.0 the table reads 0.2518, 0.0888,
    0.0034, ... 0.0004: a long slow start, a sudden drop between epochs 500 and 1000 (it
    converges at epoch 698), then a slow polish."""
    # A static copy still switches the learning rate and the loss (runs computed in advance);
    # only the update mode needs Python.
    mo.md(_intro + course.live_or_static(r""" Now move **one** control at a time:

    - learning rate **0.5**: the same start, smaller steps; the plateau near 0.25 lasts
      until about epoch 1500, and the run converges only at epoch 2784; at **0.3** the
      4001 epochs run out before it converges, and at **0.1** it never leaves the plateau;
    - learning rate **10**: converged by epoch 138;
    - loss **half squared error** at 2.0: it moves exactly like squared error at 1.0, since
      halving the loss halves every slope (compare the tables: the numbers are halved too);
    - loss **cross-entropy** at 2.0: the same start converges at epoch 301; at **10** or
      **20** a step overshoots (the loss more than doubles) and the run is flagged as
      diverged;
    - update mode **online**: four small steps per epoch instead of one averaged step.
    """, r""" The **learning rate** and **loss** above the charts switch between runs from
    this same start, computed when the page was built (the tables stay those of the run at
    2.0). Change one of the two at a time:

    - learning rate **0.5**: the same start, smaller steps; the plateau near 0.25 lasts
      until about epoch 1500, and the run converges only at epoch 2784; at **0.3** the
      4001 epochs run out before it converges, and at **0.1** it never leaves the plateau;
    - learning rate **10**: converged by epoch 138;
    - loss **half squared error** at 2.0: it moves exactly like squared error at 1.0, since
      halving the loss halves every slope;
    - loss **cross-entropy** at 2.0: the same start converges at epoch 301; at **10** or
      **20** a step overshoots (the loss more than doubles) and the run is flagged as
      diverged.

    The update mode (**online**: four small steps per epoch instead of one averaged step)
    needs the interactive version.
    """))
    return


@app.cell(hide_code=True)
def _(mo, training_xor):
    mo.vstack([
        mo.md("""
    ## The loop that trained it

    This is nnlab's training loop, read from its source as the page runs: one epoch is a
    forward pass, the loss, the backward pass (`backprop`) and the optimiser's update, batch
    by batch. The page trains with nnlab's fast engine, which does the same arithmetic in
    fewer steps; the test suite holds it to this loop's numbers to 12 digits.
    """),
        mo.md(training_xor.loop_markdown()),
    ])
    return



@app.cell(hide_code=True)
def _(X, Y, mo, tables, training_xor):
    program_printed = training_xor.program_output()
    program_rows = training_xor.program_comparison(X, Y, program_printed)
    mo.vstack([
        mo.md(f"""
    ## The whole run in {training_xor.program_lines()} lines of plain Python

    No nnlab and no NumPy: the fixed start, learning rate 2.0, full batch, epochs 0 to 4000,
    each number a plain Python float. The page runs this program and prints what it prints,
    beside nnlab's numbers for the same preset: they agree to every printed digit. Copy it
    into a file and run it anywhere, or open this lesson with
    `marimo edit notebooks/03_training_xor.py` to change it.
    """),
        mo.md(training_xor.program_markdown()),
        mo.hstack([
            mo.vstack([mo.md("**What it prints**"), mo.plain_text(program_printed)]),
            mo.vstack([mo.md("**Beside nnlab's loss table for the same preset**"),
                       mo.md(tables.markdown_table(program_rows))]),
        ], justify="start", gap=2, align="start"),
    ])
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## The same runs, pre-computed

    These tabs were computed once when the page was built, so they also teach on a static
    copy of this page: three learning rates from the fixed start, squared error against
    cross-entropy from that same start, and the retry preset's attempts (loss on a log
    scale, the loss's convergence threshold dotted). Squared error and cross-entropy are
    different numbers, so they get an axis and a threshold each, next to the accuracy
    they share.
    """)
    return


@app.cell
def _(X, Y, training_xor):
    scenario_runs = training_xor.scenarios(X, Y)
    return (scenario_runs,)


@app.cell
def _(mo, plots, training_xor, scenario_runs):
    # One chart per loss (a squared error and a cross-entropy on one axis would compare
    # different numbers), plus their shared accuracy when the tab holds two losses.
    mo.ui.tabs({
        name: mo.vstack([
            mo.md("  \n".join(f"*{k}*: {training_xor.summary(r)}" for k, r in runs.items())),
            mo.hstack([plots.loss_chart(group, log=True, threshold=threshold,
                                        title=training_xor.loss_title(group))
                       for group, threshold in training_xor.runs_by_loss(runs)]
                      + ([plots.accuracy_chart(runs, title="accuracy, the share of cases right")]
                         if len(training_xor.runs_by_loss(runs)) > 1 else []),
                      widths="equal", wrap=True)])
        for name, runs in scenario_runs.items()})
    return


@app.cell(hide_code=True)
def _(quiz):
    # Fixed prompts and choices: the radios are made once, so moving a control never clears
    # an answer. The answers and their reasons read the run, in `questions` below.
    asked = [
        quiz.Asked(
            "1. From the fixed start at learning rate 2.0 (the first preset) the run counts as "
            "converged at epoch 698. What does training do after that epoch?",
            ("it stops there by itself",
             "the loss keeps shrinking, ever more slowly",
             "the loss starts to rise again",
             "the accuracy keeps rising")),
        quiz.Asked(
            "2. Why does the fixed start print the same table on every computer, while the "
            "random start needs a seed and sometimes a retry?",
            ("the fixed start uses a smaller learning rate",
             "nothing in the fixed run is random",
             "the random start trains fewer epochs",
             "the computer's clock seeds the fixed start")),
        quiz.Asked(
            "3. Cross-entropy at learning rate 20 from the fixed start: what happens, and why "
            "does squared error at the same rate suffer less?",
            ("both converge, cross-entropy first",
             "cross-entropy overshoots and is flagged as diverged",
             "squared error blows up, cross-entropy does not",
             "both stay on the plateau")),
    ]
    return (asked,)


@app.cell
def _(asked, mo):
    answers = mo.ui.array([mo.ui.radio(a.choices, label=a.prompt) for a in asked])
    return (answers,)


@app.cell(hide_code=True)
def _(X, Y, asked, training_xor):
    # Question 1 is about the first preset's run, trained once here: its numbers hold still
    # while the learner answers, whatever the controls show above.
    _fixed = training_xor.preset(training_xor.FIXED_START).setup.train(X, Y)
    questions = [
        asked[0].answered(
            1,
            f"That run converged at epoch **{_fixed.converged_at}** and trains on to epoch "
            f"{_fixed.epochs - 1}. " + training_xor.after_convergence(_fixed, Y)),
        asked[1].answered(
            1,
            "Same nine numbers, same order of cases, same arithmetic. A random start is a draw "
            "from the init ranges; the seed makes the draw repeatable, but some draws land "
            "where gradient descent stalls, and a retry simply draws again."),
        asked[2].answered(
            1,
            "The loss more than doubles within a few epochs and never converges, which this "
            r"course calls divergence. With cross-entropy the output's error term is "
            r"$\hat y - y$, which stays large when the output is confidently wrong; squared "
            r"error multiplies it by $\hat y(1-\hat y)$, which shrinks towards 0 as the "
            "sigmoid saturates, so its steps are smaller and it overshoots less."),
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
    mo.md(course.bottom("03_training_xor"))
    return


if __name__ == "__main__":
    app.run()
