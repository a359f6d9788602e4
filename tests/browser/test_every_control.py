"""Every control of every lesson, changed once in a real browser under ``marimo run``.

For each lesson: open it, wait for the first full render, then for every visible slider,
range slider, dropdown, multiselect, number, text field, checkbox, switch and radio group
(found generically: ``marimo-ui-element`` wrappers and the slider/select/input roles inside
their shadow roots, so a control added to a lesson is covered without touching this file):

1. change its value once (slider: focus + ArrowRight, or ArrowLeft at the end; dropdown:
   the first other option; number: ArrowUp/ArrowDown + Enter; text: the placeholder's
   "e.g." example, or empty; checkbox/switch: click; radio: another choice);
2. check that some cell re-ran (marimo's websocket says so), wait until the page is idle, and check the page: no marimo
   error (cell error, error toast, disconnect), no JavaScript error, no Python traceback and
   no "NaN"/"nan" word in any visible text;
3. put the old value back and check the page again, so every control is tried from the
   lesson's defaults and slow combinations do not pile up.

A control inside a ``mo.ui.form`` is changed and then the form is submitted, as a learner
would. Buttons (``run_button`` sweeps, pins), file uploads, downloads and tabs are not changed:
they start long work or change no value. One server and one page per lesson; a lesson's
problems are collected and reported together, naming the control.
"""

from __future__ import annotations

import re
import textwrap
import time
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from harness import (KernelLog, lesson_notebooks, open_lesson, page_errors, record,
                     visible_text, wait_for_idle, wait_for_run, watch_kernel)

pytestmark = pytest.mark.browser
NOTEBOOKS = lesson_notebooks()

# marimo-ui-element's inner tag -> how we change it. Anything else is left alone.
KINDS = {
    "marimo-slider": "slider",
    "marimo-range-slider": "slider",
    "marimo-dropdown": "dropdown",
    "marimo-multiselect": "multiselect",
    "marimo-number": "number",
    "marimo-text": "text",
    "marimo-text-area": "text",
    "marimo-checkbox": "toggle",
    "marimo-switch": "toggle",
    "marimo-radio": "radio",
}
NAN_WORD = re.compile(r"\bnan\b", re.IGNORECASE)
TRACEBACK = "Traceback (most recent call last)"
RERUN_TIMEOUT_MS = 5_000

# Every marimo-ui-element in the document and in open shadow roots, in document order.
# Each gets a data-nnlab-ctl index so Python can find it again; ``visible`` is whether its
# first interactive part is rendered (marimo keeps a hidden copy of a sidebar's controls).
_DISCOVER_JS = """() => {
  const found = [];
  const visit = (root) => {
    root.querySelectorAll('*').forEach((el) => {
      if (el.tagName === 'MARIMO-UI-ELEMENT') found.push(el);
      if (el.shadowRoot) visit(el.shadowRoot);
    });
  };
  visit(document);
  // The marimo form (if any) that holds el: its value only reaches Python on submit.
  const formOf = (el) => {
    for (let node = el.parentNode || el.getRootNode().host; node;
         node = node.parentNode || (node.getRootNode && node.getRootNode().host)) {
      if (node.tagName === 'MARIMO-UI-ELEMENT' && node.firstElementChild
          && node.firstElementChild.tagName === 'MARIMO-FORM') return node;
    }
    return null;
  };
  found.forEach((el, i) => el.setAttribute('data-nnlab-ctl', String(i)));
  return found.map((el, i) => {
    const form = formOf(el);
    const inner = el.firstElementChild;
    const root = (inner && inner.shadowRoot) || el;
    const label = root.querySelector('[part="label"]');
    const part = root.querySelector(
      '[role="slider"], select, input, textarea, button, [role="radiogroup"]');
    return {
      index: i,
      tag: inner ? inner.tagName.toLowerCase() : '',
      objectId: el.getAttribute('object-id') || '',
      label: (label ? label.textContent : '').trim().replace(/\\s+/g, ' '),
      visible: !!part && part.checkVisibility({visibilityProperty: true}),
      form: form ? Number(form.getAttribute('data-nnlab-ctl')) : null,
    };
  });
}"""


@dataclass
class Control:
    key: str  # "marimo-slider 'learning rate'" (+ " #2" for a repeat): stable across re-renders
    kind: str
    index: int  # its data-nnlab-ctl in the latest discovery
    form: int | None = None  # data-nnlab-ctl of the mo.ui.form holding it: submit to send


def discover(page: Page) -> tuple[list[Control], list[str]]:
    """The visible controls we change, and the tags of the visible ones we leave alone."""
    controls, skipped, seen_objects, counts = [], [], set(), {}
    for info in page.evaluate(_DISCOVER_JS):
        if not info["visible"] or info["objectId"] in seen_objects:
            continue
        seen_objects.add(info["objectId"])
        kind = KINDS.get(info["tag"])
        if kind is None:
            skipped.append(info["tag"])
            continue
        key = f"{info['tag']} '{info['label']}'"
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > 1:
            key += f" #{counts[key]}"
        controls.append(Control(key, kind, info["index"], info["form"]))
    return controls, skipped


def element(page: Page, control: Control):
    return page.locator(f'marimo-ui-element[data-nnlab-ctl="{control.index}"]')


def submit_form(page: Page, control: Control) -> str:
    """Press the submit button of the form holding ``control`` (a learner's next step);
    returns the form's text from before, to spot a validation message it shows."""
    form = page.locator(f'marimo-ui-element[data-nnlab-ctl="{control.form}"]')
    text = form.locator("form").first.inner_text()  # inside the shadow root
    form.get_by_test_id("marimo-plugin-form-submit-button").click()
    return text


def form_refusal(page: Page, control: Control, text_before: str) -> str:
    """The message a form's validation shows after a refused submit, or ""."""
    form = page.locator(f'marimo-ui-element[data-nnlab-ctl="{control.form}"]')
    old = set(text_before.splitlines())
    now = form.locator("form").first.inner_text().splitlines()
    return " ".join(line for line in now if line not in old).strip()


# --------------------------------------------------------------------------
# Changing one control. Each function changes the value and returns a function that puts
# the old value back; both return (value before, value after) as the page shows them.
# --------------------------------------------------------------------------


def _slider(page, el):
    thumb = el.get_by_role("slider").first
    before = thumb.get_attribute("aria-valuenow")
    at_end = float(before) >= float(thumb.get_attribute("aria-valuemax"))
    key, back = ("ArrowLeft", "ArrowRight") if at_end else ("ArrowRight", "ArrowLeft")
    thumb.press(key)  # focus and key in one step: a re-render in between cannot steal the key
    return before, thumb.get_attribute("aria-valuenow"), lambda p, e: _press(p, e, back)


def _press(page, el, key):
    thumb = el.get_by_role("slider").first
    before = thumb.get_attribute("aria-valuenow")
    thumb.press(key)
    return before, thumb.get_attribute("aria-valuenow")


def _dropdown(page, el, skip=0, origin=None):
    """Choose the first option other than ``origin`` (default: the current one; a real
    option before an empty one), or the skip-th."""
    select = el.locator("select")
    before = select.input_value() if origin is None else origin
    options = select.locator("option").evaluate_all(
        "(os) => os.filter((o) => !o.disabled).map((o) => o.value)")
    others = sorted((v for v in options if v != before), key=lambda v: not v)
    if len(others) <= skip:
        return before, before, None
    select.select_option(value=others[skip])
    return before, select.input_value(), lambda p, e: _select(e, before)


def _select(el, value):
    select = el.locator("select")
    before = select.input_value()
    select.select_option(value=value)
    return before, select.input_value()


def _multiselect(page, el):
    before = _toggle_first_option(page, el)
    return before, _chosen(el), lambda p, e: (_toggle_first_option(p, e), _chosen(e))


def _chosen(el):
    return el.get_by_role("button").first.inner_text()


def _toggle_first_option(page, el):
    before = _chosen(el)
    el.get_by_role("button").first.click()
    listbox = page.get_by_role("listbox").filter(visible=True).first
    listbox.wait_for(timeout=5_000)
    options = listbox.get_by_role("option")
    texts = options.all_inner_texts()
    real = [i for i, t in enumerate(texts) if t.strip() not in ("Select all", "Deselect all")]
    options.nth(real[0]).click()
    page.keyboard.press("Escape")
    return before


def _number(page, el):
    field_ = el.locator("input").first
    before = field_.input_value()
    for key in ("ArrowUp", "ArrowDown"):  # ArrowDown when it is at its maximum
        # Element-targeted presses: a late re-render of the page must not take the focus
        # (and the key) away between a focus() and a page-level press, as it once did in CI.
        field_.press(key)
        try:
            expect(field_).not_to_have_value(before, timeout=1_000)
            break
        except AssertionError:
            pass
    field_.press("Enter")
    return before, field_.input_value(), lambda p, e: _type(p, e, before)


def _text(page, el):
    field_ = el.locator("input, textarea").first
    before = field_.input_value()
    example = re.match(r"\s*e\.g\.\s*([^(]*?)\s*(\(|$)", field_.get_attribute("placeholder") or "")
    new = example.group(1) if example and example.group(1) != before else ("" if before else "1")
    _type(page, el, new)
    return before, field_.input_value(), lambda p, e: _type(p, e, before)


def _type(page, el, text):
    field_ = el.locator("input, textarea").first
    before = field_.input_value()
    field_.fill(text)
    field_.press("Enter")  # debounced fields send their value on Enter (or blur)
    return before, field_.input_value()


def _toggle(page, el):
    box = el.locator('[role="checkbox"], [role="switch"]').first
    before = box.get_attribute("aria-checked")
    box.click()
    return before, box.get_attribute("aria-checked"), lambda p, e: _click_toggle(e)


def _click_toggle(el):
    box = el.locator('[role="checkbox"], [role="switch"]').first
    before = box.get_attribute("aria-checked")
    box.click()
    return before, box.get_attribute("aria-checked")


def _radio(page, el):
    radios = el.get_by_role("radio")
    states = radios.evaluate_all("(rs) => rs.map((r) => r.getAttribute('aria-checked'))")
    old = states.index("true") if "true" in states else None
    new = next(i for i, s in enumerate(states) if s != "true")
    radios.nth(new).click()
    undo = None if old is None else (lambda p, e: _click_radio(e, old))
    return old, new if radios.nth(new).get_attribute("aria-checked") == "true" else old, undo


def _click_radio(el, i):
    radios = el.get_by_role("radio")
    radios.nth(i).click()
    return None, i


CHANGE = {"slider": _slider, "dropdown": _dropdown, "multiselect": _multiselect,
          "number": _number, "text": _text, "toggle": _toggle, "radio": _radio}


# --------------------------------------------------------------------------
# Checking the page
# --------------------------------------------------------------------------


@dataclass
class Report:
    lesson: str
    exercised: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a choice a form refused, with its message
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [f"{self.lesson}: {len(self.exercised)} controls changed in {self.seconds:.0f} s"
                 + (f", left alone: {', '.join(sorted(set(self.skipped)))}" if self.skipped else "")]
        lines += [f"  note: {n}" for n in self.notes]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def page_problems(page: Page) -> list[str]:
    """Everything wrong on the page right now."""
    rec = record(page)
    found = list(page_errors(page))
    found += [f"JavaScript error: {e}" for e in rec.js_errors]
    found += [f"console error: {e}" for e in rec.console_errors]
    text = visible_text(page)
    for line in text.splitlines():
        if NAN_WORD.search(line):
            found.append(f"'nan' in the page: {line.strip()[:160]!r}")
    if TRACEBACK in text:
        found.append("a Python traceback is shown")
    return found


def _new(before: list[str], now: list[str]) -> list[str]:
    return [p for p in now if p not in before]


def _submit(page, kernel, report, control, el, step, before, after):
    """Submit the control's form. A dropdown choice that the form's own validation refuses
    with a message (e.g. "pick two different activations") is noted, and the next choice is
    tried; a refusal without a message is left for the caller's "re-ran no cell" check."""
    for skip in range(1, 20):
        runs_before = kernel.runs
        text = submit_form(page, control)
        if control.kind != "dropdown" or step != "change" or wait_for_run(page, kernel, runs_before, 2_000):
            break
        refusal = form_refusal(page, control, text)
        if not refusal:
            break
        report.notes.append(f"{control.key}: the form refused {after!r}: {refusal}")
        _, after, _ = _dropdown(page, el, skip, origin=before)
        if after == before:  # no choice left
            break
    return before, after


def exercise_controls(page: Page, kernel: KernelLog, lesson: str) -> Report:
    """Change every control once and back (see the module docstring); collect problems."""
    started = time.monotonic()
    report = Report(lesson)
    known = page_problems(page)
    report.problems += [f"on first render: {p}" for p in known]
    controls, report.skipped = discover(page)
    for wanted in controls:
        current = {c.key: c for c in discover(page)[0]}
        control = current.get(wanted.key)
        if control is None:
            report.problems.append(f"{wanted.key}: no longer on the page (after the controls "
                                   "before it were changed and put back)")
            continue
        report.exercised.append(control.key)
        undo = None
        for step in ("change", "put back"):
            el = element(page, control)
            runs_before = kernel.runs
            try:
                if step == "change":
                    before, after, undo = CHANGE[control.kind](page, el)
                else:
                    before, after = undo(page, el)
            except Exception as error:  # a control we cannot drive is a finding, not a crash
                report.problems.append(f"{control.key}: could not {step} it: "
                                       f"{type(error).__name__}: {str(error).splitlines()[0]}")
                break
            if before == after:
                report.problems.append(f"{control.key}: its value did not {step} ({before!r})")
                break
            if control.form is not None:
                before, after = _submit(page, kernel, report, control, el, step, before, after)
            if not wait_for_run(page, kernel, runs_before, RERUN_TIMEOUT_MS):
                report.problems.append(f"{control.key}: {step} {before!r} -> {after!r} "
                                       "re-ran no cell")
            wait_for_idle(page)
            now = page_problems(page)
            report.problems += [f"{control.key}: {step} {before!r} -> {after!r}: {p}"
                                for p in _new(known, now)]
            known = now
            if undo is None:
                break
            # Controls are re-created when a cell above them re-runs: find it again.
            control = {c.key: c for c in discover(page)[0]}.get(control.key)
            if control is None:
                report.problems.append(f"{wanted.key}: gone after the {step}")
                break
    report.seconds = time.monotonic() - started
    return report


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------


def test_there_are_lessons():
    assert NOTEBOOKS, "no notebooks/*.py found"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_control_of_the_lesson(page, marimo_app, notebook):
    """Each control changed once (and back) re-renders the lesson without any error."""
    kernel = watch_kernel(page)
    with marimo_app(notebook) as url:
        open_lesson(page, url)
        report = exercise_controls(page, kernel, notebook.stem)
    print(report.summary())
    assert not report.problems, report.summary()


TRAP = """\
    import marimo

    app = marimo.App()


    @app.cell
    def _():
        import marimo as mo

        mo.md("# Trap")
        return (mo,)


    @app.cell
    def _(mo):
        size = mo.ui.slider(1, 5, value=2, label="trap size")
        shown = mo.ui.dropdown(["number", "missing"], value="number", label="trap shows")
        fine = mo.ui.checkbox(value=False, label="harmless box")
        formed = mo.ui.slider(1, 3, value=1, label="formed slider").form()
        mo.vstack([size, shown, fine, formed])
        return fine, formed, shown, size


    @app.cell
    def _(size):
        if size.value > 2:
            raise ValueError("deliberate failure 5151")
        return


    @app.cell
    def _(mo, shown):
        mo.md(f"mean loss: {float('nan') if shown.value == 'missing' else 0.25}")
        return


    @app.cell
    def _(fine, mo):
        mo.md(f"box: {fine.value}")
        return


    @app.cell
    def _(formed, mo):
        mo.md(f"submitted: {formed.value}")
        return
    """


def test_a_failing_control_is_caught(page, marimo_app, tmp_path):
    """A slider that makes a cell raise, and a dropdown that prints nan, fail the check;
    a harmless control, and one inside a form (submitted), do not."""
    notebook = tmp_path / "trap.py"
    notebook.write_text(textwrap.dedent(TRAP))
    kernel = watch_kernel(page)
    with marimo_app(notebook) as url:
        open_lesson(page, url)
        report = exercise_controls(page, kernel, "trap")
    text = "\n".join(report.problems)
    assert set(report.exercised) == {"marimo-slider 'trap size'", "marimo-dropdown 'trap shows'",
                                     "marimo-checkbox 'harmless box'",
                                     "marimo-slider 'formed slider'"}, report.summary()
    slider_problems = [p for p in report.problems if p.startswith("marimo-slider 'trap size'")]
    assert any("deliberate failure 5151" in p and "change" in p for p in slider_problems), text
    assert any(p.startswith("marimo-dropdown 'trap shows'") and "'nan' in the page" in p
               for p in report.problems), text
    assert not any("harmless box" in p or "formed slider" in p for p in report.problems), text
