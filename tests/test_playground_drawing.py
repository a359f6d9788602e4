"""Your own points in the playground (nnlab.view.drawing and its use in lesson 5): checked input
from the page, data from the drawing, the drawing in the link and in saved runs."""

import pytest

from lesson_helpers import load_app, page_text
from nnlab.view import drawing
from nnlab.lessons import playground as pg

THREE = [[-1, 1, 0], [-0.8, 1, 0], [1, 1, 1], [0.8, 1, 1], [0, -1, 2], [0.2, -1, 2]]


def test_points_from_the_page_are_checked_and_say_what_is_wrong():
    assert drawing.parse_drawn([[0.12345, -1, 1]]) == ((0.123, -1.0, 1),)
    for bad, says in [([[2, 0, 0]], "point 1 lies outside the plane"),
                      ([[0, 0, 3]], "point 1's class must be 0 to 2"),
                      ([[0, 0]], "point 1 is not [x1, x2, class]"),
                      ([[float("nan"), 0, 0]], "outside the plane"),
                      ("0,0,0", "a list of [x1, x2, class]"),
                      ([[0, 0, 0]] * 301, "at most 300")]:
        with pytest.raises(ValueError, match=says.replace("[", r"\[").replace("]", r"\]")):
            drawing.parse_drawn(bad)


def test_a_drawing_becomes_two_or_three_classes():
    assert drawing.dataset(drawing.STARTER).n_classes == 2
    assert drawing.dataset(THREE).n_classes == 3
    with pytest.raises(ValueError, match=r"at least 2 points of each class .*now: none"):
        drawing.dataset([])
    with pytest.raises(ValueError, match="now: 2 of class 0, 1 of class 1"):
        drawing.dataset([[0, 0, 0], [0.1, 0, 0], [1, 1, 1]])


def test_the_drawing_travels_in_links_and_run_files():
    text = drawing.to_text(THREE)
    assert text == "-1.00,1.00,0;-.80,1.00,0;1.00,1.00,1;.80,1.00,1;.00,-1.00,2;.20,-1.00,2"
    assert drawing.from_text(text) == drawing.parse_drawn(THREE)
    many = [[round(-1 + i / 100, 2), 0, i % 2] for i in range(150)]
    assert drawing.to_text(many) is None and drawing.to_text(many, limit=None)
    points, warnings = drawing.from_query({"pts": "1,2"})
    assert points is None and "pts in the link was ignored" in warnings[0]

    settings = pg.Settings(dataset="draw", output_loss="softmax_ce")
    data = pg.build_data(settings, drawn=THREE)
    assert data.classes == 3 and data.extent == drawing.EXTENT and data.drawn
    assert pg.share_query(settings, data)["pts"] == text
    assert pg.from_query(pg.share_query(settings, data)) == (settings, [])
    result = pg.Result(settings, data, pg.train_playground(settings, data))
    loaded = pg.read_run_file(pg.run_file_bytes(result))
    assert loaded.drawn == data.drawn
    assert pg.loaded_result(loaded).data.drawn == data.drawn
    with pytest.raises(ValueError, match="one sigmoid output separates two classes"):
        pg.prepare({"dataset": "draw"}, drawn=THREE)


def test_the_lesson_trains_on_the_drawing_in_its_link():
    app = load_app("05_playground.py")
    query = {**pg.to_query(pg.Settings(dataset="draw")),
             "pts": drawing.to_text([[-1, -1, 0], [-1, -0.8, 0], [1, 1, 1], [0.9, 1, 1]])}
    outputs, defs = app.run(defs={"url_params": query})
    assert defs["problem"] is None and defs["result"].data.source == "your drawn points (4)"
    assert "A link to exactly this state" in page_text(outputs)
    panel = next(p for p in defs["view"].frame["panels"] if p["name"] == "boundary")
    assert panel["draw"]["classes"] == 3


def test_the_page_says_which_data_controls_do_nothing_for_drawn_points():
    assert "here the points are yours" in pg.unused_data_controls(pg.Settings(dataset="draw"))
    assert pg.unused_data_controls(pg.Settings()) == ""
