#!/usr/bin/env python3
"""Deep features (hidden-layer activations) from a real H2O 3.46.0.7 server, for every fixture
model and every hidden layer: tests/fixtures/deepfeatures/<name>.json.

  deepfeatures.py    start H2O (bundled h2o.jar, 127.0.0.1:54361, -Xmx2g), re-train every fixture
                     model with the parameters its case file records, check that the weights equal
                     the committed MOJO's (exits non-zero if not: the recorded values would belong
                     to another model), score the rows of cases/<name>.json that a frame can hold
                     with model.deepfeatures(frame, L) for every hidden layer L, check the numbers
                     (see `checks`), write the files and shut H2O down.

It never rewrites the committed MOJOs, POJOs or case files: the deep features are added next to
them. The values are exact doubles: they come from H2O's CSV download with hex_string=true
(Java's Double.toHexString), and the decimal download is checked to hold the same doubles.
"""
import csv
import io
import json
import math
import socket
import sys
import zipfile
from pathlib import Path

import numpy as np

import make_models as mm

OUT = mm.FIX / "deepfeatures"
MAX_MEM = "2g"


# ------------------------------------------------------------------------- exact frame download
def parse_cell(s, hexed):
    if s == "":
        return math.nan                  # NA
    if s in ("NaN", "Infinity", "-Infinity"):
        return float(s)
    return float.fromhex(s) if hexed and ("0x" in s or "p" in s) else float(s)


def download_exact(h2o, fr):
    """(header, rows of doubles) from /3/DownloadDataset with hex_string=true, checked against
    the decimal download cell by cell."""
    out = {}
    for hexed in (True, False):
        text = h2o.api("GET /3/DownloadDataset",
                       data={"frame_id": fr.frame_id, "hex_string": hexed, "escape_quotes": True})
        rows = list(csv.reader(io.StringIO(text)))
        header = rows[0]
        out[hexed] = header, [[parse_cell(s, hexed) for s in r + [""] * (len(header) - len(r))]
                              for r in rows[1:]]
    (h_hex, v_hex), (h_dec, v_dec) = out[True], out[False]
    assert h_hex == h_dec, (h_hex, h_dec)
    for i, (a, b) in enumerate(zip(v_hex, v_dec)):
        same = all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b))
        assert same and len(a) == len(b), f"row {i}: hex {a} vs decimal {b}"
    assert len(v_hex) == len(v_dec)
    return h_hex, v_hex


# ----------------------------------------------------------------------------- the MOJO itself
def mojo_ini(path):
    with zipfile.ZipFile(path) as z:
        return z.read("model.ini").decode("utf-8").splitlines()


def mojo_identity(path):
    """Everything in a MOJO that scoring depends on: model.ini without the per-export lines
    (uuid, timestamp) and the domain files."""
    with zipfile.ZipFile(path) as z:
        ini = [ln for ln in z.read("model.ini").decode("utf-8").splitlines()
               if not ln.startswith(("uuid =", "timestamp ="))]
        doms = {n: z.read(n) for n in sorted(z.namelist()) if n.startswith("domains/")}
    return ini, doms


def mojo_network(path):
    """The network as model.ini stores it, for the independent numpy check below."""
    kv = {}
    for ln in mojo_ini(path):
        if " = " in ln:
            k, v = ln.split(" = ", 1)
            kv[k.strip()] = v.strip()

    def arr(key, dtype):
        v = kv.get(key, "null")
        return None if v == "null" else np.array(json.loads(v), dtype=dtype)

    sizes = json.loads(kv["neural_network_sizes"])
    layers = []
    for i in range(len(sizes) - 1):
        w = arr(f"weight_layer{i}", np.float32).astype(np.float64).reshape(sizes[i + 1], sizes[i])
        layers.append((w, arr(f"bias_layer{i}", np.float64)))
    return {"activation": kv["activation"], "layers": layers, "cats": int(kv["cats"]),
            "cat_offsets": json.loads(kv["cat_offsets"]), "norm_mul": arr("norm_mul", np.float64),
            "norm_sub": arr("norm_sub", np.float64),
            "dropout": json.loads(kv.get("hidden_dropout_ratios", "null"))}


def numpy_hidden(net, srow, doms):
    """Hidden activations of one server row, computed from the MOJO with the semantics this
    file documents: unknown level or NA -> the column's NA slot; numeric NA -> 0 in the
    (normalised) input space; hidden outputs of a *WithDropout net times (1 - ratio)."""
    cats, off = net["cats"], net["cat_offsets"]
    x = np.zeros(net["layers"][0][0].shape[1])
    for c in range(cats):
        v, d = srow[c], doms[c]
        x[off[c] + d.index(v) if v in d else off[c + 1] - 1] = 1.0
    for k, v in enumerate(srow[cats:]):
        if v is not None:
            mul = 1.0 if net["norm_mul"] is None else net["norm_mul"][k]
            sub = 0.0 if net["norm_sub"] is None else net["norm_sub"][k]
            x[off[cats] + k] = (v - sub) * mul
    act = net["activation"].replace("WithDropout", "")
    f = {"Tanh": np.tanh, "Rectifier": lambda z: np.maximum(z, 0.0),
         "ExpRectifier": lambda z: np.where(z >= 0, z, np.expm1(np.minimum(z, 0.0)))}[act]
    out = []
    for i, (w, b) in enumerate(net["layers"][:-1]):
        x = f(w @ x + b)
        if net["activation"].endswith("WithDropout"):
            x = x * (1.0 - net["dropout"][i])
        out.append(x)
    return out


# ------------------------------------------------------------------------------ the procedure
def retrain(h2o, name, case, frames, data):
    """Train `name` again with the recorded seed and activation; fail loudly if its MOJO is not
    the committed one."""
    spec = {n: (ds, p) for n, ds, p in mm.MODELS_SPEC}[name]
    ds, params = spec
    p = dict(mm.COMMON, **params)
    p["seed"], p["activation"] = case["params"]["seed"], case["params"]["activation"]
    model = mm.train_one(name, p, data[ds][0], frames[ds])
    tmp = mm.BUILD / "deepfeatures"
    tmp.mkdir(parents=True, exist_ok=True)
    mojo = Path(model.download_mojo(path=str(tmp), get_genmodel_jar=False))
    committed = mm.MODELS / f"{name}.zip"
    if mojo_identity(mojo) != mojo_identity(committed):
        got, want = mojo_identity(mojo)[0], mojo_identity(committed)[0]
        diff = [f"{a[:80]} != {b[:80]}" for a, b in zip(got, want) if a != b][:3]
        sys.exit(f"{name}: the re-trained model differs from {committed}: {diff or 'domains'}")
    print(f"== {name}: re-trained; weights equal the committed MOJO's")
    return model


def unknown_level_probes(rows, doms, cats):
    """For every sent row with an unknown level: the same row with those cells missing."""
    probes = []
    for i, r in enumerate(rows):
        if any(v is not None and v not in doms[c] for c, v in enumerate(r[:cats])):
            probes.append((i, [None if c < cats and v is not None and v not in doms[c] else v
                               for c, v in enumerate(r)]))
    return probes


def deep_features_of(h2o, name, model, case):
    cols, doms = case["columns"], case["domains"]
    cats = sum(d is not None for d in doms)
    ids, srows = [], []
    for r in case["rows"]:
        s, _why = mm.interpret(r["input"], cols, doms)
        if s is not None and r["server"] is not None:
            ids.append(r["id"])
            srows.append(s)
    # every row the case file has server results for is representable, and only those
    assert len(ids) == sum(r["server"] is not None for r in case["rows"]), name
    probes = unknown_level_probes(srows, doms, cats)
    types = {c: ("enum" if d is not None else "real") for c, d in zip(cols, doms)}
    sent = srows + [p for _, p in probes]
    fr = mm.upload(h2o, mm.BUILD / "csv" / f"{name}_deep.csv", cols, types, sent, f"{name}_deep")
    sizes = json.loads(next(ln.split("=", 1)[1] for ln in mojo_ini(mm.MODELS / f"{name}.zip")
                            if ln.startswith("neural_network_sizes")))
    hidden = sizes[1:-1]
    per_layer = []
    for layer, width in enumerate(hidden):
        header, values = download_exact(h2o, model.deepfeatures(fr, layer))
        want = [f"DF.L{layer + 1}.C{j + 1}" for j in range(width)]
        assert header == want, (header, want)
        assert len(values) == len(sent), (len(values), len(sent))
        per_layer.append(values)
    try:
        model.deepfeatures(fr, len(hidden))
        sys.exit(f"{name}: H2O accepted hidden layer {len(hidden)}")
    except Exception as e:               # noqa: BLE001 -- the refusal is what we record
        refusal = mm.err_line(e)
        refusal = refusal[refusal.find("hidden layer"):] if "hidden layer" in refusal else refusal
    h2o.remove(fr)
    checks = check(name, srows, per_layer, probes, doms)
    rows = {i: [layer[k] for layer in per_layer] for k, i in enumerate(ids)}
    return hidden, rows, refusal, checks


def same(a, b):
    return all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b))


def check(name, srows, per_layer, probes, doms):
    """What the recorded numbers show about H2O's semantics; exits non-zero on a surprise."""
    problems = []
    for n, (i, _) in enumerate(probes):
        k = len(srows) + n              # the probe rows follow the sent rows in the frame
        for L, values in enumerate(per_layer):
            if not same(values[i], values[k]):
                problems.append(f"row {i} layer {L}: unknown level differs from NA")
    net = mojo_network(mm.MODELS / f"{name}.zip")
    worst, compared = 0.0, 0
    for i, s in enumerate(srows):
        if any(isinstance(v, float) and not math.isfinite(v) for v in s):
            continue                     # ±Infinity inputs: NaN/saturated, compared by the Rust tests
        mine = numpy_hidden(net, s, doms)
        for L, values in enumerate(per_layer):
            got = np.array(values[i])
            gap = float(np.max(np.abs(got - mine[L]) / np.maximum(1.0, np.abs(got))))
            worst = max(worst, gap)
            compared += 1
    if worst > 1e-9:
        problems.append(f"numpy forward pass (dropout-scaled, NA -> NA slot / 0) differs by {worst:.3g}")
    for p in problems:
        print(f"PROBLEM: {name}: {p}")
    if problems:
        sys.exit(1)
    return {"unknown_level_rows_equal_to_na": len(probes),
            "numpy_forward_pass_rows": compared // max(1, len(per_layer)),
            "numpy_forward_pass_worst_gap": worst}


def write(name, hidden, rows, refusal, checks, case):
    OUT.mkdir(parents=True, exist_ok=True)
    doc = {
        "name": name, "mojo": f"models/{name}.zip", "h2o_version": mm.H2O_VERSION,
        "call": "model.deepfeatures(frame, layer) on one frame of the case's server rows",
        "hidden_layers": [{"layer": L, "columns": [f"DF.L{L + 1}.C{j + 1}" for j in range(w)]}
                          for L, w in enumerate(hidden)],
        "out_of_range": {"layer": len(hidden), "h2o_error": refusal},
        "checks": checks,
        "rows": [{"id": r["id"],
                  "deep_features": None if r["id"] not in rows else
                  [[mm.enc(x) for x in layer] for layer in rows[r["id"]]]}
                 for r in case["rows"]],
    }
    path = OUT / f"{name}.json"
    path.write_text(mm.dump(doc) + "\n", encoding="utf-8")
    back = json.loads(path.read_text(encoding="utf-8"))
    for r in back["rows"]:               # the written numbers parse back to the same doubles
        if r["deep_features"] is not None:
            for got, want in zip(r["deep_features"], rows[r["id"]]):
                assert same([mm.dec(x) for x in got], want), (name, r["id"])
    print(f"   {name}: {len(rows)} rows x layers {hidden} -> {path.relative_to(mm.ROOT)}; {checks}")


def main():
    import h2o

    for p in (mm.BUILD / "csv", mm.BUILD / "deepfeatures"):
        p.mkdir(parents=True, exist_ok=True)
    with socket.socket() as so:          # h2o.init would silently attach to a running server
        if so.connect_ex(("127.0.0.1", mm.PORT)) == 0:
            sys.exit(f"port {mm.PORT} is in use: stop that H2O first")
    h2o.init(ip="127.0.0.1", port=mm.PORT, max_mem_size=MAX_MEM, nthreads=2,
             bind_to_localhost=True, strict_version_check=True)
    assert h2o.cluster().version == mm.H2O_VERSION, h2o.cluster().version
    try:
        data = mm.datasets()
        frames = {ds: mm.upload(h2o, mm.BUILD / "csv" / f"{ds}.csv", *d, f"{ds}_train")
                  for ds, d in data.items()}
        for name, _, _ in mm.MODELS_SPEC:
            case = json.loads((mm.CASES / f"{name}.json").read_text(encoding="utf-8"))
            model = retrain(h2o, name, case, frames, data)
            write(name, *deep_features_of(h2o, name, model, case), case)
            h2o.remove(model)
    finally:
        h2o.cluster().shutdown()


if __name__ == "__main__":
    main()
