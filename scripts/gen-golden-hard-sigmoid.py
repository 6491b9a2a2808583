#!/usr/bin/env python3
"""Golden tensors for LSTM layers with Keras 2's hard-sigmoid gates.

PyTorch has no such LSTM, so this script writes the cell out on torch
tensors (float64, autograd), with gates i, f, o = clip(0.2 z + 0.5, 0, 1),
g = tanh(z), c_t = f c_{t-1} + i g, h_t = o tanh(c_t), on the 'small' model,
parameters and batch of scripts/gen-golden-lstm.py (both LSTM layers with
hard-sigmoid gates), and records the output, the MSE loss and every
parameter gradient. It checks that the gates hit both clipped and linear
parts, so the gradient's zero and 0.2 slopes are both exercised.
Writes test/fixtures/golden/hard_sigmoid.{json,f64}.

    /usr/bin/python3 scripts/gen-golden-hard-sigmoid.py
"""

import importlib.util
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("golden_lstm", os.path.join(HERE, "gen-golden-lstm.py"))
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)

# The 'small' parameters are U(-0.3, 0.3); scale them up so gates saturate.
SCALE = 6.0


def hard_sigmoid(z):
    return torch.clamp(0.2 * z + 0.5, 0.0, 1.0)


def lstm_layer(x, w_ih, w_hh, b_ih, b_hh, stats):
    B, T, _ = x.shape
    H = w_hh.shape[1]
    h = torch.zeros(B, H, dtype=x.dtype)
    c = torch.zeros(B, H, dtype=x.dtype)
    out = []
    for t in range(T):
        z = x[:, t, :] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        zi, zf, zg, zo = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
        for zz in (zi, zf, zo):
            a = 0.2 * zz.detach() + 0.5
            stats["clipped"] += int(((a <= 0) | (a >= 1)).sum())
            stats["linear"] += int(((a > 0) & (a < 1)).sum())
        i, f, g, o = hard_sigmoid(zi), hard_sigmoid(zf), torch.tanh(zg), hard_sigmoid(zo)
        c = f * c + i * g
        h = o * torch.tanh(c)
        out.append(h)
    return torch.stack(out, dim=1)


def main():
    c = next(c for c in golden.CASES if c["case"] == "small")
    params_np, x_np, y_np, _ = golden.draw_inputs(c)
    params = {n: torch.tensor(v * SCALE, requires_grad=True) for n, v in params_np.items()}
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    stats = {"clipped": 0, "linear": 0}
    seq0 = lstm_layer(x, params["layers.0.weight_ih"], params["layers.0.weight_hh"], params["layers.0.bias_ih"], params["layers.0.bias_hh"], stats)
    seq1 = lstm_layer(seq0, params["layers.1.weight_ih"], params["layers.1.weight_hh"], params["layers.1.bias_ih"], params["layers.1.bias_hh"], stats)
    out = seq1[:, -1, :] @ params["layers.2.weight"].T + params["layers.2.bias"]
    loss = F.mse_loss(out, y)
    loss.backward()
    assert stats["clipped"] > 0 and stats["linear"] > 0, stats
    names = [n for n, _ in golden.param_shapes(c)]
    tensors = [(f"params.{n}", params[n].detach().numpy()) for n in names]
    tensors += [("output", out.detach().numpy()), ("loss", np.array(loss.item()))]
    tensors += [(f"grad.{n}", params[n].grad.numpy()) for n in names]
    golden.write_fixture("hard_sigmoid", tensors, {"generator": "scripts/gen-golden-hard-sigmoid.py", "torch_version": torch.__version__,
                                                   "case": "small", "paramScale": SCALE, "gateValues": stats, "loss": loss.item()})
    print(f"loss {loss.item():.17g} gates {stats}")


if __name__ == "__main__":
    main()
