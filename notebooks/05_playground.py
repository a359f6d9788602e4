# /// script
# [tool.marimo.opengraph]
# title = "The playground"
# description = "Pick data, layers, loss and optimiser; compare a pinned run; share settings by link; upload your own CSV."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="full")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("05_playground"))
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.vstack([mo.md(r"""
    # The playground
    """), mo.md(course.live_or_static(
        "Pick the data and shape the network in the sidebar; every change retrains from the same "
        "starting weights, and **Play** replays the run. How to read the pictures comes after them.",
        "This static copy shows one run, with the default settings: the sidebar is frozen. "
        "How to read the pictures comes after them."))])
    return


@app.cell
def _():
    import itertools

    import marimo as mo
    import numpy as np

    import nnlab
    from nnlab.lessons import playground
    from nnlab.view import background, course, drawing, live, plots, quiz

    return (background, course, drawing, itertools, live, mo, nnlab, np, playground, plots,
            quiz)


@app.cell
def _(mo):
    # Read once, when the page opens: a shared link carries its settings in the query.
    url_params = dict(mo.query_params().to_dict())
    return (url_params,)


@app.cell
def _(mo):
    get_loaded, set_loaded = mo.state(None)
    return get_loaded, set_loaded


@app.cell
def _(mo):
    get_pinned, set_pinned = mo.state(None)
    return get_pinned, set_pinned


@app.cell
def _(mo):
    get_good, set_good = mo.state(None)
    return get_good, set_good


@app.cell
def _(drawing, get_loaded, playground, url_params):
    url_start, url_warnings = playground.from_query(url_params)
    url_drawn, _drawn_warnings = drawing.from_query(url_params)  # points drawn, if any
    url_warnings = url_warnings + _drawn_warnings
    start = get_loaded().settings if get_loaded() is not None else url_start
    return start, url_drawn, url_warnings


@app.cell
def _(mo, url_warnings):
    mo.callout(mo.md("**Part of this link was not understood**, so defaults were used there:\n\n"
                     + "\n".join(f"- {w}" for w in url_warnings)),
               kind="warn") if url_warnings else None
    return


@app.cell
def _(mo, start):
    get_dataset, set_dataset = mo.state(start.dataset)
    return get_dataset, set_dataset


@app.cell
def _(mo, set_dataset):
    csv_file = mo.ui.file(filetypes=[".csv", ".txt"], label="upload a CSV: x1,x2,label",
                          on_change=lambda files: set_dataset("csv") if files else None)
    return (csv_file,)


@app.cell
def _(get_dataset, mo, playground):
    dataset = mo.ui.dropdown({label: key for key, label in playground.DATASETS.items()},
                             value=playground.DATASETS[get_dataset()], label="dataset")
    return (dataset,)


@app.cell
def _(mo, playground, start):
    _s, _p = start, playground
    _pick = lambda labels: {v: k for k, v in labels.items()}  # noqa: E731 (label -> name)
    _first = _s.activation if isinstance(_s.activation, str) else _s.activation[0]
    controls = mo.ui.dictionary({
        "points": mo.ui.slider(steps=_p.stops(_p.POINT_STOPS, _s.points), value=_s.points,
                               label="number of points", show_value=True, debounce=True),
        "noise": mo.ui.slider(steps=_p.stops(_p.NOISE_STOPS, _s.noise), value=_s.noise,
                              label="noise", show_value=True, debounce=True),
        "test_fraction": mo.ui.slider(steps=_p.stops(_p.TEST_STOPS, _s.test_fraction),
                                      value=_s.test_fraction, label="test share",
                                      show_value=True, debounce=True),
        # Seed boxes without bounds: a bounded box clamps 9999999 silently; the settings
        # refuse it by name instead (nnlab.checks.seed) and the last good run stays.
        "data_seed": mo.ui.number(value=_s.data_seed, step=1, label="data seed",
                                  debounce=True),
        "features": mo.ui.multiselect(_pick(_p.FEATURE_LABELS),
                                      value=[_p.FEATURE_LABELS[f] for f in _s.features],
                                      label="extra inputs"),
        "hidden": mo.ui.text(value=_p.format_hidden_layers(_s.hidden), label="hidden layers",
                             placeholder="e.g. 16,8 (empty: none)"),
        "activation": mo.ui.dropdown(_pick(_p.ACTIVATION_LABELS),
                                     value=_p.ACTIVATION_LABELS[_first],
                                     label="hidden activation"),
        "per_layer_activation": mo.ui.text(
            value="" if isinstance(_s.activation, str) else _p.format_activation(_s.activation),
            label="activation per layer (optional)", placeholder="e.g. relu,tanh"),
        "output_loss": mo.ui.dropdown({label: key for key, (_, label) in _p.OUTPUT_LOSSES.items()},
                                      value=_p.OUTPUT_LOSSES[_s.output_loss][1],
                                      label="output and loss"),
        "init": mo.ui.dropdown(_pick(_p.INIT_LABELS), value=_p.INIT_LABELS[_s.init],
                               label="initial weights"),
        "weight_range": mo.ui.slider(steps=_p.stops(_p.WEIGHT_RANGE_STOPS, _s.weight_range),
                                     value=_s.weight_range, label="weight range ±",
                                     show_value=True, debounce=True),
        "bias_range": mo.ui.slider(steps=_p.stops(_p.BIAS_RANGE_STOPS, _s.bias_range),
                                   value=_s.bias_range, label="bias range ±", show_value=True,
                                   debounce=True),
        "weight_seed": mo.ui.number(value=_s.weight_seed, step=1, label="weight seed",
                                    debounce=True),
        "optimizer": mo.ui.dropdown(_pick(_p.OPTIMIZER_LABELS),
                                    value=_p.OPTIMIZER_LABELS[_s.optimizer], label="optimiser"),
        "learning_rate": mo.ui.slider(steps=_p.stops(_p.LEARNING_RATES, _s.learning_rate),
                                      value=_s.learning_rate, label="learning rate",
                                      show_value=True, debounce=True),
        "batch_size": mo.ui.dropdown(_p.batch_options(_s.batch_size),
                                     value=_p.batch_label(_s.batch_size), label="batch size"),
        "l2": mo.ui.slider(steps=_p.stops(_p.L2_STOPS, _s.l2), value=_s.l2,
                           label="L2 weight decay", show_value=True, debounce=True),
        "epochs": mo.ui.slider(steps=_p.stops(_p.EPOCH_STOPS, _s.epochs), value=_s.epochs,
                               label="epochs", show_value=True, debounce=True),
    })
    return (controls,)


@app.cell
def _(controls, csv_file, dataset, mo, playground):
    _c = controls
    # A control that does nothing in this state (a range the init does not read, the data
    # controls of drawn or uploaded points...) is hidden, with the reason in its place,
    # instead of moving without effect. Only display styles change, never the layout's
    # elements: a sidebar laid out anew would replace the very dropdown that was just used.
    _idle = playground.idle_controls(_c.value, dataset.value)
    _show = lambda shown: "block" if shown else "none"  # noqa: E731

    def _slot(*names):
        _why = " ".join(dict.fromkeys(_idle[_k] for _k in names if _k in _idle))
        return mo.Html(
            '<div style="display:flex;flex-direction:column;gap:0.5rem">'
            + "".join(f'<div class="nnlab-idle" data-control="{_k}" '
                      f'style="display:{_show(_k not in _idle)}">{_c[_k]}</div>'
                      for _k in names)
            + f'<div class="nnlab-idle-note" style="display:{_show(_why)}">'
            + mo.md(_why).text + "</div></div>")

    # The controls a learner moves most come first, so they show without scrolling
    # on a laptop screen (as in TensorFlow Playground); the finer ones follow by topic.
    mo.sidebar(mo.vstack([
        dataset, _c["hidden"], _slot("activation"), _c["learning_rate"], _c["epochs"],
        _c["output_loss"],
        mo.md("### Data"), _slot(*playground.GENERATED_ONLY), _c["test_fraction"],
        _c["data_seed"], _c["features"], csv_file,
        mo.md("### Network"), _c["per_layer_activation"], _c["init"],
        _slot("weight_range", "bias_range"), _slot("weight_seed"),
        mo.md("### Training"), _c["optimizer"], _c["batch_size"], _c["l2"],
    ], gap=0.5), width="320px")
    return


@app.cell
def _(csv_file, playground):
    # Read once per upload: this cell depends on the file alone, not on the controls.
    csv_upload = playground.read_upload(csv_file.value[0].contents) if csv_file.value else None
    return (csv_upload,)


@app.cell
def _(controls, csv_upload, dataset, drawn, playground):
    try:
        settings, data = playground.prepare({**controls.value, "dataset": dataset.value},
                                            csv_upload, drawn)
        problem = None
    except ValueError as _error:
        settings = data = None
        problem = str(_error)
    return data, problem, settings


@app.cell
def _(drawing, itertools, live, mo, url_drawn):
    # Made once: later changes send new numbers to these widgets, which redraw in place.
    # The view also holds the points a learner draws (for "your drawn points").
    view = drawing.DrawingView(drawn=[list(p) for p in url_drawn or drawing.STARTER])
    player = live.Player(label="epoch")
    compare_view = live.LiveView()
    playback = live.Playback()
    run_keys = itertools.count(1)  # names each run the player is about
    player_ui, view_ui = mo.ui.anywidget(player), mo.ui.anywidget(view)
    mo.vstack([player_ui, view_ui], gap=0.5)
    return compare_view, player, player_ui, playback, run_keys, view, view_ui


@app.cell
def _(get_loaded, view, view_ui):
    view_ui.value, get_loaded()  # a stroke on the picture (or a loaded run) runs this cell
    drawn = [tuple(p) for p in view.drawn]
    return (drawn,)


@app.cell
def _(background, mo):
    # Made once: the long run that trains in a background thread, if any, and a state its
    # thread sets when the run ends. In marimo 0.25 a mo.state setter called from a mo.Thread
    # marks the cells that read the getter stale and queues their run at once (the kernel's
    # register_state_update: "When running in a mo.Thread, eagerly process state updates"),
    # so the cells that read `result` follow the run's end without a widget round trip.
    runner = background.Runner(thread=mo.Thread)
    get_finished, set_finished = mo.state(None)
    return get_finished, runner, set_finished


@app.cell
def train_cell(course, data, get_good, mo, playground, problem, runner, set_finished,
               set_good, settings, view):
    runner.cancel()  # a run still training for older settings ends first, and draws no more
    trained = job = None
    if problem is None:
        _chunks = len(playground.chunk_plan(settings, data))
        _title = dict(total=_chunks, remove_on_exit=True, show_rate=False, show_eta=False,
                      title=f"training {settings.epochs:,} epochs",
                      subtitle=f"in {_chunks} chunks of epochs")
        # While a cell runs, the kernel reads nothing from the page: a long run trains in a
        # background thread, so that Stop and any changed control are heard between chunks.
        # Only on a served page: app.run() (tests, scripts), the static export and Pyodide
        # (no threads) train here, as before, with the very same numbers.
        if _chunks > 1 and mo.running_in_notebook() and course.page_kind() == "run":
            def _steps():  # in the thread: its progress bar goes to this cell's output
                return mo.status.progress_bar(playground.train_in_chunks(settings, data),
                                              **_title)

            def _draw(run):  # every chunk's pictures go out at once: they grow as it trains
                view.frame = playground.live_frame(playground.Result(settings, data, run))

            def _end(finished):  # stopped or done: keep what was trained, show it
                if finished.last is not None:
                    finished.result = playground.Result(settings, data, finished.last,
                                                        stopped=finished.stopped)
                    set_good(finished.result)
                set_finished(finished)  # reruns the cells that read get_finished()

            job = runner.start(_steps, _draw, _end)
        else:
            _runs = playground.train_in_chunks(settings, data)
            if _chunks > 1:  # a long run: a progress bar, and the pictures grow under it
                _runs = mo.status.progress_bar(_runs, **_title)
            for _run in _runs:  # every chunk's pictures go out at once: they grow as it trains
                trained = playground.Result(settings, data, _run)
                view.frame = playground.live_frame(trained)
            set_good(trained)
    else:
        trained = get_good()
        if trained is not None:
            view.frame = playground.live_frame(trained)
    mo.callout(mo.md(f"**These settings cannot run:** {problem}. The pictures show the last "
                     "run that could."), kind="danger") if problem else None
    return job, trained


@app.cell
def _(get_finished, job, mo, runner, settings):
    get_finished()  # the run's end hides the button
    # Stop ends a background run after the chunk in hand; what it trained so far is kept.
    stop_button = mo.ui.button(label="Stop", kind="danger", on_change=lambda _: runner.stop(),
                               tooltip="stop training and keep the epochs trained so far")
    # It floats at the window's top right while the run trains: the progress bar sits under
    # the pictures, below a laptop screen's fold, and Stop must be at hand wherever one is.
    mo.Html(f'<div class="nnlab-stop" style="position:fixed;right:48px;top:104px;z-index:40;'
            f'display:flex;gap:0.6rem;align-items:center;background:white;padding:6px 10px;'
            f'border:1px solid #d0d7de;border-radius:8px;box-shadow:0 2px 8px #0002">'
            f'<span>training {settings.epochs:,} epochs</span>{stop_button}</div>'
            ) if job is not None and job.running else None
    return (stop_button,)


@app.cell
def result_cell(get_finished, job, mo, player, playground, run_keys, trained):
    get_finished()  # a background run's end runs this cell again
    result = trained if job is None else job.result  # None while it trains
    run_key = f"run {next(run_keys)}"  # a new run on screen: the player stops, points at its end
    _note = None
    if result is not None:
        player.start(run_key, result.run.epochs)
        _note = mo.callout(mo.md(playground.summary(result)),
                           kind="danger" if result.run.verdict.diverged else "neutral")
    elif job is not None and job.error is not None:
        _note = mo.callout(mo.md(f"**Training failed:** {job.error}"), kind="danger")
    _note
    return result, run_key


@app.cell
def live_cell(mo, player, player_ui, playback, playground, result, run_key, view):
    player_ui.value  # a request from the player (Play, Step, the scrubber) runs this cell
    wanted = player.wanted(run_key)
    # nothing asked (the training cell has drawn the run), or a run still training
    mo.stop(wanted is None or result is None)
    shown = playground.Result(
        result.settings, result.data,
        playback.at(run_key, lambda: playground.start_training(result.settings, result.data),
                    wanted))
    view.frame = playground.live_frame(shown, epoch=wanted)
    player.answered(shown.run.epochs)
    return


@app.cell
def _(data, mo, playground, settings):
    # Keep the page address in step with the settings, so a copied link reopens this state.
    if settings is not None:
        _query, _wanted = mo.query_params(), playground.share_query(settings, data)
        for _key, _text in _wanted.items():
            if _query.get(_key) != _text:
                _query[_key] = _text
        for _key in set(playground.share_query_keys()) - set(_wanted):
            if _key in _query:  # (drawn points no longer on screen)
                del _query[_key]
    return


@app.cell
def _(mo, playground, result):
    mo.stop(result is None)
    mo.vstack([
        mo.md(f"**The network:** "
              f"{playground.describe_network(result.settings, result.data.classes)}."),
        mo.md(f"**The data:** {result.data.source}, {len(result.data.X)} training points "
              f"(filled) and {len(result.data.X_test)} test points (hollow circles)."
              f"{playground.unused_data_controls(result.settings)}"),
        mo.md(playground.unit_health_line(result)),
    ])
    return


@app.cell(hide_code=True)
def _(mo, playground, result):
    mo.stop(result is None)
    mo.accordion({"The code that trains this network (nnlab's own source)": mo.vstack([
        mo.md("Every layer is one matrix product and one activation; the comments give each "
              "array's shape for n samples. Below them: this run's activation and loss, each "
              "value next to its derivative. To change the code and re-run it, open this "
              "lesson with `marimo edit notebooks/05_playground.py`."),
        mo.md(playground.code_markdown(result)),
    ])})
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(r"""
    ## Reading the pictures

    The shading is the network's output over the whole plane: the stronger the colour, the
    surer the network, and the dark line is where it changes its mind. Only the filled points
    are used for training; the hollow ones are held back, so the dashed *test* curves show
    how well the boundary carries over to points it never saw.

    """ + course.live_or_static(r"""
    **Play** trains the same run again from its starting weights, a few epochs per frame,
    and every picture follows; **Step** trains one such chunk, the scrubber jumps to any
    epoch, **Reset** goes back to the start. At the end it is exactly the run above.""", r"""
    The pictures show the end of the run. The player above them, which retrains the run
    epoch by epoch so that every picture follows, needs the interactive version.""") + r""" In the
    diagram every weight is a line (orange positive, blue negative, thicker for larger) and
    every neuron is drawn as its own map: its output over the same square of the plane
    (orange high, blue low). The first hidden layer can only draw straight edges, or curves
    when you add extra inputs; each later layer combines the maps before it, and the last
    map is the decision boundary itself.

    Three things here go beyond the usual playground: the **data seed** and the **weight
    seed** are separate and visible, a run can be **pinned** and compared with the next one
    side by side, and the page address holds every setting, so a copied link (or a
    downloaded run file) brings back exactly this state""" + course.live_or_static(
        ".", " (the last two in the interactive version).") + """
    """)
    return


@app.cell(hide_code=True)
def _(course, mo, playground):
    _try = playground.TRY_SETTINGS
    _link = lambda text, key: playground.markdown_link(text, _try[key])  # noqa: E731
    # each step below changes a setting and retrains, which needs Python behind the page
    mo.md(course.live_or_static(rf"""
    ## Try it

    The links open the playground with those settings (the page reloads); for the rest, use
    the sidebar.

    1. {_link("Circles with no hidden layer", "no hidden layer")}: without hidden layers the
       network is a single sigmoid unit, and its boundary is a straight line, so about half of the
       points stay wrong whatever it does. Now pick **x1²** and **x2²** under *extra
       inputs*: in those coordinates the disc *is* on one side of a straight line, and the
       same single unit {_link("gets almost every point", "squared inputs")}.
    2. Back at `8,8`, type `2` into *hidden layers*: two ReLU units give a boundary of two
       straight pieces, which cannot close around the disc. Try `3` with a few weight seeds
       (some starts find a triangle, some do not), then `4,4`.
    3. Set the learning rate to **10**: the first steps overshoot so far that most ReLU units
       end up *dead* (they output 0 for every point, so no gradient reaches them again; the
       note under the neuron maps lists them) and the loss freezes. At **0.03** the same
       run has barely started after 300 epochs; give it 2000.
    4. Pick **initial weights: all zeros**. Every hidden unit then computes the same thing
       and receives the same gradient, here exactly zero, so nothing ever moves and the loss
       stays at $\log 2 \approx 0.693$. Random starts exist to break that tie.
    5. {_link("Two spirals", "long spirals")}
       need a bigger network and longer training: the picture appears after the first
       chunk of epochs and fills in while the progress bar runs. A **Stop** button under
       the bar (served with `marimo run`) ends the run there and keeps the epochs so far.
    6. Pick **three spirals**: with one sigmoid output the page refuses, since one output can
       only split two classes. Choose **softmax + cross-entropy** (one output per class) and
       it trains; `16,16` tanh and more epochs fit it better than `8,8`.
    7. Change only the **data seed**, then only the **weight seed**: the first draws new
       points, the second a new start on the same points. With a network this size neither
       should change the result much; with `3` hidden units the weight seed matters a lot.

    8. Pick **your drawn points**: a row of buttons appears over the picture. Choose a class
       and click on the plane to add its points, drag with **erase** to remove some,
       **clear** to start again; the network retrains after every stroke. Put a few orange
       points inside the blue cloud and watch the boundary reach for them. A third class
       (button 2) needs **softmax + cross-entropy**.
    9. Pick **regression: a smooth bump** and **linear + squared error**: the targets are now
       numbers, not classes. The picture is the prediction itself (orange above zero, blue
       below), and each point is filled with its target's colour, so a point whose fill
       matches the shading around it is one the network predicts well. A network with no hidden layer can
       only tilt a plane through the hill; `8,8` with tanh fits it. **Regression: a tilted
       plane** needs no hidden layer at all.

    Typing a shape the network cannot have, like `16,,x`, shows what is wrong and keeps the
    last good pictures.
    """, "## Try it\n\nThe experiments of this section change the settings and retrain, which "
        "needs Python behind the page: open the interactive version (see the banner at the top) "
        "or run `marimo run notebooks/05_playground.py`. Several of them were run when this "
        "page was built: see *The same ideas, pre-computed* at the end of the page."))
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.live_or_static(r"""
    ## Compare two runs

    **Pin** the current run, then change one setting in the sidebar. Both runs start from
    the same weight seed, so when the network's shape is unchanged they start from the very
    same weights, and the change you made is the only difference between them.
    """, r"""
    ## Compare two runs

    In the interactive version a run can be pinned and compared with the next one, after
    one setting has changed: both start from the same weight seed, so when the network's
    shape is unchanged they start from the very same weights, and that change is the only
    difference between them. Nothing can be pinned on this static copy; the runs under
    *The same ideas, pre-computed* at the end of the page are compared in the same way.
    """))
    return


@app.cell
def _(compare_view, mo):
    pin_button = mo.ui.run_button(label="pin this run")
    unpin_button = mo.ui.run_button(label="clear the pin")
    mo.vstack([mo.hstack([pin_button, unpin_button], justify="start"),
               mo.ui.anywidget(compare_view)])
    return pin_button, unpin_button


@app.cell
def _(get_pinned, pin_button, result, set_pinned, unpin_button):
    if pin_button.value and result is not None:
        set_pinned(result)
    elif unpin_button.value:
        set_pinned(None)
    pinned = result if pin_button.value else None if unpin_button.value else get_pinned()
    return (pinned,)


@app.cell
def _(compare_view, mo, pinned, playground, result):
    mo.stop(result is None)
    compare_view.frame = playground.compare_frame(pinned, result)
    mo.md("*Nothing is pinned yet.*") if pinned is None else mo.callout(
        mo.md(playground.describe_comparison(pinned, result)), kind="info")
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.live_or_static(r"""
    ## Share and keep

    The page address changes with every setting: copy it from the address bar and anyone
    who opens it gets this exact playground. A **run file** keeps more: the settings and
    both seeds, the starting and final weights, the stored snapshots and every epoch's loss
    and accuracy. Loading one puts its settings into the controls and pins the saved run,
    so you can check that retraining gives the very same numbers.
    """, r"""
    ## Share and keep

    In the interactive version the page address follows every setting, so a copied link
    reopens that exact playground, and a **run file** keeps more: the settings and both
    seeds, the starting and final weights, the stored snapshots and every epoch's loss and
    accuracy; loading one brings the run back. This static copy holds only the run with the
    default settings, so it offers neither.
    """))
    return


@app.cell
def _(mo, playground, set_loaded, set_pinned, view):
    def load_run(files):
        """Restore a saved run: its settings go into the controls and the run is pinned.
        Returns why the file cannot be loaded (then nothing changes), or None."""
        try:
            loaded = playground.read_run_file(files[0].contents)
        except (ValueError, IndexError) as error:
            return str(error)
        if loaded.drawn:  # its drawn points go back onto the picture
            view.drawn = [list(p) for p in loaded.drawn]
        set_loaded(loaded)
        set_pinned(playground.loaded_result(loaded))
        return None

    run_file = mo.ui.file(filetypes=[".npz"], label="load a saved run")
    return load_run, run_file


@app.cell
def _(load_run, run_file):
    # Read once per upload: this cell depends on the file alone.
    run_file_problem = load_run(run_file.value) if run_file.value else None
    return (run_file_problem,)


@app.cell
def _(course, mo, playground, result, run_file, run_file_problem):
    # A static copy has no Python to make the run file, read one, or reopen a link's settings.
    mo.stop(result is None or course.page_kind() == "static")
    _problem = run_file_problem
    mo.vstack([
        mo.md(playground.share_line(result)),
        mo.hstack([mo.download(data=lambda: playground.run_file_bytes(result),
                               filename="playground-run.npz", label="download this run"),
                   run_file], justify="start"),
        mo.callout(mo.md(f"**This file cannot be loaded:** {_problem}. Nothing was changed."),
                   kind="danger") if _problem else
        mo.callout(mo.md(f"Loaded **{run_file.value[0].name}**: its settings are in the "
                         "controls and the saved run is pinned above."), kind="success")
        if run_file.value else mo.md(""),
    ])
    return


@app.cell(hide_code=True)
def _(quiz):
    # Answer first, then the answer and why (nnlab.view.quiz). Fixed prompts and choices: the
    # radios below are made once, so changing a setting never clears an answer. The answers and
    # reasons, which read the run, come in `questions`.
    asked = [
        quiz.Asked(
            "1. How many weights and biases does the network in the sidebar have? Work it "
            "out from the layer sizes first, then pick how you counted.",
            ("only the weights, one per (input, unit) pair",
             "the weights plus one bias per hidden or output unit",
             "the weights plus one bias per unit, the inputs included",
             "the weights plus one per input")),
        quiz.Asked(
            "2. What would it mean if a network did much better on the points it trained on "
            "than on the held-back test points, and what could bring the two closer?",
            ("the learning rate is too small", "the network learnt the training points' "
             "noise (overfitting)", "the test points are mislabelled", "training diverged")),
        quiz.Asked(
            "3. A network with no hidden layer fails on circles from x1 and x2 alone. Why "
            "does it manage with x1² and x2² added?",
            ("the extra inputs add hidden units", "its 0.5 contour can then be a circle",
             "squared inputs are larger, so it learns faster", "it does not: it still fails")),
    ]
    return (asked,)


@app.cell
def _(asked, mo):
    answers = mo.ui.array([mo.ui.radio(a.choices, label=a.prompt) for a in asked])
    return (answers,)


@app.cell(hide_code=True)
def _(asked, mo, playground, result):
    mo.stop(result is None)
    _sizes = result.network.sizes
    _weights = sum(a * b for a, b in zip(_sizes[:-1], _sizes[1:]))
    _biases = result.network.n_params - _weights
    questions = [
        asked[0].answered(
            1,
            f"{playground.parameter_count_formula(result.settings, result.data.classes)}: "
            f"{_weights:,} weights and {_biases:,} biases. Each layer has one weight per "
            "(input, unit) pair plus one bias per unit: (inputs + 1) × units. The inputs "
            "themselves have no bias. Extra inputs such as x1² widen the first layer."),
        asked[1].answered(1, playground.gap_answer(result)),
        asked[2].answered(
            1,
            r"With no hidden layer the output is $\sigma(w_1x_1 + w_2x_2 + b)$, and its 0.5 "
            r"contour $w_1x_1 + w_2x_2 + b = 0$ is a straight line: no line puts a disc on one "
            r"side and a ring around it on the other. With $x_1^2$ and $x_2^2$ as inputs the "
            r"contour becomes $w_3x_1^2 + w_4x_2^2 + \dots = -b$, which for equal negative "
            r"$w_3, w_4$ is a circle."),
    ]
    return (questions,)


@app.cell(hide_code=True)
def _(answers, mo, questions, quiz):
    mo.vstack([mo.md("## Check yourself")] + [
        mo.vstack([answers[_i], mo.md(quiz.feedback(_q, answers.value[_i]))], gap=0.3)
        for _i, _q in enumerate(questions)], gap=1)
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## The same ideas, pre-computed

    These runs were trained once when the page was built, so they teach even on a static
    copy of this page, where the sidebar cannot retrain anything.
    """)
    return


@app.cell
def _(playground):
    scenario_results = {name: playground.run_settings(s)
                        for name, s in playground.SCENARIOS.items()}
    return (scenario_results,)


@app.cell
def _(live, mo, playground, plots, scenario_results):
    # Static pictures (computed once), so Altair charts: nothing here redraws on a change.
    # Two charts that wrap (not one wide chart), so neither is cut off by a narrow page.
    # A regression run has no classes for the boundary chart: its live view is shown, which
    # a static copy of the page draws from the state saved with it.
    def _pictures(r):
        if playground.is_regression(r.settings):
            return mo.ui.anywidget(live.LiveView(frame=playground.live_frame(r)))
        return mo.hstack([
            plots.boundary_chart(r.network, r.run.params, r.data.X, r.data.labels,
                                 X_test=r.data.X_test, labels_test=r.data.labels_test,
                                 extent=r.data.extent),
            plots.loss_chart(r.run)], wrap=True, justify="start")

    mo.ui.tabs({
        name: mo.vstack([
            mo.md(f"**{r.data.source}, {playground.describe_network(r.settings, r.data.classes)}"
                  f"**: {playground.summary(r)} · [open it in the playground]"
                  f"({playground.query_string(r.settings)})"),
            _pictures(r)])
        for name, r in scenario_results.items()})
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.bottom("05_playground"))
    return


if __name__ == "__main__":
    app.run()
