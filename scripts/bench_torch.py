#!/usr/bin/python3
"""PyTorch side of `npm run bench` (Debian's python3-torch; run with /usr/bin/python3).

Same workloads as scripts/bench.mjs, float32, Adam, MSE, random data:
  W1: [batch 100, 10 steps, 1 feature] -> LSTM(100, seq) -> LSTM(100) -> Dense(1, tanh)
  W2: [batch 64, 60 steps, 8 features] -> LSTM(256, seq) -> LSTM(256) -> Dense(1)
  S1: the W1 network, batch 1, one new time step with (h, c) carried (inference)
Each measurement is the median of `repeats` timed runs after a warm-up; the
thread count is set with torch.set_num_threads. Prints one JSON object.
Usage: /usr/bin/python3 scripts/bench_torch.py [--threads 1,2] [--repeats 5] [--quick]
"""
import argparse
import json
import re
import statistics
import time

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, features, units, tanh):
        super().__init__()
        self.l1 = nn.LSTM(features, units, batch_first=True)
        self.l2 = nn.LSTM(units, units, batch_first=True)
        self.head = nn.Linear(units, 1)
        self.tanh = tanh

    def forward(self, x):
        y, _ = self.l1(x)
        y, _ = self.l2(y)
        y = self.head(y[:, -1])
        return torch.tanh(y) if self.tanh else y


WORKLOADS = {
    "W1": dict(batch=100, steps=10, features=1, units=100, tanh=True),
    "W2": dict(batch=64, steps=60, features=8, units=256, tanh=False),
}


def train_rate(w, batches, repeats):
    torch.manual_seed(0)
    net = Net(w["features"], w["units"], w["tanh"])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    x = torch.rand(batches, w["batch"], w["steps"], w["features"]) * 2 - 1
    y = torch.rand(batches, w["batch"], 1) - 0.5
    loss_fn = nn.MSELoss()

    def epoch(n):
        for i in range(n):
            opt.zero_grad()
            loss = loss_fn(net(x[i]), y[i])
            loss.backward()
            opt.step()

    epoch(2)
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        epoch(batches)
        rates.append(batches * w["batch"] / (time.perf_counter() - t0))
    return statistics.median(rates)


def infer_rate(w, batches, repeats):
    torch.manual_seed(0)
    net = Net(w["features"], w["units"], w["tanh"]).eval()
    x = torch.rand(batches, w["batch"], w["steps"], w["features"]) * 2 - 1
    with torch.no_grad():
        net(x[0])
        rates = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for i in range(batches):
                net(x[i])
            rates.append(batches * w["batch"] / (time.perf_counter() - t0))
    return statistics.median(rates)


def stream_us(steps, repeats):
    """S1: one time step per call, batch 1, (h, c) of both layers carried."""
    torch.manual_seed(0)
    net = Net(1, 100, True).eval()
    xs = torch.rand(steps, 1, 1, 1) * 2 - 1
    with torch.no_grad():
        times = []
        for _ in range(repeats):
            s1 = s2 = None
            t0 = time.perf_counter()
            for i in range(steps):
                y1, s1 = net.l1(xs[i], s1)
                y2, s2 = net.l2(y1, s2)
                torch.tanh(net.head(y2[:, -1]))
            times.append((time.perf_counter() - t0) / steps * 1e6)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    # The BLAS behind torch's CPU matmuls: Debian's torch uses whatever
    # libblas.so.3 is (reference BLAS runs ~25x slower than OpenBLAS), so the
    # comparison names it. OpenBLAS keeps its own threads: bench.mjs runs one
    # process per thread count with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS set.
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    blas = m.group(1) if m else None
    out = {"torch": torch.__version__, "blas_info": blas, "results": {}}
    for th in [int(t) for t in a.threads.split(",")]:
        torch.set_num_threads(th)
        r = {
            "W1": {"train": train_rate(WORKLOADS["W1"], 10 if a.quick else 30, a.repeats),
                   "infer": infer_rate(WORKLOADS["W1"], 10 if a.quick else 50, a.repeats)},
            "W2": {"train": train_rate(WORKLOADS["W2"], 2 if a.quick else 4, a.repeats),
                   "infer": infer_rate(WORKLOADS["W2"], 2 if a.quick else 6, a.repeats)},
            "S1": {"step_us": stream_us(200 if a.quick else 1000, a.repeats)},
        }
        out["results"][str(th)] = r
    print(json.dumps(out))


if __name__ == "__main__":
    main()
