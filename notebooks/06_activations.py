# /// script
# [tool.marimo.opengraph]
# title = "Activation functions"
# description = "Sigmoid, tanh and ReLU side by side: vanishing gradients, saturated and dead units."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("06_activations"))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Activation functions

    A hidden unit adds up its weighted inputs, $z = a_\text{prev} W + b$, and then passes $z$
    through a non-linear function $f$. Without that $f$, any stack of layers collapses into a
    single straight-line rule. Which $f$ we pick changes more than the shape of the boundary: it
    decides how much gradient reaches the early layers, how fast training goes, and whether
    some units stop working altogether. This lesson looks at four common choices.
    """)
    return


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import nnlab
    from nnlab.lessons import activation_study
    from nnlab.view import course, live, plots, quiz

    return activation_study, course, live, mo, nnlab, np, plots, quiz


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Four functions and their slopes

    During backpropagation every hidden layer multiplies the error coming from above by its
    activation's slope $f'(z)$. So the derivative column matters as much as the function itself.
    """)
    return


@app.cell(hide_code=True)
def _(activation_study, mo):
    mo.md(activation_study.formulas_markdown())
    return


@app.cell
def _(mo, nnlab):
    drawn = mo.ui.multiselect(
        options=[n for n in nnlab.HIDDEN_ACTIVATIONS if n != "identity"],
        value=["sigmoid", "tanh", "relu", "leaky_relu"], label="activations to draw")
    z_range = mo.ui.slider(steps=[2, 3, 5, 8, 12], value=5, label="z from −r to r, r =",
                           show_value=True)
    mo.hstack([drawn, z_range], justify="start", gap=2)
    return drawn, z_range


@app.cell
def _(live, mo):
    # Made once: the controls above send it new curves, which it redraws in place.
    functions_view = live.LiveView()
    mo.ui.anywidget(functions_view)
    return (functions_view,)


@app.cell
def _(activation_study, drawn, functions_view, z_range):
    functions_view.frame = activation_study.activation_frame(drawn.value or ["sigmoid"], z_range.value)
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    **Try it.** Hover over the slope panel, $f'(z)$. The sigmoid's slope is never more than
    $\tfrac14$, reached at $z = 0$, and it is below $0.01$ once $|z| > 4.6$. The tanh is a
    stretched sigmoid, $\tanh(z) = 2\sigma(2z) - 1$: its slope reaches 1, but it flattens out just
    as quickly. ReLU's slope is exactly 1 for every positive $z$ and exactly 0 for every
    negative one; leaky ReLU keeps a small slope of 0.01 on the negative side (the two
    coincide for positive $z$, so ReLU is drawn as the wide line under leaky ReLU's dashes).
    """ + course.live_or_static(r"""
    Widen the range to 12: the sigmoid and tanh slopes vanish, the ReLU slope does not.
    """, r"""
    Over a range of 12 (in the interactive version) the sigmoid and tanh slopes vanish,
    the ReLU slope does not.
    """))
    return



@app.cell(hide_code=True)
def _(activation_study, drawn, mo):
    mo.accordion({"The code of these curves (nnlab's own source)": mo.vstack([
        mo.md("Each activation is two plain NumPy functions in `nnlab/activations.py`: its value "
              "and its derivative, which backpropagation multiplies in at every layer (the line "
              "`fns[layer - 1].backprop(...)` in `backprop` below). To change them and re-run, "
              "open this lesson with `marimo edit notebooks/06_activations.py`."),
        mo.md(activation_study.code_markdown(drawn.value or ["sigmoid"])),
    ])})
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Why deep sigmoid networks stop learning

    Backpropagation sends the error term $\delta$ down the network one layer at a time:

    $$
    \delta^{(l)} = \big(\delta^{(l+1)}\, W^{(l+1)\top}\big) \odot f'\big(z^{(l)}\big),
    \qquad
    \frac{\partial L}{\partial W^{(l)}} = a^{(l-1)\top}\, \delta^{(l)} .
    $$

    Each step down multiplies by the weights *and* by the slope $f'$. For a sigmoid,
    $f' \le \tfrac14$ everywhere. With weights of moderate size (Xavier: variance
    $1/\text{fan-in}$), nothing makes up for it, so the error shrinks by a factor of four or
    more at every hidden layer. Going through six sigmoid layers multiplies it by at most
    $(\tfrac14)^6 \approx 2.4 \times 10^{-4}$. The first layers then get almost no gradient and
    barely move, however long we train. A ReLU unit that is on passes the error through with
    slope 1, so only the weights scale it.

    Below, two networks with the same layers and the same weight seed train on a circles data
    set (200 points, so it stays quick). Each starts from its usual initialisation (Xavier for
    sigmoid and tanh, He for the ReLU family). Every line is one layer's gradient size
    $\lVert \partial L / \partial W \rVert$ over the epochs, on a log scale.
    """)
    return


@app.cell
def _(mo):
    DEEP_DEFAULTS = dict(depth=6, left="sigmoid", right="relu", learning_rate=0.1, epochs=500)
    _names = ["sigmoid", "tanh", "relu", "leaky_relu"]
    deep_form = mo.md(
        "{depth} {learning_rate} {epochs}\n\n{left} against {right}"
    ).batch(
        depth=mo.ui.slider(1, 8, value=DEEP_DEFAULTS["depth"], show_value=True,
                           label="hidden layers of 8 units"),
        learning_rate=mo.ui.slider(steps=[0.01, 0.03, 0.1, 0.3, 1.0],
                                   value=DEEP_DEFAULTS["learning_rate"], show_value=True,
                                   label="learning rate"),
        epochs=mo.ui.slider(steps=[100, 200, 500, 1000, 2000], value=DEEP_DEFAULTS["epochs"],
                            show_value=True, label="epochs"),
        left=mo.ui.dropdown(_names, value=DEEP_DEFAULTS["left"], label="left network"),
        right=mo.ui.dropdown(_names, value=DEEP_DEFAULTS["right"], label="right network"),
    ).form(submit_button_label="Train both networks",
           validate=lambda v: "pick two different activations"
           if v and v["left"] == v["right"] else None)
    deep_form
    return DEEP_DEFAULTS, deep_form


@app.cell
def _(activation_study, mo, nnlab):
    deep_data = nnlab.datasets.circles(200, noise=0.1, factor=0.5, seed=0)

    @mo.cache
    def deep_study(depth, left, right, learning_rate, epochs):
        return activation_study.compare_activations(
            deep_data, (8,) * depth, (left, right), seeds=(0,), learning_rate=learning_rate,
            epochs=epochs, track_gradients=True)

    return deep_data, deep_study


@app.cell
def _(mo):
    get_last_deep, set_last_deep = mo.state(None)
    return get_last_deep, set_last_deep


@app.cell
def _(DEEP_DEFAULTS, deep_form, deep_study, get_last_deep, set_last_deep):
    deep_settings = deep_form.value or DEEP_DEFAULTS
    try:
        deep = deep_study(**deep_settings)
        deep_error = None
        set_last_deep(deep)
    except ValueError as _problem:
        deep_error = str(_problem)
        deep = get_last_deep() or deep_study(**DEEP_DEFAULTS)
    deep_runs = deep.for_seed(0)
    return deep_error, deep_runs


@app.cell
def _(activation_study, deep_error, deep_runs, mo):
    _notes = [mo.callout(mo.md(f"**These settings cannot run:** {deep_error}. Showing the last "
                               "networks that trained."), kind="danger")] if deep_error else []
    mo.vstack(_notes + [mo.callout(mo.md(n), kind="warn") for n in activation_study.run_notes(deep_runs)])
    return


@app.cell
def _(deep_runs, plots):
    # One chart with a shared y axis (not a layout of two): equal heights mean equal gradients,
    # and the static page stores a single chart several times smaller than a layout.
    _left, _right = (plots.gradient_chart(r, title=f"{n}: gradient size per layer")
                     .properties(width=300) for n, r in deep_runs.items())
    (_left | _right).resolve_scale(y="shared")
    return


@app.cell
def _(activation_study, deep_runs, mo):
    mo.vstack([mo.md("**Gradient size per layer at the start (epoch 0)**"),
               mo.ui.table(activation_study.gradient_rows(deep_runs), selection=None, pagination=False)])
    return


@app.cell
def _(deep_runs, plots):
    plots.loss_chart(deep_runs, title="loss of the two networks")
    return


@app.cell(hide_code=True)
def _(activation_study, course, deep_data, deep_runs, mo):
    _lines = [f"- **{name}**: the first layer starts with "
              f"{activation_study.first_to_last(run):.1e} times the last layer's gradient; after "
              f"{run.epochs} epochs the net classifies {100 * run.accuracy[-1]:.0f} % of the "
              f"points correctly." for name, run in deep_runs.items()]
    mo.md(course.live_or_static("**Try it.** With the settings above:",
                                "**What it shows.** With the settings above (the defaults this "
                                "static copy was built with):")
          + "\n\n" + "\n".join(_lines) + "\n\nThe two charts share one gradient axis. "
          + (activation_study.sigmoid_story(deep_runs["sigmoid"], deep_data.X)
             if "sigmoid" in deep_runs else
             "Pick sigmoid for one of the two networks to see its gradient vanish.")
          + "\n\n" + course.live_or_static(r"""
    Now pick 2 hidden layers, learning rate 1.0 and 2000 epochs, and train: the fan is much
    narrower and the sigmoid net learns the rings. Then go back to 6 layers with learning
    rate 0.3 (still 2000 epochs): the sigmoid net stays at chance while the ReLU net gets
    every point right. At learning rate 1.0 the deep ReLU net fails too, for another
    reason: within a few hundred epochs its large steps push every unit's $z$ below 0 on
    every point, its units die, and its gradient lines drop out of the chart (they are
    exactly 0). Try tanh on the left at the default settings: its slope reaches 1, so it
    loses far less per layer than the sigmoid and learns at depth 6.
    """, r"""
    The interactive version trains the pair again for other settings. With 2 hidden
    layers, learning rate 1.0 and 2000 epochs the fan is much narrower and the sigmoid net
    learns the rings (the pre-computed pair just below shows 2 layers). With 6 layers at
    learning rate 0.3 (still 2000 epochs) the sigmoid net stays at chance while the ReLU net
    gets every point right. At learning rate 1.0 the deep ReLU net fails too, for another
    reason: within a few hundred epochs its large steps push every unit's $z$ below 0 on
    every point, its units die, and its gradient lines drop out of the chart (they are
    exactly 0). A tanh net on the left at the default settings does well: its slope reaches
    1, so it loses far less per layer than the sigmoid and learns at depth 6.
    """))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ### Shallow against deep (pre-computed)

    The same pair at two depths, each with the learning rate that suits it in the race below
    (sigmoid 1.0, ReLU 0.1), 1000 epochs. With 2 hidden layers the sigmoid net's first layer
    gets a useful share of the gradient and it learns; with 6 it does not. The charts show
    the 2-layer pair; compare them with the 6-layer charts above.
    """)
    return


@app.cell
def _(deep_study):
    SHALLOW_DEEP = {f"{depth} hidden layers": deep_study(depth, "sigmoid", "relu",
                                                         {"sigmoid": 1.0, "relu": 0.1}, 1000)
                    for depth in (2, 6)}
    return (SHALLOW_DEEP,)


@app.cell
def _(SHALLOW_DEEP, activation_study, mo):
    mo.ui.table(activation_study.summary_rows({label: study.for_seed(0)
                                      for label, study in SHALLOW_DEEP.items()}),
                selection=None, pagination=False)
    return


@app.cell
def _(SHALLOW_DEEP, plots):
    _left, _right = (plots.gradient_chart(r, title=f"{n}, 2 hidden layers").properties(width=300)
                     for n, r in SHALLOW_DEEP["2 hidden layers"].for_seed(0).items())
    (_left | _right).resolve_scale(y="shared")
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    ## A fair race on the circles

    On a shallow network all four activations can solve the two-rings problem; the question
    is how fast, and from which starts. The set-up follows a classic from-scratch tutorial:
    500 points on two rings (noise 0.1, inner ring half the size), a network with hidden
    layers of 16 and 8 units, one sigmoid output, cross-entropy loss and full-batch gradient
    descent. The sigmoid net uses learning rate 1.0 (its small slope shrinks every step),
    the others 0.1. Every activation trains from the **same three weight starts**.

    The tutorial trains for 10,000 epochs. Here the default is 2,000: every run is above 99 %
    accuracy by then, and the remaining epochs only polish the loss at five times the cost.
    """ + course.live_or_static(
        "Pick 10,000 below to see the full-length race (it takes a few seconds).",
        "The interactive version also runs the full-length race of 10,000 epochs."))
    return


@app.cell
def _(mo):
    RACE_EPOCHS = 2000
    race_form = mo.ui.dropdown(["500", "2000", "5000", "10000"], value=str(RACE_EPOCHS),
                               label="epochs for every run").form(
        submit_button_label="Train all 12 networks")
    race_form
    return RACE_EPOCHS, race_form


@app.cell
def _(activation_study, mo, nnlab):
    circles = nnlab.datasets.circles(500, noise=0.1, factor=0.5, seed=0)
    RACE_RATES = {"sigmoid": 1.0, "tanh": 0.1, "relu": 0.1, "leaky_relu": 0.1}
    RACE_SEEDS = (0, 1, 2)  # three weight starts, shared by every activation

    @mo.cache
    def race(epochs):
        # Plain words on the bar ("5 of 12 networks"), not a rate in iterations per second.
        _total = len(RACE_RATES) * len(RACE_SEEDS)
        with mo.status.progress_bar(total=_total, title=f"training for {epochs} epochs",
                                    subtitle=f"0 of {_total} networks", show_rate=False,
                                    show_eta=False, remove_on_exit=True) as _bar:
            return activation_study.compare_activations(
                circles, (16, 8), tuple(RACE_RATES), RACE_SEEDS,
                learning_rate=RACE_RATES, epochs=epochs,
                on_progress=lambda done, total: _bar.update(
                    subtitle=f"{done} of {total} networks"))

    return RACE_RATES, circles, race


@app.cell
def _(RACE_EPOCHS, race, race_form):
    comparison = race(int(race_form.value or RACE_EPOCHS))
    return (comparison,)


@app.cell
def _(comparison, mo):
    mo.ui.table(comparison.table(), selection=None, pagination=False)
    return


@app.cell
def _(comparison, plots):
    plots.loss_chart(comparison.for_seed(0), log=True, title="loss from the first weight start")
    return


@app.cell
def _(circles, comparison, plots):
    _maps = [plots.boundary_chart(run.network, run.params, circles.X, circles.labels,
                                  resolution=60, title=f"{name}: decision boundary")
             for name, run in comparison.for_seed(0).items()]
    (_maps[0] | _maps[1]) & (_maps[2] | _maps[3])
    return


@app.cell(hide_code=True)
def _(comparison, mo):
    _lowest = min(float(a.min()) for a in comparison.final_accuracy().values())
    mo.md(f"""
    **Try it.** The charts show the first of the three weight starts, shared by all four
    networks; the table covers all three. The loss is on a log scale: ReLU and leaky ReLU drop first, tanh follows, and the sigmoid, even with a
    learning rate ten times larger, sits on a plateau near $\\ln 2$ for a long time before it
    finds the rings. In the end every one of the {sum(map(len, comparison.runs.values()))}
    runs classifies at least {100 * _lowest:.1f} % of the points correctly. ReLU and leaky
    ReLU draw their boundary from straight pieces (each unit is a bent plane), so it has
    corners; sigmoid and tanh boundaries are smooth curves.
    """)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Saturated and dead units

    Two ways for a unit to stop learning, both visible before training starts:

    - A sigmoid or tanh unit is **saturated** when $|z|$ is large for almost every input: its
      output is pinned near a bound and its slope is nearly 0, so little gradient gets
      through. Large initial weights make large $|z|$.
    - A ReLU unit is **dead** when $z \le 0$ for every input: its output and its slope are 0
      on all the data, so its weights receive a gradient of exactly 0. In the first layer,
      whose inputs are the fixed data, it stays dead for good; a deeper unit can only come
      back if the layers below it change its inputs. A strongly negative bias kills units.

    The network here is the race's (16 and 8 hidden units, 500 circle points). Weights are
    drawn uniformly from $\pm w$, biases from the chosen range; then it trains for 300 epochs
    with the race's learning rate. Flagged: a unit saturated (output within 2 % of a bound)
    on at least 90 % of the points, or dead on all of them.
    """)
    return


@app.cell
def _(mo):
    health_activation = mo.ui.dropdown(["sigmoid", "tanh", "relu", "leaky_relu"], value="relu",
                                       label="hidden activation")
    weight_scale = mo.ui.slider(steps=[0.25, 0.5, 1, 2, 4, 8, 16], value=1, show_value=True,
                                label="weights drawn from ±w, w =")
    bias_range = mo.ui.range_slider(-4, 4, step=0.5, value=[-0.5, 0.5], show_value=True,
                                    label="biases drawn from", debounce=True)
    mo.hstack([health_activation, weight_scale, bias_range], justify="start", gap=2)
    return bias_range, health_activation, weight_scale


@app.cell
def _(RACE_RATES, bias_range, circles, activation_study, health_activation, weight_scale):
    health = activation_study.health_study(
        circles, (16, 8), health_activation.value, weight_scale=weight_scale.value,
        bias_range=tuple(bias_range.value), learning_rate=RACE_RATES[health_activation.value],
        epochs=300)
    return (health,)


@app.cell
def _(circles, activation_study, health, mo):
    def _verdict(report, when):
        found = activation_study.health_messages(report, len(circles))
        if not found:
            return mo.callout(mo.md(f"**{when}:** no saturated or dead units."), kind="success")
        return mo.callout(mo.md(f"**{when}:**\n\n" + "\n".join(f"- {m}" for m in found)),
                          kind="warn")

    mo.vstack([
        mo.hstack([_verdict(health.start, "At the start"),
                   _verdict(health.end, f"After {health.run.epochs} epochs")],
                  widths="equal", align="start"),
        mo.ui.table(activation_study.health_rows(health.start, "at the start")
                    + activation_study.health_rows(health.end, f"after {health.run.epochs} epochs"),
                    selection=None, pagination=False),
        *[mo.callout(mo.md(n), kind="danger") for n in activation_study.run_notes({"this net": health.run})],
    ])
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    In the diagram below every unit is drawn as its output at the start over the plane of
    the data: the first column of squares is hidden layer 1 (16 units, top to bottom), the
    second hidden layer 2 (8 units), the last square the output; orange is high, blue low.
    An all-white ReLU square is a unit that is 0 everywhere (dead); a sigmoid or tanh square
    split into two flat colours is a saturated unit. Beside it, the loss over the 300 epochs
    and the boundary the network ends on.
    """)
    return


@app.cell
def _(live, mo):
    # Made once: each change of the controls above sends it the new study.
    health_view = live.LiveView()
    mo.ui.anywidget(health_view)
    return (health_view,)


@app.cell
def _(circles, activation_study, health, health_view):
    health_view.frame = activation_study.health_frame(health, circles.X, circles.labels)
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.live_or_static(r"""
    **Try it.** The squares in the diagram show every unit's output over the input plane at
    the start. With ReLU, drag the bias range to −3 … −1: almost every square turns flat (the unit is 0
    everywhere), the table counts the dead units, after 300 epochs the count has not changed
    and the loss is stuck at $\ln 2$. Switch to leaky ReLU with the same biases: no unit is
    dead any more, since the slope 0.01 still lets gradient through, but that gradient is
    100 times weaker and the net barely moves either. The cure is the start, not the
    function: biases near 0. For saturation, pick tanh or sigmoid and raise $w$ to 8 or 16:
    the squares turn into sharp two-colour steps, units get flagged as saturated, and training
    becomes slow.
    """, r"""
    **What it shows.** The squares in the diagram show every unit's output over the input
    plane at the start, for the defaults this static copy was built with (ReLU, $w = 1$,
    biases from −0.5 to 0.5). The tabs under *Pre-computed starts* below hold the other
    cases. With ReLU and biases from −3 to −1 almost every unit is 0 everywhere (dead); the
    table counts them, after 300 epochs the count has not changed and the loss is stuck at
    $\ln 2$. Leaky ReLU with the same biases has no dead unit, since the slope 0.01 still
    lets gradient through, but that gradient is 100 times weaker and the net barely moves
    either. The cure is the start, not the function: biases near 0. For saturation, tanh
    or sigmoid with $w = 16$: units get flagged as saturated, and training becomes slow.
    """))
    return


@app.cell
def _(RACE_RATES, circles, activation_study, mo):
    _scenarios = {
        "moderate start, ReLU": ("relu", 1, (-0.5, 0.5)),
        "negative biases, ReLU": ("relu", 1, (-3.0, -1.0)),
        "negative biases, leaky ReLU": ("leaky_relu", 1, (-3.0, -1.0)),
        "large weights, tanh": ("tanh", 16, (-0.5, 0.5)),
        "large weights, sigmoid": ("sigmoid", 16, (-0.5, 0.5)),
    }

    def _summary(act, w, biases):
        study = activation_study.health_study(circles, (16, 8), act, weight_scale=w, bias_range=biases,
                                     learning_rate=RACE_RATES[act], epochs=300)
        found = activation_study.health_messages(study.start, len(circles)) or ["no flagged units"]
        return mo.vstack([
            mo.md(f"Weights from ±{w}, biases from {biases[0]} to {biases[1]}. At the start:\n\n"
                  + "\n".join(f"- {m}" for m in found)
                  + f"\n\nAfter 300 epochs: {100 * study.run.accuracy[-1]:.0f} % accuracy, "
                  f"{len(activation_study.health_messages(study.end))} layer(s) with flagged units."),
            mo.ui.table(activation_study.health_rows(study.start), selection=None, pagination=False)])

    mo.vstack([
        mo.md("### Pre-computed starts"),
        mo.ui.tabs({label: _summary(*s) for label, s in _scenarios.items()}),
        mo.md("**Share of hidden units flagged at the start**, by weight range (biases from "
              "−0.5 to 0.5, average over three weight seeds):"),
        mo.ui.table(activation_study.health_scan(circles, (16, 8), ("sigmoid", "tanh", "relu", "leaky_relu"),
                                        (0.5, 1, 2, 4, 8, 16)), selection=None, pagination=False),
    ])
    return


@app.cell(hide_code=True)
def _(quiz):
    # Answer first, then the answer and why (nnlab.view.quiz). Fixed prompts and choices: the
    # radios below are made once, so training again or moving a control never clears an
    # answer. The answers and reasons, which read the runs above, come in `questions`.
    asked = [
        quiz.Asked(
            "1. Look at the first-to-last gradient ratios above. Roughly what should a "
            "sigmoid net with 2 hidden layers give?",
            ("about 1e-6, the same as with 6 layers", "about 1e-1 to 1e-2",
             "exactly 1", "more than 10")),
        quiz.Asked(
            "2. Why did the race give the sigmoid a learning rate ten times larger?",
            ("its loss is smaller", "its slope is at most 1/4, so its gradients are smaller",
             "it has fewer weights", "to make it diverge")),
        quiz.Asked(
            "3. The start above flags hidden units that look dead or saturated. How much "
            "gradient does a dead ReLU unit's weights get, and a leaky ReLU unit's in the "
            "same spot?",
            ("both get none", "dead ReLU none; leaky ReLU 100 times less than when on",
             "both get the usual amount", "dead ReLU a little; leaky ReLU none")),
    ]
    return (asked,)


@app.cell
def _(asked, mo):
    answers = mo.ui.array([mo.ui.radio(a.choices, label=a.prompt) for a in asked])
    return (answers,)


@app.cell(hide_code=True)
def _(activation_study, asked, deep_runs, health):
    _ratio = {name: activation_study.first_to_last(run) for name, run in deep_runs.items()}
    _ratio_text = ", ".join(f"{name} {value:.0e}" for name, value in _ratio.items())
    _depth = len(next(iter(deep_runs.values())).settings["sizes"]) - 2
    _flagged = sum(layer.flagged for layer in health.start)
    _units = sum(layer.units for layer in health.start)
    questions = [
        asked[0].answered(
            1,
            f"The ratios above, with {_depth} hidden layers, are {_ratio_text}. "
            r"Each sigmoid layer multiplies the error by at most $\tfrac14$ (times the "
            r"weights), so 2 layers lose a factor of at least $16$ rather than "
            r"$4^6 \approx 4000$: somewhere around $10^{-1}$ to $10^{-2}$ instead of "
            "$10^{-4}$ to $10^{-6}$. Pick 2 hidden layers in the form and train to check."),
        asked[1].answered(
            1,
            "Every gradient that passes through a sigmoid layer is at least four times "
            "smaller than through a tanh layer at the same point. A larger step makes up for "
            "part of that; even so it is the slowest of the four."),
        asked[2].answered(
            1,
            r"The weight gradient of a unit is its error term times its inputs, and the error "
            r"term contains $f'(z)$. A dead ReLU unit has $z \le 0$ on every point, so "
            r"$f'(z) = 0$ everywhere: its weights and bias get exactly zero, epoch after epoch. "
            "Leaky ReLU's slope there is 0.01: the gradient is 100 times smaller, but not "
            f"zero, so the unit can still move, slowly. Your current start flags {_flagged} "
            f"of {_units} hidden units."),
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
    mo.md(course.bottom("06_activations"))
    return


if __name__ == "__main__":
    app.run()
