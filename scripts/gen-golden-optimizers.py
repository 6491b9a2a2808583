#!/usr/bin/env python3
"""Golden optimizer trajectories: 5 steps of each torch.optim optimizer.

WHY
---
flowcast's optimizers (native/core/optimizer.cc) claim PyTorch's update
rules for SGD (momentum, Nesterov, weight decay), RMSprop (plain, centered
with momentum), AdamW (and Adam in PyTorch form, AdamW with weight decay 0)
and gradient clipping by global norm and by value. This script runs those
torch.optim optimizers (float64, CPU, one thread) for 5 steps on the 'small'
model and batch of scripts/gen-golden-lstm.py (same parameters, input and
target: test/fixtures/golden/small.*), recomputing the MSE loss and its
gradient on the same batch before every step, and writes the weights after
the 5 steps and the 5 losses:

    test/fixtures/golden/optimizers.json   configs + tensor index
    test/fixtures/golden/optimizers.f64    little-endian float64 tensors

Regenerate with Debian's python (torch 1.13):

    /usr/bin/python3 scripts/gen-golden-optimizers.py
"""

import importlib.util
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("golden_lstm", os.path.join(HERE, "gen-golden-lstm.py"))
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)

STEPS = 5

# name, flowcast config (lib/model/optimizers.ts), torch optimizer factory, clipping
OPTIMIZERS = [
    ("sgd", {"type": "sgd", "learningRate": 0.1},
     lambda ps: torch.optim.SGD(ps, lr=0.1), None),
    ("sgd-momentum", {"type": "sgd", "learningRate": 0.05, "momentum": 0.9},
     lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9), None),
    ("sgd-nesterov-decay", {"type": "sgd", "learningRate": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 0.01},
     lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), None),
    ("rmsprop", {"type": "rmsprop", "learningRate": 0.01},
     lambda ps: torch.optim.RMSprop(ps, lr=0.01), None),
    ("rmsprop-centered-momentum", {"type": "rmsprop", "learningRate": 0.005, "momentum": 0.5, "centered": True, "weightDecay": 0.001},
     lambda ps: torch.optim.RMSprop(ps, lr=0.005, momentum=0.5, centered=True, weight_decay=0.001), None),
    ("adamw", {"type": "adamw", "learningRate": 0.01, "weightDecay": 0.1},
     lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1), None),
    ("adam-pytorch", {"type": "adamw", "learningRate": 0.01, "weightDecay": 0},
     lambda ps: torch.optim.Adam(ps, lr=0.01), None),
    ("sgd-clip-norm", {"type": "sgd", "learningRate": 0.1, "clipNorm": 0.05},
     lambda ps: torch.optim.SGD(ps, lr=0.1), ("norm", 0.05)),
    ("sgd-clip-value", {"type": "sgd", "learningRate": 0.1, "clipValue": 0.01},
     lambda ps: torch.optim.SGD(ps, lr=0.1), ("value", 0.01)),
]


def trajectory(c, params, x, y, states, make, clip):
    net = golden.Net(c, c["activation"])
    net.load(params)
    named = net.named()
    opt = make(list(named.values()))
    losses = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        out, _ = net(x, states)
        loss = F.mse_loss(out, y, reduction="mean")
        losses.append(loss.item())
        loss.backward()
        if clip and clip[0] == "norm":
            torch.nn.utils.clip_grad_norm_(list(named.values()), clip[1])
        if clip and clip[0] == "value":
            torch.nn.utils.clip_grad_value_(list(named.values()), clip[1])
        opt.step()
    return {n: p.detach().numpy().copy() for n, p in named.items()}, losses


def main():
    torch.set_num_threads(1)
    c, params, x, y, states, names = golden.small_case()
    tensors, runs = [], []
    for name, config, make, clip in OPTIMIZERS:
        final, losses = trajectory(c, params, x, y, states, make, clip)
        tensors += [(f"{name}.{n}", final[n]) for n in names]
        runs.append({"name": name, "config": config, "losses": losses})
        print(f"{name:28s} losses {['%.6g' % l for l in losses]}")
    golden.write_fixture("optimizers", tensors, {"generator": "scripts/gen-golden-optimizers.py", "torch_version": torch.__version__,
                                                 "case": "small", "steps": STEPS, "runs": runs})


if __name__ == "__main__":
    main()
