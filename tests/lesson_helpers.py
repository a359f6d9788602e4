"""Running a lesson notebook in tests: load it, run it with some controls replaced, read it."""

import html
import re
from importlib import util
from pathlib import Path

import marimo as mo
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


class Value:
    """Stands in for a UI element in ``app.run(defs=...)``: anything with ``.value``."""

    def __init__(self, value):
        self.value = value

    def __getitem__(self, key):
        """One control of a stand-in ``mo.ui.dictionary`` (a cell that lays them out)."""
        return Value(self.value[key])


def state(name, value):
    """Substitutes a ``get_x, set_x = mo.state(...)`` cell holding ``value``."""
    return {f"get_{name}": lambda: value, f"set_{name}": lambda new: None}


def load_app(filename: str):
    """The marimo ``app`` of ``notebooks/<filename>``, imported under a test-only name.
    Each call imports the notebook afresh."""
    path = NOTEBOOKS / filename
    spec = util.spec_from_file_location(f"lesson_{path.stem}", path)
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def lesson_fixtures(filename: str):
    """Module-scoped fixtures for one lesson, to be bound in a test module as
    ``app, default = lesson_fixtures("03_training_xor.py")``: ``app`` is the notebook's app,
    ``default`` its ``(outputs, defs)`` at the default settings."""

    @pytest.fixture(scope="module")
    def app():
        return load_app(filename)

    @pytest.fixture(scope="module")
    def default(app):
        return app.run()

    return app, default


def cells_by_name(app):
    """The notebook's cells by function name, each runnable on its own with ``cell.run(...)``."""
    return {d.cell.name: d.cell for d in app._cell_manager.cell_data()}


def raw_html(outputs) -> str:
    """Every cell output's HTML exactly as the cell holds it: nested escaping (``&amp;``,
    embedded chart specs) left as is, and outputs that are not HTML counted as empty."""
    return "\n".join(getattr(o, "text", "") or "" for o in outputs)


def page_html(outputs) -> str:
    """Every cell output as HTML, with the escaping of embedded chart specs undone."""
    text = "\n".join(mo.as_html(o).text for o in outputs if o is not None)
    return html.unescape(text).replace('\\"', '"')


def page_text(outputs) -> str:
    """Every cell output as plain text: tags stripped, and the HTML and JSON escaping that
    nested layouts add (a callout inside a vstack) undone."""
    raw = "\n".join(out.text if hasattr(out, "text") else str(out)
                    for out in outputs if out is not None)
    for _ in range(3):
        raw = html.unescape(raw)
        raw = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)
        raw = raw.replace('\\"', '"')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", raw))
