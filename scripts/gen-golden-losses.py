#!/usr/bin/env python3
"""Golden losses: L1 (MAE) and Huber loss values and gradients from PyTorch.

For the 'small' model and batch of scripts/gen-golden-lstm.py (same
parameters, input and target), computes in float64 with autograd:
  mae:   F.l1_loss(out, y)                       (mean |e|)
  huber: F.huber_loss(out, y, delta=HUBER_DELTA)  (mean of e^2/2 or d(|e| - d/2))
and the gradient of each with respect to every parameter. HUBER_DELTA is
chosen inside the range of |e| so both branches of Huber are exercised
(the script asserts it). Writes test/fixtures/golden/losses.{json,f64}.

    /usr/bin/python3 scripts/gen-golden-losses.py
"""

import importlib.util
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("golden_lstm", os.path.join(HERE, "gen-golden-lstm.py"))
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)

HUBER_DELTA = 0.3


def main():
    torch.set_num_threads(1)
    c, params, x, y, states, names = golden.small_case()
    net = golden.Net(c, c["activation"])
    net.load(params)
    with torch.no_grad():
        out, _ = net(x, states)
    err = (out - y).abs()
    below = int((err < HUBER_DELTA).sum())
    assert 0 < below < err.numel(), f"delta {HUBER_DELTA} must split |e| (got {below} of {err.numel()} below)"
    tensors, runs = [], []
    for name, fn, extra in (("mae", lambda o: F.l1_loss(o, y), {}),
                            ("huber", lambda o: F.huber_loss(o, y, delta=HUBER_DELTA), {"huberDelta": HUBER_DELTA})):
        net.zero_grad(set_to_none=True)
        o, _ = net(x, states)
        loss = fn(o)
        loss.backward()
        grads = {n: p.grad.detach().numpy().copy() for n, p in net.named().items()}
        tensors += [(f"{name}.grad.{n}", grads[n]) for n in names]
        runs.append({"loss": name, **extra, "value": loss.item()})
        print(f"{name:6s} loss {loss.item():.17g}")
    golden.write_fixture("losses", tensors, {"generator": "scripts/gen-golden-losses.py", "torch_version": torch.__version__,
                                             "case": "small", "errorsBelowDelta": below, "runs": runs})


if __name__ == "__main__":
    main()
