"""XOR with a 2-2-1 sigmoid network, from a fixed start, in plain Python."""
import math


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def main(learning_rate=2.0, epochs=4001, every=500):
    data = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]
    hidden = [[0.5, -0.4, 0.1], [0.9, 0.3, -0.2]]  # per hidden neuron: from x1, from x2, bias
    out = [0.8, -0.6, 0.05]  # the output neuron: from h1, from h2, bias
    for epoch in range(epochs):
        grad_hidden = [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
        grad_out = [0.0, 0.0, 0.0]
        loss = 0.0
        for (x1, x2), y in data:
            # Forward: two hidden neurons, then the output neuron.
            h = [sigmoid(w1 * x1 + w2 * x2 + b) for w1, w2, b in hidden]
            y_hat = sigmoid(out[0] * h[0] + out[1] * h[1] + out[2])
            loss += (y_hat - y) ** 2 / len(data)
            # Backward: the error at the output's z, then at each hidden neuron's z.
            d_out = 2 * (y_hat - y) / len(data) * y_hat * (1 - y_hat)
            for j in range(2):
                d_h = d_out * out[j] * h[j] * (1 - h[j])
                grad_out[j] += d_out * h[j]
                for i, x in enumerate((x1, x2, 1.0)):
                    grad_hidden[j][i] += d_h * x
            grad_out[2] += d_out
        if epoch % every == 0:
            print(f"epoch {epoch:5d}  loss {loss:.4f}")
        # Update: every number moves against its slope.
        for j in range(2):
            for i in range(3):
                hidden[j][i] -= learning_rate * grad_hidden[j][i]
        for i in range(3):
            out[i] -= learning_rate * grad_out[i]
    for (x1, x2), y in data:
        h = [sigmoid(w1 * x1 + w2 * x2 + b) for w1, w2, b in hidden]
        y_hat = sigmoid(out[0] * h[0] + out[1] * h[1] + out[2])
        print(f"input ({x1}, {x2})  target {y}  output {y_hat:.3f}")


if __name__ == "__main__":
    main()
