# /// script
# [tool.marimo.opengraph]
# title = "Welcome to nnlab"
# description = "What the course teaches, in what order, and how to run, edit and publish it."
# ///
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.top("00_welcome"))
    return


@app.cell(hide_code=True)
def _(course, mo):
    _controls = course.live_or_static(
        "with controls you can move to see what changes.",
        "with pictures of what changes when its settings move (this copy is static: "
        "the interactive version lets you move them yourself).")
    mo.vstack([
        mo.md("# Welcome to nnlab"),
        mo.md("This course builds a small neural network from nothing but NumPy and takes it "
              "apart until every number in it has a reason. Each lesson is one idea, shown "
              f"with the code that does it and {_controls} By the end you will have trained a "
              "network on XOR by hand and by loop, seen why training sometimes gets stuck, "
              "compared activation functions, checked backpropagation against finite "
              "differences and taught a network to read real handwritten digits."),
    ])
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.vstack([mo.md("## The way through\n\nTake the lessons in order: each one uses the "
                     "words and the network of the one before."),
               mo.Html(course.syllabus(pictures=course.pictures()))])
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Before you start

    - **Python**: reading a short function and a loop is enough; you never have to write
      one to follow the course.
    - **NumPy**: knowing that `a @ b` multiplies matrices and that arrays hold rows of
      numbers helps.
    - **Mathematics**: derivatives of one variable and the chain rule. Lesson 02 uses
      nothing more.

    ## Run, edit, publish

    - **Run the course**: `marimo run notebooks/` opens this gallery in your browser;
      `marimo run notebooks/03_training_xor.py` opens one lesson.
    - **Edit a lesson**: `marimo edit notebooks/03_training_xor.py` shows the cells and their
      code. The lessons only arrange and explain; the network itself lives in the `nnlab`
      package, so a change to `nnlab/` shows in every lesson that uses it.
    - **Publish**: `python scripts/build_site.py` writes a static site (every lesson as a page
      that opens with no server, plus an interactive version that runs in the browser).
      The README's publishing section lists its options.
    """)
    return


@app.cell(hide_code=True)
def _(course, mo):
    mo.md(course.bottom("00_welcome"))
    return


@app.cell
def _():
    import marimo as mo
    # numpy and nnlab are imported here only so that the live (browser) copy of this page
    # bundles them: marimo ships just what the cells import, and course.py sits in nnlab.
    import numpy  # noqa: F401
    import nnlab  # noqa: F401
    from nnlab.view import course

    return course, mo


if __name__ == "__main__":
    app.run()
