"""Running a lesson notebook in tests: load it, run it with some controls replaced, read it."""

import html
from importlib import util
from pathlib import Path

import marimo as mo

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


class Value:
    """Stands in for a UI element in ``app.run(defs=...)``: anything with ``.value``."""

    def __init__(self, value):
        self.value = value


def load_app(filename: str):
    """The marimo ``app`` of ``notebooks/<filename>``, imported under a test-only name."""
    path = NOTEBOOKS / filename
    spec = util.spec_from_file_location(f"lesson_{path.stem}", path)
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def page_html(outputs) -> str:
    """Every cell output as HTML, with the escaping of embedded chart specs undone."""
    text = "\n".join(mo.as_html(o).text for o in outputs if o is not None)
    return html.unescape(text).replace('\\"', '"')
