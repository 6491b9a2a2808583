#!/usr/bin/env python3
"""Golden tensors for GRU and simple-RNN stacks from torch.nn.GRU / torch.nn.RNN.

For each cell, the model GRU(7, sequences) -> GRU(5) -> Linear(2) (and the
same with RNN, tanh, and RNN, relu), float64, on the input and target of the 'small' case of
scripts/gen-golden-lstm.py, with parameters ~ U(-0.5, 0.5) from
RandomState(seed) in flowcast's parameter order (the names are PyTorch's:
layers.k.weight_ih [G*H, I], weight_hh [G*H, H], bias_ih, bias_hh, with
G = 3 for the GRU, gates r, z, n; G = 1 for the RNN). Records the output, the
MSE loss and every parameter gradient (autograd), and the final hidden
states. Writes test/fixtures/golden/{gru,rnn,rnn_relu}.{json,f64}.

    /usr/bin/python3 scripts/gen-golden-cells.py
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

CELLS = {
    "gru": (lambda i, h: torch.nn.GRU(i, h, batch_first=True), 3, 4242),
    "rnn": (lambda i, h: torch.nn.RNN(i, h, batch_first=True), 1, 4343),
    "rnn_relu": (lambda i, h: torch.nn.RNN(i, h, nonlinearity="relu", batch_first=True), 1, 4444),
}


def main():
    torch.set_num_threads(1)
    c = next(c for c in golden.CASES if c["case"] == "small")
    _, x_np, y_np, _ = golden.draw_inputs(c)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    F_in, H1, H2, O = c["F"], c["H1"], c["H2"], c["O"]
    for name, (Cell, G, seed) in CELLS.items():
        rs = np.random.RandomState(seed)
        l0 = Cell(F_in, H1).double()
        l1 = Cell(H1, H2).double()
        dense = torch.nn.Linear(H2, O).double()
        named = {}
        for k, layer in enumerate((l0, l1)):
            for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                named[f"layers.{k}.{p}"] = getattr(layer, f"{p}_l0")
        named["layers.2.weight"] = dense.weight
        named["layers.2.bias"] = dense.bias
        with torch.no_grad():
            for n, p in named.items():
                p.copy_(torch.from_numpy(rs.uniform(-0.5, 0.5, size=tuple(p.shape))))
        seq0, h0 = l0(x)
        seq1, h1 = l1(seq0)
        out = dense(seq1[:, -1, :])
        loss = F.mse_loss(out, y)
        loss.backward()
        tensors = [(f"params.{n}", p.detach().numpy()) for n, p in named.items()]
        tensors += [("output", out.detach().numpy()), ("loss", np.array(loss.item()))]
        tensors += [("hn.0", h0[0].detach().numpy()), ("hn.1", h1[0].detach().numpy())]
        tensors += [(f"grad.{n}", p.grad.numpy()) for n, p in named.items()]
        golden.write_fixture(name, tensors, {"generator": "scripts/gen-golden-cells.py", "torch_version": torch.__version__,
                                             "cell": name, "gates": G, "seed": seed,
                                             "config": {"B": c["B"], "T": c["T"], "F": F_in, "units": [H1, H2], "out": O},
                                             "loss": loss.item()})
        print(f"{name} loss {loss.item():.17g}")


if __name__ == "__main__":
    main()
