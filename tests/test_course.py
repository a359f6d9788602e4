"""The course around the lessons: one list (nnlab.view.course.LESSONS) that matches the
notebooks, their gallery headers, and the previous/next cells in every lesson."""

import re
from pathlib import Path

import pytest

from nnlab.view import course

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def header(path: Path) -> dict[str, str]:
    """title and description from a notebook's [tool.marimo.opengraph] header."""
    block = path.read_text(encoding="utf-8").split("# ///")[1]
    return dict(re.findall(r'^# (title|description) = "(.*)"$', block, re.M))


def test_every_notebook_is_in_the_course_in_file_order():
    assert [p.stem for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))] == \
        [item.stem for item in course.LESSONS]


def test_numbers_run_from_00_without_gaps():
    assert [item.number for item in course.LESSONS] == \
        [f"{i:02d}" for i in range(len(course.LESSONS))]


@pytest.mark.parametrize("item", course.LESSONS, ids=lambda l: l.stem)
def test_gallery_header_repeats_the_course_entry(item):
    # marimo's gallery reads only the notebook header; the course page reads LESSONS
    assert header(NOTEBOOKS / f"{item.stem}.py") == \
        {"title": item.title, "description": item.description}


@pytest.mark.parametrize("item", course.LESSONS[1:], ids=lambda l: l.stem)
def test_lesson_starts_with_previous_and_ends_with_next(item):
    source = (NOTEBOOKS / f"{item.stem}.py").read_text(encoding="utf-8")
    cells = source.split("@app.cell")[1:]
    assert f'course.top("{item.stem}")' in cells[0]
    assert f'course.bottom("{item.stem}")' in cells[-1]
    assert 2 <= len(item.references) <= 4


def test_links_point_at_the_neighbours_for_each_kind_of_page():
    top = course.top("03_training_xor", "run")
    assert 'href="?file=02_backprop_by_hand.py"' in top
    bottom = course.bottom("03_training_xor", "static")
    assert 'href="04_convergence.html"' in bottom
    assert 'href="04_convergence.html"' in course.bottom("03_training_xor", "live")
    assert 'rel="prev"' not in course.top("00_welcome", "run")
    assert "last lesson" in course.bottom(course.LESSONS[-1].stem, "run")


def test_page_kind_follows_the_build_variable(monkeypatch):
    monkeypatch.setenv(course.PAGE_ENV, "static")
    assert course.href("01_one_neuron") == "01_one_neuron.html"
    monkeypatch.delenv(course.PAGE_ENV)
    assert course.href("01_one_neuron") == "?file=01_one_neuron.py"


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="stem"):
        course.lesson("99_nothing")
    with pytest.raises(ValueError, match="kind"):
        course.href("01_one_neuron", "pdf")
    with pytest.raises(ValueError, match="pictures"):
        course.syllabus(pictures=["one"])


def test_welcome_lists_every_lesson_with_a_picture():
    html = course.syllabus("run", course.pictures())
    for item in course.LESSONS[1:]:
        assert f'href="?file={item.stem}.py"' in html and "<svg" in html
    assert html.count("<svg") == len(course.LESSONS) - 1
