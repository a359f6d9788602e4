"""Unit health flags and the gradient-check lesson's planted bug."""

import numpy as np
import pytest

from nnlab import Init, Network
from nnlab.diagnostics import unit_health
from nnlab.gradcheck import check_gradients, gradients_with_derivative_bug
from xor_reference import X, Y


def test_dead_relu_units_are_found():
    net = Network([2, 3, 1], "relu")
    W = np.array([[1.0, -1.0, 0.5], [1.0, -1.0, 0.5]])
    b = np.array([0.1, -0.1, -2.0])  # unit 1 and unit 2 never fire on the unit square
    health = unit_health(net, [(W, b), (np.ones((3, 1)), np.zeros(1))], X)
    assert health[0].dead == (1, 2) and health[0].flagged == 2


def test_saturated_sigmoid_units_are_found_and_healthy_ones_are_not():
    net = Network([2, 2, 1], "sigmoid")
    W = np.array([[40.0, 0.1], [40.0, 0.1]])
    b = np.array([-20.0, 0.0])  # unit 0 saturates everywhere, unit 1 stays near 0.5
    health = unit_health(net, [(W, b), (np.ones((2, 1)), np.zeros(1))], X)
    assert health[0].saturated == (0,)
    np.testing.assert_allclose(health[0].saturated_share, [1.0, 0.0])


def test_unit_health_rejects_bad_thresholds():
    with pytest.raises(ValueError, match="margin"):
        unit_health(Network([2, 2, 1]), Init().draw(Network([2, 2, 1])), X, margin=0.7)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_gradient_check_flags_the_derivative_bug_and_passes_the_real_backward(activation):
    net = Network([2, 3, 3, 1], activation)
    params = Init(seed=3).draw(net)
    assert check_gradients(net, params, X, Y, "mse").passed
    buggy = check_gradients(net, params, X, Y, "mse", backward=gradients_with_derivative_bug)
    assert not buggy.passed
    # the bug sits in the hidden error terms; the output's comes from the loss and stays right
    assert all(max(pair) > 1e-3 for pair in buggy.layer_errors[:-1])
    assert max(buggy.layer_errors[-1]) < 1e-6
