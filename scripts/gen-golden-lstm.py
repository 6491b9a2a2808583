#!/usr/bin/env python3
"""Golden-tensor generator for flowcast's LSTM forecasting stack.

WHY
---
The library implements LSTM forward/backward passes and a Keras-style Adam
optimizer natively. To test that code without PyTorch in CI, this script
uses PyTorch (float64, CPU) as the oracle once, and writes its results to
small binary fixtures that the test-suite reads:

    test/fixtures/golden/<case>.json   metadata + tensor index
    test/fixtures/golden/<case>.f64    all tensors, little-endian float64,
                                       concatenated (row-major / C order)

Regenerate with (Debian's python, which ships torch + numpy):

    /usr/bin/python3 scripts/gen-golden-lstm.py

The output is deterministic: fixed numpy RandomState seeds (written into the
JSON), single-threaded torch, no timestamps.

THE MODEL (Keras-like Sequential, batch-first input x: [B, T, F])
---------------------------------------------------------------
  layer 0: LSTM(H1, return_sequences=True)   -> [B, T, H1]
  layer 1: LSTM(H2, return_sequences=False)  -> last step h: [B, H2]
  layer 2: Dense(O, activation)              -> y = act(h W^T + b): [B, O]
           activation is 'tanh' or 'linear'
  loss   = mean((y - target)^2) over all B*O elements (F.mse_loss, 'mean')

LSTM layer k with input size I and H units is exactly torch.nn.LSTM (one
layer, batch_first). The four gates are stacked along the first axis of the
weights in PyTorch order i, f, g, o (rows [0:H], [H:2H], [2H:3H], [3H:4H]):

  z_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh          (z_t: [B, 4H])
  i = sigmoid(z[:, 0:H])      input gate
  f = sigmoid(z[:, H:2H])     forget gate
  g = tanh   (z[:, 2H:3H])    cell candidate
  o = sigmoid(z[:, 3H:4H])    output gate
  c_t = f * c_{t-1} + i * g
  h_t = o * tanh(c_t)

Parameter names (ours):
  layers.{k}.weight_ih [4H, I]   layers.{k}.weight_hh [4H, H]
  layers.{k}.bias_ih   [4H]      layers.{k}.bias_hh   [4H]     (k = 0, 1)
  layers.2.weight      [O, H2]   layers.2.bias        [O]
(Keras has a single LSTM bias; ours/PyTorch's has two which simply add.)

Initial states h0.k, c0.k: [B, H_k] per LSTM layer; zeros for stateless
cases, uniform(-0.5, 0.5) for the 'stateful' case. They are constants (not
differentiated). hn.k / cn.k are the states after the last time step.

KERAS ADAM (not torch.optim.Adam)
---------------------------------
For step t = 1, 2, 3 (m, v start at 0), with g = dLoss/dp:
  m     = b1*m + (1-b1)*g
  v     = b2*v + (1-b2)*g*g
  alpha = lr * sqrt(1 - b2^t) / (1 - b1^t)
  p     = p - alpha * m / (sqrt(v) + eps)
torch.optim.Adam instead computes
  p = p - lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps),
i.e. eps is effectively scaled by sqrt(1-b2^t). We compute it too, only to
record the (tiny) difference in the JSON as an informational cross-check.
Each step recomputes the loss and gradients on the same batch (same x,
target and initial states); adam.losses[t-1] is the loss before update t.

SELF-CHECKS
-----------
A plain-numpy implementation of the equations above (gate order i, f, g, o)
must reproduce torch's output and final states to < 1e-12 (asserted; the
max difference is recorded as numpyForwardMaxAbsDiff).
Autograd gradients are compared against central finite differences
(dL/dp ~= (L(p+e) - L(p-e)) / 2e, e = 1e-6, float64) for a few random entries
of every parameter tensor; the script asserts relative error < 1e-6.
"""

import hashlib
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

# Single thread: makes BLAS reductions (and therefore every bit of the
# output) reproducible run-to-run on the same machine.
torch.set_num_threads(1)
torch.manual_seed(0)  # torch's RNG is never used, but pin it anyway.

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "test", "fixtures", "golden")
GENERATOR = "scripts/gen-golden-lstm.py"

ADAM = dict(learningRate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-7, steps=3)

FD_EPS = 1e-6          # central-difference step
FD_TOL = 1e-6          # max relative error allowed
FD_PER_TENSOR = 3      # random entries checked per parameter tensor
# Relative error is |fd - ag| / max(|fd|, |ag|, FD_FLOOR). The floor keeps
# the check meaningful for near-zero gradients, where a relative error is
# dominated by float64 round-off in the loss (~1e-16 / 2e-6 ~ 1e-10 absolute);
# there it amounts to an absolute tolerance of FD_TOL * FD_FLOOR = 1e-10.
FD_FLOOR = 1e-4

CASES = [
    # name, seed, F, T, H1, H2, O, activation, B, stateful
    dict(case="book", seed=1001, F=1, T=10, H1=100, H2=100, O=1,
         activation="tanh", B=8, stateful=False),
    dict(case="small", seed=2002, F=3, T=5, H1=7, H2=5, O=2,
         activation="linear", B=4, stateful=False),
    dict(case="stateful", seed=3003, F=3, T=5, H1=7, H2=5, O=1,
         activation="tanh", B=4, stateful=True),
]


def param_shapes(c):
    """Our parameter names -> shapes, in the canonical (RNG draw / file) order."""
    shapes = []
    in_size = c["F"]
    for k, H in enumerate((c["H1"], c["H2"])):
        shapes += [
            (f"layers.{k}.weight_ih", (4 * H, in_size)),
            (f"layers.{k}.weight_hh", (4 * H, H)),
            (f"layers.{k}.bias_ih", (4 * H,)),
            (f"layers.{k}.bias_hh", (4 * H,)),
        ]
        in_size = H
    shapes += [
        ("layers.2.weight", (c["O"], c["H2"])),
        ("layers.2.bias", (c["O"],)),
    ]
    return shapes


def draw_inputs(c):
    """All random data for a case, from one RandomState(seed), in this order:
    every parameter (param_shapes order) ~ U(-0.3, 0.3); input ~ U(-1, 1);
    target ~ U(-0.8, 0.8); then, only if stateful, h0.0, c0.0, h0.1, c0.1
    ~ U(-0.5, 0.5) (zeros otherwise)."""
    rs = np.random.RandomState(c["seed"])
    params = {n: rs.uniform(-0.3, 0.3, size=s) for n, s in param_shapes(c)}
    x = rs.uniform(-1.0, 1.0, size=(c["B"], c["T"], c["F"]))
    y = rs.uniform(-0.8, 0.8, size=(c["B"], c["O"]))
    states = {}
    for k, H in enumerate((c["H1"], c["H2"])):
        for s in ("h0", "c0"):
            states[f"{s}.{k}"] = (rs.uniform(-0.5, 0.5, size=(c["B"], H))
                                  if c["stateful"] else np.zeros((c["B"], H)))
    return params, x, y, states


class Net(torch.nn.Module):
    """The Sequential model built from stock torch modules (PyTorch = oracle)."""

    def __init__(self, c, activation):
        super().__init__()
        self.lstm0 = torch.nn.LSTM(c["F"], c["H1"], num_layers=1, batch_first=True)
        self.lstm1 = torch.nn.LSTM(c["H1"], c["H2"], num_layers=1, batch_first=True)
        self.dense = torch.nn.Linear(c["H2"], c["O"])
        self.activation = activation
        self.double()

    def named(self):
        """Our names -> the torch Parameters (same objects)."""
        m = {}
        for k, lstm in enumerate((self.lstm0, self.lstm1)):
            for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                m[f"layers.{k}.{p}"] = getattr(lstm, f"{p}_l0")
        m["layers.2.weight"] = self.dense.weight
        m["layers.2.bias"] = self.dense.bias
        return m

    def load(self, params):
        with torch.no_grad():
            for n, p in self.named().items():
                assert tuple(p.shape) == params[n].shape, n
                p.copy_(torch.from_numpy(params[n]))

    def forward(self, x, states):
        # torch wants states as [num_layers=1, B, H].
        s0 = (states["h0.0"].unsqueeze(0), states["c0.0"].unsqueeze(0))
        s1 = (states["h0.1"].unsqueeze(0), states["c0.1"].unsqueeze(0))
        seq0, (hn0, cn0) = self.lstm0(x, s0)      # return_sequences=True
        seq1, (hn1, cn1) = self.lstm1(seq0, s1)
        last = seq1[:, -1, :]                     # return_sequences=False
        assert torch.equal(last, hn1[0])
        z = self.dense(last)
        out = torch.tanh(z) if self.activation == "tanh" else z
        final = {"hn.0": hn0[0], "cn.0": cn0[0], "hn.1": hn1[0], "cn.1": cn1[0]}
        return out, final


def manual_forward(c, params, x, states):
    """Independent numpy implementation of the documented equations (gate order
    i, f, g, o). Used only to assert that the layout written in the README is
    what torch.nn.LSTM actually computes."""
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    seq, final = x, {}
    for k, H in enumerate((c["H1"], c["H2"])):
        W, U = params[f"layers.{k}.weight_ih"], params[f"layers.{k}.weight_hh"]
        b = params[f"layers.{k}.bias_ih"] + params[f"layers.{k}.bias_hh"]
        h, cell = states[f"h0.{k}"].copy(), states[f"c0.{k}"].copy()
        outs = []
        for t in range(seq.shape[1]):
            z = seq[:, t, :] @ W.T + h @ U.T + b
            i, f, g, o = sig(z[:, :H]), sig(z[:, H:2*H]), np.tanh(z[:, 2*H:3*H]), sig(z[:, 3*H:])
            cell = f * cell + i * g
            h = o * np.tanh(cell)
            outs.append(h)
        seq = np.stack(outs, axis=1)
        final[f"hn.{k}"], final[f"cn.{k}"] = h, cell
    z = seq[:, -1, :] @ params["layers.2.weight"].T + params["layers.2.bias"]
    return (np.tanh(z) if c["activation"] == "tanh" else z), final


def loss_and_grads(net, x, y, states):
    net.zero_grad(set_to_none=True)
    out, final = net(x, states)
    loss = F.mse_loss(out, y, reduction="mean")
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in net.named().items()}
    return out, final, loss, grads


def fd_check(net, x, y, states, grads, rs):
    """Central finite differences vs autograd on random entries; returns the
    max relative error and the number of entries checked."""
    worst, count = 0.0, 0
    with torch.no_grad():
        def L():
            out, _ = net(x, states)
            return F.mse_loss(out, y, reduction="mean").item()
        for n, p in net.named().items():
            flat = p.view(-1)
            for idx in rs.choice(flat.numel(), size=min(FD_PER_TENSOR, flat.numel()),
                                 replace=False):
                idx = int(idx)
                orig = flat[idx].item()
                flat[idx] = orig + FD_EPS
                lp = L()
                flat[idx] = orig - FD_EPS
                lm = L()
                flat[idx] = orig
                fd = (lp - lm) / (2 * FD_EPS)
                ag = grads[n].view(-1)[idx].item()
                rel = abs(fd - ag) / max(abs(fd), abs(ag), FD_FLOOR)
                assert rel < FD_TOL, f"grad check {n}[{idx}]: fd={fd!r} ag={ag!r} rel={rel:.3e}"
                worst, count = max(worst, rel), count + 1
    return worst, count


def keras_adam(c, params, x, y, states):
    """3 steps of Keras Adam, formula written out explicitly on torch tensors."""
    net = Net(c, c["activation"])
    net.load(params)
    lr, b1, b2, eps = ADAM["learningRate"], ADAM["beta1"], ADAM["beta2"], ADAM["epsilon"]
    named = net.named()
    m = {n: torch.zeros_like(p) for n, p in named.items()}
    v = {n: torch.zeros_like(p) for n, p in named.items()}
    losses = []
    for t in range(1, ADAM["steps"] + 1):
        _, _, loss, g = loss_and_grads(net, x, y, states)
        losses.append(loss.item())
        alpha = lr * np.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)
        with torch.no_grad():
            for n, p in named.items():
                m[n] = b1 * m[n] + (1.0 - b1) * g[n]
                v[n] = b2 * v[n] + (1.0 - b2) * g[n] * g[n]
                p -= alpha * m[n] / (torch.sqrt(v[n]) + eps)
    return {n: p.detach().clone() for n, p in named.items()}, losses


def torch_adam(c, params, x, y, states):
    """Same 3 steps with torch.optim.Adam (differs only in where eps sits)."""
    net = Net(c, c["activation"])
    net.load(params)
    named = net.named()
    opt = torch.optim.Adam(list(named.values()), lr=ADAM["learningRate"],
                           betas=(ADAM["beta1"], ADAM["beta2"]), eps=ADAM["epsilon"],
                           foreach=False)
    for _ in range(ADAM["steps"]):
        opt.zero_grad(set_to_none=True)
        out, _ = net(x, states)
        F.mse_loss(out, y, reduction="mean").backward()
        opt.step()
    return {n: p.detach().clone() for n, p in named.items()}


def small_case():
    """The 'small' case, its parameters (numpy), and its input, target and
    initial states as torch tensors; with the parameter names in order."""
    c = next(c for c in CASES if c["case"] == "small")
    params, x_np, y_np, states_np = draw_inputs(c)
    states = {n: torch.from_numpy(s) for n, s in states_np.items()}
    return c, params, torch.from_numpy(x_np), torch.from_numpy(y_np), states, [n for n, _ in param_shapes(c)]


def write_fixture(stem, tensors, meta):
    """Writes OUT_DIR/<stem>.f64, the (name, array) tensors one after another
    as little-endian float64, and OUT_DIR/<stem>.json: meta, the dtype and
    byte order, and per tensor its shape, offset and length (in values).
    Returns the .f64 bytes."""
    index, blobs, offset = {}, [], 0
    for name, arr in tensors:
        # np.array (not ascontiguousarray) so a 0-d scalar keeps shape [].
        arr = np.array(arr, dtype="<f8", order="C")
        index[name] = {"shape": list(arr.shape), "offset": offset, "length": int(arr.size)}
        blobs.append(arr.tobytes(order="C"))
        offset += arr.size
    data = b"".join(blobs)
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, stem + ".f64"), "wb") as f:
        f.write(data)
    with open(os.path.join(OUT_DIR, stem + ".json"), "w") as f:
        json.dump({**meta, "dtype": "float64", "byteOrder": "little", "tensors": index}, f, indent=2)
        f.write("\n")
    return data


def run_case(c):
    params, x_np, y_np, states_np = draw_inputs(c)
    x = torch.from_numpy(x_np)
    y = torch.from_numpy(y_np)
    states = {n: torch.from_numpy(s) for n, s in states_np.items()}

    # forward + backward
    net = Net(c, c["activation"])
    net.load(params)
    out, final, loss, grads = loss_and_grads(net, x, y, states)
    assert out.dtype == torch.float64

    # independent numpy forward (checks the documented gate order / equations)
    man_out, man_final = manual_forward(c, params, x_np, states_np)
    man_diff = max([np.abs(man_out - out.detach().numpy()).max()] +
                   [np.abs(man_final[n] - final[n].detach().numpy()).max() for n in final])
    assert man_diff < 1e-12, f"numpy reference forward differs from torch: {man_diff}"

    # finite-difference self-check (own RNG stream, derived from the seed)
    fd_worst, fd_count = fd_check(net, x, y, states, grads,
                                  np.random.RandomState(c["seed"] + 1))

    # optimizer
    adam3, losses = keras_adam(c, params, x, y, states)
    assert abs(losses[0] - loss.item()) == 0.0, "step-1 loss must equal the forward loss"
    tadam3 = torch_adam(c, params, x, y, states)
    torch_diff = max((adam3[n] - tadam3[n]).abs().max().item() for n in adam3)

    # ---- serialise, in a fixed order ----
    names = [n for n, _ in param_shapes(c)]
    tensors = [("input", x_np), ("target", y_np)]
    tensors += [(f"params.{n}", params[n]) for n in names]
    for k in (0, 1):
        tensors += [(f"h0.{k}", states_np[f"h0.{k}"]), (f"c0.{k}", states_np[f"c0.{k}"])]
    tensors += [("output", out.detach().numpy()), ("loss", np.array(loss.item()))]
    for k in (0, 1):
        tensors += [(f"hn.{k}", final[f"hn.{k}"].detach().numpy()),
                    (f"cn.{k}", final[f"cn.{k}"].detach().numpy())]
    tensors += [(f"grad.{n}", grads[n].numpy()) for n in names]
    tensors += [(f"adam3.{n}", adam3[n].numpy()) for n in names]
    tensors += [("adam.losses", np.array(losses))]

    meta = {
        "case": c["case"],
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "seed": c["seed"],
        "config": {
            "B": c["B"], "T": c["T"], "F": c["F"],
            "layers": [
                {"type": "lstm", "units": c["H1"], "returnSequences": True},
                {"type": "lstm", "units": c["H2"], "returnSequences": False},
                {"type": "dense", "units": c["O"], "activation": c["activation"]},
            ],
        },
        "stateful": c["stateful"],
        "adam": dict(ADAM, losses=losses, torchOptimMaxAbsDiff=torch_diff),
        "gradCheck": {"method": "central", "eps": FD_EPS, "entries": fd_count,
                      "maxRelErr": fd_worst, "tolerance": FD_TOL, "floor": FD_FLOOR},
        "numpyForwardMaxAbsDiff": man_diff,
        "loss": loss.item(),
    }
    data = write_fixture(c["case"], tensors, meta)
    print(f"{c['case']:9s} loss={loss.item():.17g} adam.losses={losses} "
          f"fd(n={fd_count}, maxRel={fd_worst:.2e}) numpyFwd={man_diff:.1e} torchOptimMaxAbsDiff={torch_diff:.3e} "
          f"f64={len(data)} bytes sha256={hashlib.sha256(data).hexdigest()[:16]}")


def main():
    wanted = set(sys.argv[1:])
    for c in CASES:
        if not wanted or c["case"] in wanted:
            run_case(c)


if __name__ == "__main__":
    main()
