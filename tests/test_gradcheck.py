"""The gradient-check tools a lesson shows number by number."""

import numpy as np
import pytest

from nnlab import Init, Network, gradients
from nnlab.gradcheck import (error_vs_eps, error_vs_eps_curves, gradients_with_derivative_bug,
                             probe)
from xor_reference import X, Y

NET = Network([2, 3, 1])
PARAMS = Init(seed=1).draw(NET)


def test_probe_shows_one_finite_difference():
    p = probe(NET, PARAMS, X, Y, "mse", layer=0, kind="W", index=(1, 2), eps=1e-5)
    assert p.name == "W1[1, 2]" and p.value == PARAMS[0][0][1, 2]
    assert p.numeric == pytest.approx((p.loss_plus - p.loss_minus) / 2e-5)
    assert p.analytic == pytest.approx(gradients(NET, PARAMS, X, Y, "mse")[1][0][0][1, 2])
    assert p.relative_error < 1e-7


def test_probe_rejects_a_parameter_that_does_not_exist():
    with pytest.raises(ValueError, match="index"):
        probe(NET, PARAMS, X, Y, layer=0, kind="W", index=(5, 0))
    with pytest.raises(ValueError, match="layer"):
        probe(NET, PARAMS, X, Y, layer=4)


def test_error_against_step_size_is_a_v_for_the_real_backward_and_flat_for_the_bug():
    eps = np.logspace(-12, -1, 12)
    good = error_vs_eps(NET, PARAMS, X, Y, eps_values=eps)
    bad = error_vs_eps(NET, PARAMS, X, Y, eps_values=eps, backward=gradients_with_derivative_bug)
    best = good.argmin()
    assert 0 < best < len(eps) - 1 and good[best] < 1e-8
    assert good[0] > 100 * good[best] and good[-1] > 100 * good[best]
    assert bad.min() > 1e-2
    both = error_vs_eps_curves(NET, PARAMS, X, Y, eps_values=eps, backwards={
        "good": gradients, "bad": gradients_with_derivative_bug})
    assert np.array_equal(both["good"], good) and np.array_equal(both["bad"], bad)
