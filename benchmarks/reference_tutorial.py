"""Reference: a 3-layer ReLU/sigmoid classifier as a typical from-scratch tutorial writes it.

Column-major data (features, m), parameters in a dict ``W1, b1, ...``, new temporaries every
epoch, ``np.maximum(0, Z)``, ``(Z > 0).astype(float)``, ``1/(1+np.exp(-z))`` and the BCE cost
recorded every epoch. Only the benchmark uses this; it is the "before" of the circles row.
"""

import numpy as np


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


def forward_propagation(X, parameters):
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = relu(Z2)
    Z3 = W3 @ A2 + b3
    A3 = sigmoid(Z3)
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Z3": Z3, "A3": A3}
    return A3, cache


def compute_cost(A3, Y):
    m = Y.shape[1]
    logprobs = Y * np.log(A3) + (1 - Y) * np.log(1 - A3)
    return float(-np.sum(logprobs) / m)


def backward_propagation(X, Y, parameters, cache):
    m = X.shape[1]
    W2, W3 = parameters["W2"], parameters["W3"]
    dZ3 = cache["A3"] - Y
    dW3 = dZ3 @ cache["A2"].T / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (cache["Z2"] > 0).astype(float)
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (cache["Z1"] > 0).astype(float)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def update_parameters(parameters, grads, learning_rate):
    for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
        parameters[name] = parameters[name] - learning_rate * grads["d" + name]
    return parameters


def model(X, Y, parameters, learning_rate=0.1, num_iterations=10000):
    """Train; ``X`` is (features, m), ``Y`` is (1, m). Returns (parameters, costs)."""
    parameters = {k: v.copy() for k, v in parameters.items()}
    costs = []
    for _ in range(num_iterations):
        A3, cache = forward_propagation(X, parameters)
        costs.append(compute_cost(A3, Y))
        grads = backward_propagation(X, Y, parameters, cache)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs


def from_params(params):
    """nnlab's row-major [(W, b), ...] as the tutorial's dict: W^T and column biases."""
    out = {}
    for i, (W, b) in enumerate(params, start=1):
        out[f"W{i}"] = np.array(W, dtype=float).T.copy()
        out[f"b{i}"] = np.array(b, dtype=float).reshape(-1, 1)
    return out
