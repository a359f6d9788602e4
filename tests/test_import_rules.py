"""The import rules of nnlab, read from the source (every import, also inside functions).

Leaves that need only NumPy -> the network -> optimisers -> training -> sweeps, kits, charts.
Speed (``engine``) is entered only through ``train``/``Training`` and the many-nets module.
"""

import ast
from pathlib import Path

import pytest

NNLAB = Path(__file__).resolve().parent.parent / "nnlab"
MODULES = sorted(p.stem for p in NNLAB.glob("*.py") if p.stem != "__init__")

# The readable core: the maths a lesson points to, its checks, data and recipes.
CORE = ("activations", "losses", "checks", "network", "init", "optim", "gradcheck", "datasets",
        "diagnostics", "xor9", "verdicts")
FAST = ("engine",)


def imports(module: str) -> set[str]:
    """Top-level names this module imports: "numpy", "altair", or nnlab's own "network" etc."""
    tree = ast.parse((NNLAB / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module.split(".")[0])
            elif node.module:
                found.add(node.module.split(".")[0])
            else:  # from . import x, y
                found |= {alias.name for alias in node.names}
    return found


def nnlab_imports(module: str) -> set[str]:
    return imports(module) & set(MODULES)


@pytest.mark.parametrize("module", MODULES + ["__init__"])
def test_nothing_in_nnlab_imports_marimo(module):
    assert "marimo" not in imports(module)


@pytest.mark.parametrize("module", MODULES)
def test_only_the_chart_module_imports_altair(module):
    assert ("altair" in imports(module)) == (module == "plots")


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_only_the_core(module):
    assert nnlab_imports(module) <= set(CORE), nnlab_imports(module) - set(CORE)


def test_the_fast_kernels_never_import_training():
    for module in FAST:
        assert nnlab_imports(module) <= set(CORE), nnlab_imports(module)


def test_training_imports_only_the_core_and_the_fast_door():
    assert nnlab_imports("train") <= set(CORE) | set(FAST)


def test_loss_and_activation_names_are_not_re_dispatched_in_the_core():
    """A loss name appears as a string only in its registry (and in checks of targets that
    ask the registry): the readable core never switches on "bce" or "sigmoid"."""
    names = {"mse", "half_mse", "bce", "softmax_ce", "sigmoid", "tanh", "relu", "leaky_relu",
             "identity", "softmax"}
    for module in ("network", "train", "optim", "gradcheck", "init"):
        tree = ast.parse((NNLAB / f"{module}.py").read_text())
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
                      and n.body and isinstance(n.body[0], ast.Expr)}
        literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
                    and isinstance(n.value, str) and id(n) not in docstrings}
        allowed = {"sigmoid", "mse"} if module == "network" else set()  # Network's defaults
        allowed |= {"mse"} if module in ("gradcheck", "train") else set()  # default loss
        assert literals & names <= allowed, (module, literals & names)
