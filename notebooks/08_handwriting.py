# /// script
# [tool.marimo.opengraph]
# title = "Real handwriting"
# description = "1,797 scanned digits, a 64-32-10 softmax network, overfitting and its cures, and a pad to draw your own digit."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("08_handwriting"))
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Real handwriting

    Every lesson so far lived in a plane: two inputs, a handful of points we could draw. This
    one uses data people wrote by hand. Each example is a digit scanned at 32x32 black and
    white, then shrunk to an 8x8 grid in which every cell counts how many of its 16 pixels
    were inked (0 to 16). That gives **64 inputs** and **10 classes**, and the same
    network code as before: a hidden layer, a softmax output, cross-entropy, mini-batches
    and Adam.
    """)
    return


@app.cell
def _():
    import marimo as mo
    import numpy as np  # (also tells the site's WASM build that nnlab needs NumPy)

    import nnlab
    from nnlab.lessons import handwriting
    from nnlab.view import code, course, digit_pad, digits, live, quiz

    return code, course, digit_pad, digits, handwriting, live, mo, nnlab, np, quiz


@app.cell(hide_code=True)
def _(digit_pad, digits, handwriting, live, mo, np):
    split = handwriting.data()
    _first = [int(np.argmax(split.labels == d)) for d in range(10)]  # each digit's first image
    _gallery = live.LiveView(frame=live.frame(digits.gallery_panel(
        "examples", [digits.ink_rgb(split.X[r] * digit_pad.SCALE) for r in _first],
        [f"label {split.labels[r]}" for r in _first], title="One training image of each digit")))
    mo.vstack([mo.md(f"""
    The data is the test part of the UCI *Optical Recognition of Handwritten Digits* set by
    E. Alpaydin and C. Kaynak (1998), licensed CC BY 4.0, and ships inside nnlab (no
    download). `nnlab.datasets.digits()` splits it so that every digit keeps the same share
    in training and test: **{len(split.labels)} images to learn from, {len(split.labels_test)}
    kept aside** to measure how well the network does on writing it has never seen.
    """), mo.ui.anywidget(_gallery)])
    return (split,)


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    ## Train it

    The default network is **64-32-10**: 64 pixels (divided by 16, so 0 to 1), 32 ReLU
    units, 10 softmax outputs, one per digit. """ + course.live_or_static(r"""Choose **no
    hidden layer** to see the baseline: each digit's score is then a single weighted sum of
    the pixels. The curves arrive while it trains: solid for the training batches, dashed
    for the test images.""", r"""This static copy shows its run with the settings below,
    computed when the page was built: solid curves for the training batches, dashed for the
    test images. The interactive version trains other settings too, such as the baseline
    with no hidden layer, where each digit's score is a single weighted sum of the pixels.
    """))
    return


@app.cell
def _(mo):
    controls = mo.ui.dictionary({
        "hidden": mo.ui.dropdown({"32 hidden units": 32, "64 hidden units": 64,
                                  "no hidden layer": 0}, value="32 hidden units",
                                 label="network"),
        "epochs": mo.ui.slider(10, 100, step=10, value=40, label="epochs", show_value=True),
        "l2": mo.ui.dropdown({"0": 0.0, "0.001": 0.001, "0.01": 0.01}, value="0", label="L2"),
        "dropout": mo.ui.dropdown({"0": 0.0, "0.2": 0.2, "0.5": 0.5}, value="0",
                                  label="dropout"),
        # No bounds: a bounded box clamps 500 to its maximum silently; Settings names a
        # seed it refuses instead (nnlab.checks.seed) and the last good run stays.
        "seed": mo.ui.number(value=0, step=1, label="seed", debounce=True),
    })
    mo.hstack(list(controls.values()), justify="start", wrap=True)
    return (controls,)


@app.cell
def _(controls, handwriting):
    try:
        settings, problem = handwriting.Settings(**controls.value), None
    except ValueError as _error:
        settings, problem = None, str(_error)
    return problem, settings


@app.cell
def _(live, mo):
    get_good, set_good = mo.state(None)
    view, result_view = live.LiveView(), live.LiveView()
    return get_good, result_view, set_good, view


@app.cell
def train_cell(get_good, handwriting, mo, problem, result_view, set_good, settings, split,
               view):
    if problem is None:
        for run in handwriting.train_in_chunks(settings, split):  # the curves grow as it trains
            view.frame = handwriting.curves_frame(run, split)
        result_view.frame = handwriting.result_frame(run, split)
        set_good(run)
    else:
        run = get_good()  # a bad setting keeps the last good run on screen
    _note = (mo.callout(mo.md(f"**These settings cannot run:** {problem}. The pictures show "
                              "the last run that could."), kind="danger") if problem else
             mo.callout(mo.md(handwriting.summary(run, split)), kind="success"))
    _note
    return (run,)


@app.cell
def _(mo, view):
    mo.ui.anywidget(view)
    return


@app.cell(hide_code=True)
def _(code, handwriting, mo):
    mo.md(f"""
    The run above, as nnlab builds it (the page calls this and advances it
    {handwriting.CHUNK_EPOCHS} epochs at a time). To change it and train again, open this
    lesson with `marimo edit notebooks/08_handwriting.py`.

    {code.function_block(handwriting.training, collapsed=True)}
    """)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## What it gets wrong, and what it looks for

    The confusion matrix counts the test images by true digit (row) and the network's
    answer (column): everything off the green diagonal is a mistake. Below it are the
    misclassified images themselves with the answer and how sure the network was. The
    last pictures are the first layer's weights, one 8x8 image per unit: red pixels
    push the unit up when inked, blue ones push it down. With no hidden layer they are
    the ten digit templates themselves.
    """)
    return


@app.cell
def _(mo, result_view):
    mo.ui.anywidget(result_view)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Overfitting, and two cures

    With 1,347 training images the default network barely overfits. To see it clearly, train a
    wider layer (128 units) on only 10 % of the data (about 180 images) for 150 epochs. The
    training accuracy reaches 100 % within a few dozen epochs; after that the loss on the
    training batches keeps falling by making the answers *more confident*, and the test
    loss, which pays for every confident mistake, turns and climbs.

    Two cures, each one line in `nnlab.train`:

    - **L2** (`l2=`) adds $\tfrac{\lambda}{2} \lVert W \rVert^2$ to the loss (so
      $\lambda W$ to each weight's gradient): large weights, which confident answers need,
      cost something;
    - **dropout** (`dropout=p`) switches off each hidden unit with probability $p$ on every
      training pass, so no unit can rely on another being there. The kept units are
      multiplied by $1/(1-p)$ (inverted dropout), and at test time every unit is on.

    The three runs below were computed when the page was built (a few seconds).
    """)
    return


@app.cell
def _(handwriting, live, mo):
    overfit = handwriting.overfit_runs()
    mo.vstack([
        mo.ui.anywidget(live.LiveView(frame=handwriting.overfit_frame(overfit))),
        mo.ui.table(handwriting.overfit_rows(overfit), selection=None, label="the three runs"),
        mo.md(handwriting.overfit_verdict(overfit)),
    ])
    return (overfit,)


@app.cell(hide_code=True)
def _(code, mo, nnlab):
    mo.md(f"""
    Dropout in nnlab's readable core: one mask per hidden layer, drawn from a seeded
    generator (`backprop` multiplies each hidden layer's output and its error by it):

    {code.function_block(nnlab.network.dropout_masks, collapsed=True)}
    """)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Draw a digit

    Draw one digit in the box. The pad treats your drawing the way the data was made: it
    crops the ink, scales it into a 32x32 box, and counts the inked pixels of each 4x4
    block (the small grey picture is what the network sees). The bars are the trained
    network's ten probabilities, recomputed as you draw, in the page itself. Digits drawn
    with a mouse are thicker and straighter than pen on paper, so expect some surprises:
    they show what the network learned from.
    """)
    return


@app.cell
def _(digit_pad, handwriting, mo, run):
    mo.stop(run is None, mo.md("*No network has trained yet: fix the settings above.*"))
    pad = digit_pad.DigitPad(layers=handwriting.pad_layers(run))
    pad_ui = mo.ui.anywidget(pad)
    pad_ui
    return pad, pad_ui


@app.cell
def _(course, handwriting, mo, pad, pad_ui, run):
    pad_ui.value  # a finished stroke runs this cell
    _p = handwriting.pad_probabilities(run, pad.pixels) if len(pad.pixels) == 64 else None
    mo.md(course.live_or_static(
        "*Python reads your drawing when a stroke ends.*",
        "*On this static copy the bars are all there is: the page computes them itself, from "
        "the weights of the run above. The interactive version also checks them in Python.*")
          if _p is None else
          f"Python, from the same 64 numbers: the network says **{int(_p.argmax())}** "
          f"({_p.max():.0%}).")
    return


@app.cell
def _(handwriting, mo):
    questions = handwriting.QUESTIONS
    answers = mo.ui.array([mo.ui.radio(a.choices, label=a.prompt) for a in questions])
    return answers, questions


@app.cell(hide_code=True)
def _(answers, mo, questions, quiz):
    mo.vstack([mo.md("## Check yourself")] + [
        mo.vstack([answers[_i], mo.md(quiz.feedback(_q, answers.value[_i]))], gap=0.3)
        for _i, _q in enumerate(questions)], gap=1)
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.bottom("08_handwriting"))
    return


if __name__ == "__main__":
    app.run()
