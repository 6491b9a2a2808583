#!/usr/bin/env python3
"""The ONNX checker's verdict on flowcast's exported graphs.

Usage: /usr/bin/python3 scripts/check-onnx.py SRC_DIR OUT_DIR
Runs onnx.checker.check_model(full_check=True) (structure, opset schemas and
shape inference) on every SRC_DIR/*.onnx, copies the files that pass into
OUT_DIR and writes OUT_DIR/verdict.json. test/onnx-format.test.ts then holds
today's exports to the same graph structure as these checked files.
Needs Debian's python3-onnx (1.12: opsets up to 17, IR version 8).
"""
import json
import os
import shutil
import sys

import onnx


def main(src, out):
    os.makedirs(out, exist_ok=True)
    verdict = {"onnx_version": onnx.__version__, "full_check": True, "models": {}}
    for name in sorted(os.listdir(src)):
        if not name.endswith(".onnx"):
            continue
        path = os.path.join(src, name)
        model = onnx.load(path)
        try:
            onnx.checker.check_model(model, full_check=True)
            result = "ok"
            shutil.copyfile(path, os.path.join(out, name))
        except onnx.checker.ValidationError as err:
            result = "invalid: " + str(err).splitlines()[0]
        verdict["models"][name] = {
            "verdict": result,
            "ir_version": model.ir_version,
            "opset": [o.version for o in model.opset_import],
            "ops": sorted({n.op_type for n in model.graph.node}),
        }
        print(name, result)
    with open(os.path.join(out, "verdict.json"), "w") as f:
        json.dump(verdict, f, indent=2, sort_keys=True)
        f.write("\n")
    return 0 if all(m["verdict"] == "ok" for m in verdict["models"].values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
