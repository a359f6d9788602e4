"""XOR and the exact-loss-table program: the reference data the tests check nnlab against.

Written out here, not taken from nnlab (nnlab.nine, nnlab.lessons.training_xor), so that a slip in the
library cannot move the expected values along with it. Shared by several test modules: read
these, never change them in place."""

import numpy as np

from nnlab import Network

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y = np.array([[0], [1], [1], [0]], dtype=float)
XOR = Network([2, 2, 1], activation="sigmoid", output="sigmoid")

# The fixed start of the exact-loss-table program, written as its per-neuron rows there:
# its w12 is the weight INTO hidden neuron 1 FROM input 2, i.e. W1[1, 0] here.
TABLE_PARAMS = [
    (np.array([[0.5, 0.9], [-0.4, 0.3]]), np.array([0.1, -0.2])),
    (np.array([[0.8], [-0.6]]), np.array([0.05])),
]
# What the program prints training XOR from there (mse, learning rate 2.0, 4001 full-batch
# epochs): the loss every 500 epochs to four decimals, then the four outputs to three.
TABLE = [0.2518, 0.0888, 0.0034, 0.0015, 0.0010, 0.0007, 0.0006, 0.0005, 0.0004]
TABLE_OUTPUTS = [0.020, 0.977, 0.981, 0.018]
