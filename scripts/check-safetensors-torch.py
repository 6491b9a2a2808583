#!/usr/bin/env python3
"""Loads a flowcast model file into torch.nn modules and compares outputs.

Usage: /usr/bin/python3 scripts/check-safetensors-torch.py DIR
DIR holds model.safetensors (written by flowcast) and io.json ({"x": [...],
"shape": [n, T, F], "flowcast": [...]}: an input and flowcast's prediction).
The file is read by the safetensors layout alone (8-byte little-endian header
length, JSON header, raw little-endian tensors; Debian has no python3-safetensors),
and every tensor is copied by name into torch.nn.LSTM / GRU / RNN / Linear
(layers.k.weight_ih -> weight_ih_l0, ...). Writes DIR/verdict.json with the
largest |torch - flowcast| difference.
"""
import json
import os
import struct
import sys

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", info
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(info["shape"]).copy()
    return header.get("__metadata__", {}), tensors


def main(d):
    torch.set_num_threads(1)
    meta, tensors = read_safetensors(os.path.join(d, "model.safetensors"))
    config = json.loads(meta["config"])
    io = json.load(open(os.path.join(d, "io.json")))
    x = torch.tensor(np.array(io["x"], dtype=np.float32).reshape(io["shape"]))
    h = x
    width = config["inputShape"][1]
    for k, layer in enumerate(config["layers"]):
        p = f"layers.{k}."
        kind = layer["type"]
        if kind in ("lstm", "gru", "rnn"):
            cell = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind](width, layer["units"], batch_first=True)
            with torch.no_grad():
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    getattr(cell, name + "_l0").copy_(torch.from_numpy(tensors[p + name]))
            seq, _ = cell(h)
            h = seq if layer["returnSequences"] else seq[:, -1, :]
            width = layer["units"]
        elif kind == "dense":
            lin = torch.nn.Linear(width, layer["units"])
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(tensors[p + "weight"]))
                lin.bias.copy_(torch.from_numpy(tensors[p + "bias"]))
            h = lin(h)
            act = layer["activation"]
            h = torch.tanh(h) if act == "tanh" else torch.sigmoid(h) if act == "sigmoid" else torch.relu(h) if act == "relu" else h
            width = layer["units"]
        # dropout: the identity at inference
    ours = np.array(io["flowcast"], dtype=np.float64)
    diff = float(np.abs(h.detach().numpy().astype(np.float64).reshape(-1) - ours).max())
    verdict = {"torch_version": torch.__version__, "layers": [l["type"] for l in config["layers"]],
               "tensors": sorted(tensors), "max_abs_diff": diff}
    with open(os.path.join(d, "verdict.json"), "w") as f:
        json.dump(verdict, f, indent=2)
        f.write("\n")
    print(json.dumps(verdict))
    return 0 if diff < 1e-5 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
