"""Every lesson file: lint-clean, titled the same in the page and in the gallery."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.py"))
LESSONS = [p for p in NOTEBOOKS if not p.name.startswith("00_")]


def test_there_are_eight_lessons():
    assert [p.name[:2] for p in LESSONS] == ["01", "02", "03", "04", "05", "06", "07", "08"]


def test_marimo_check_strict_passes():
    result = subprocess.run([sys.executable, "-m", "marimo", "check", "--strict",
                             *map(str, NOTEBOOKS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_gallery_title_matches_the_lesson_heading(path):
    """`marimo run notebooks/` names a lesson by its opengraph title, the page by its H1."""
    text = path.read_text()
    header = re.search(r'^# \[tool\.marimo\.opengraph\]\n# title = "([^"]+)"', text, re.M)
    heading = re.search(r"^\s*# (.+)$", text.split("mo.md(", 1)[1], re.M)
    assert header, f"{path.name} has no opengraph title for the gallery"
    assert header.group(1) == heading.group(1).strip()


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_learner_visible_text_never_names_a_seed_file(path):
    assert not re.search(r"seed 00\d|00\d_[0-9a-f]{6}", path.read_text(), re.I)
