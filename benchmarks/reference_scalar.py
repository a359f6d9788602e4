"""Reference: the 2-2-1 XOR trainer written with nine named scalars in plain Python.

This is the shape of the exact-loss-table lesson's program (our own code): full batch,
loss (out - y)^2 averaged over the four cases, learning rate 2.0, loss recorded every epoch.
"""

import math


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def train_xor_scalar(start, lr=2.0, epochs=4001):
    """Train from ``start`` = (w11, w12, b1, w21, w22, b2, v1, v2, c); return (losses, params).

    w12 is the weight into hidden neuron 1 from input 2.
    """
    w11, w12, b1, w21, w22, b2, v1, v2, c = start
    data = ((0.0, 0.0, 0.0), (0.0, 1.0, 1.0), (1.0, 0.0, 1.0), (1.0, 1.0, 0.0))
    losses = []
    for _ in range(epochs):
        gw11 = gw12 = gb1 = gw21 = gw22 = gb2 = gv1 = gv2 = gc = 0.0
        loss = 0.0
        for x1, x2, y in data:
            h1 = sigmoid(w11 * x1 + w12 * x2 + b1)
            h2 = sigmoid(w21 * x1 + w22 * x2 + b2)
            out = sigmoid(v1 * h1 + v2 * h2 + c)
            loss += (out - y) * (out - y)
            d_out = 2 * (out - y) * out * (1 - out)
            gv1 += d_out * h1
            gv2 += d_out * h2
            gc += d_out
            d_h1 = d_out * v1 * h1 * (1 - h1)
            d_h2 = d_out * v2 * h2 * (1 - h2)
            gw11 += d_h1 * x1
            gw12 += d_h1 * x2
            gb1 += d_h1
            gw21 += d_h2 * x1
            gw22 += d_h2 * x2
            gb2 += d_h2
        losses.append(loss / 4)
        w11 -= lr * gw11 / 4
        w12 -= lr * gw12 / 4
        b1 -= lr * gb1 / 4
        w21 -= lr * gw21 / 4
        w22 -= lr * gw22 / 4
        b2 -= lr * gb2 / 4
        v1 -= lr * gv1 / 4
        v2 -= lr * gv2 / 4
        c -= lr * gc / 4
    return losses, (w11, w12, b1, w21, w22, b2, v1, v2, c)
