#!/usr/bin/env python3
"""Conformance fixtures for ae4j, made from a real H2O 3.46.0.7 server.

  make_models.py train   start H2O (bundled h2o.jar, 127.0.0.1 only), train the autoencoders, export
                         MOJO + POJO to tests/fixtures/models/, build the input rows, score the
                         server-representable rows on the server, write build/state/<name>.json
                         and the harness input build/partial/<name>.json; shut H2O down.
  make_models.py merge   read GenmodelHarness's build/genmodel/<name>.json, write
                         tests/fixtures/cases/<name>.json, run the sanity checks.

generate.sh runs: train -> GenmodelHarness -> merge.  The fixture format is described in
tests/fixtures/README.md (a contract: keep it stable).
"""
import json
import math
import random
import socket
import sys
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIX = ROOT / "tests" / "fixtures"
MODELS = FIX / "models"
CASES = FIX / "cases"
BUILD = HERE / "build"
H2O_VERSION = "3.46.0.7"
PORT = 54361           # a fixed, unusual port: never attach to somebody else's H2O
SEED = 1234
INF = float("inf")


def J(t, v):
    """A boxed Java value of type t (see the fixture format)."""
    return {"java": t, "value": v}


# ----------------------------------------------------------------------------------------- data
# A dataset is (columns, types, rows): types[col] is "enum" or "real", rows are lists of
# str / float / None (None = NA).  Numbers are rounded to a few decimals so that H2O's CSV parser
# reads exactly the double we hold (checked after upload anyway).

def synth():
    rng = np.random.default_rng(20240601)
    n = 2000
    channel = rng.choice(["web", "store", "phone"], n, p=[.5, .3, .2])
    # non-ASCII and comma-containing levels on purpose (UTF-8 domain files, CSV quoting)
    country = rng.choice(["US", "DE", "FR", "JP", "BR", "Côte d'Ivoire", "Korea, Rep."], n,
                         p=[.3, .15, .15, .1, .1, .1, .1])
    # two levels in the "<col>.<level>" form: genmodel's EnumEncoder falls back to it
    device = rng.choice(["device.mobile", "device.desktop", "tablet", "tv"], n, p=[.45, .3, .15, .1])
    age = rng.integers(18, 80, n).astype(float)
    income = np.round(np.exp(rng.normal(3.6, 0.5, n)) * (1 + 0.3 * (channel == "store")), 2)
    score = np.round(rng.normal(0, 1, n) + 0.8 * (device == "tablet") - 0.01 * (age - 45), 4)
    visits = rng.poisson(2 + 3 * (channel == "web") + 2 * (device == "device.mobile"), n).astype(float)
    ratio = np.round(rng.beta(2, 5, n) + 0.2 * (country == "JP"), 5)
    cols = ["channel", "age", "country", "income", "device", "score", "visits", "ratio"]
    data = {"channel": channel, "country": country, "device": device, "age": age,
            "income": income, "score": score, "visits": visits, "ratio": ratio}
    types = {c: ("enum" if c in ("channel", "country", "device") else "real") for c in cols}
    rows = []
    for i in range(n):
        r = []
        for c in cols:
            v = data[c][i]
            r.append(str(v) if types[c] == "enum" else float(v))
        rows.append(r)
    # real NAs (~4% per column), in categoricals and numerics
    for j, c in enumerate(cols):
        for i in rng.choice(n, n // 25, replace=False):
            rows[int(i)][j] = None
    return cols, types, rows


def sklearn_set(loader, cat_target=None, drop_target=True):
    d = loader(as_frame=True)
    fr = d.frame
    cols = [c for c in fr.columns if c != "target"]
    types = {c: "real" for c in cols}
    rows = [[float(v) for v in rec] for rec in fr[cols].itertuples(index=False)]
    if cat_target:
        cols = cols + [cat_target]
        types[cat_target] = "enum"
        for r, t in zip(rows, fr["target"]):
            r.append(str(d.target_names[int(t)]))
    return cols, types, rows


def datasets():
    from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
    return {
        "synth": synth(),
        "breast_cancer": sklearn_set(load_breast_cancer),
        "iris": sklearn_set(load_iris, cat_target="species"),
        "wine": sklearn_set(load_wine),
        "digits": sklearn_set(load_digits),
    }


COMMON = dict(autoencoder=True, seed=SEED, reproducible=True)
MODELS_SPEC = [
    # name, dataset, params (besides COMMON)
    ("synth_tanh", "synth", dict(activation="Tanh", hidden=[6, 3, 6], standardize=True,
                                 missing_values_handling="MeanImputation", epochs=20)),
    ("synth_rectifier_skip", "synth", dict(activation="Rectifier", hidden=[8, 4, 8],
                                           missing_values_handling="Skip", epochs=20)),
    ("synth_tanh_nostd", "synth", dict(activation="Tanh", hidden=[6, 3, 6], standardize=False,
                                       epochs=20)),
    ("breast_cancer_tanhdropout", "breast_cancer",
     dict(activation="TanhWithDropout", hidden=[10, 3, 10], hidden_dropout_ratios=[0.2, 0.1, 0.2],
          epochs=40)),
    ("iris_rectdropout_nostd", "iris", dict(activation="RectifierWithDropout", hidden=[5, 2, 5],
                                            standardize=False, epochs=50)),
    ("wine_exprectifier", "wine", dict(activation="ExpRectifier", hidden=[8, 3, 8], epochs=60)),
    ("digits_wide_tanh", "digits", dict(activation="Tanh", hidden=[256, 128, 256], epochs=3)),
]
# what to try, in order, if H2O refuses ExpRectifier for an autoencoder
EXPRECT_FALLBACKS = ["ExpRectifierWithDropout", "Tanh"]
# parameters copied from the model's actual_params into the case file
RECORDED = ["activation", "hidden", "epochs", "standardize", "missing_values_handling",
            "hidden_dropout_ratios", "input_dropout_ratio", "seed", "reproducible", "autoencoder",
            "use_all_factor_levels", "ignore_const_cols", "ignored_columns", "adaptive_rate", "rho",
            "epsilon", "l1", "l2", "loss", "distribution", "categorical_encoding",
            "max_categorical_features", "mini_batch_size", "train_samples_per_iteration",
            "shuffle_training_data", "sparse"]


# ------------------------------------------------------------------------------- H2O frame I/O
def csv_cell(v, typ):
    if v is None:
        return ""
    if typ == "enum":
        return '"' + v.replace('"', '""') + '"'   # quoted: keeps spaces; "" in a cell -> NA
    if math.isinf(v):
        return ""                                 # H2O's parser reads Infinity as NA: patched later
    return repr(float(v))


def upload(h2o, path, cols, types, rows, name):
    """Upload rows through a CSV we write ourselves, then check H2O holds exactly those values."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join('"' + c.replace('"', '""') + '"' for c in cols) + "\n")
        for r in rows:
            f.write(",".join(csv_cell(v, types[c]) for c, v in zip(cols, r)) + "\n")
    fr = h2o.upload_file(str(path), destination_frame=name, header=1,
                         col_types=[types[c] for c in cols], col_names=cols)
    # ±Infinity: the CSV parser turns it into NA, so patch those cells in with Rapids arithmetic
    for j, c in enumerate(cols):
        signs = [(0.0 if r[j] is None or not isinstance(r[j], float) or not math.isinf(r[j])
                  else math.copysign(1.0, r[j])) for r in rows]
        if any(signs):
            sfr = h2o.H2OFrame([[s] for s in signs], column_names=["s"], column_types=["real"])
            fr[c] = (sfr["s"] != 0).ifelse(sfr["s"] / 0.0, fr[c])
    check_frame(fr, cols, types, rows)
    return fr


def parse_h2o_num(s):
    return math.nan if s == "" else float(s)   # H2O writes Double.toString, NA as empty


def check_frame(fr, cols, types, rows):
    assert fr.names == cols, (fr.names, cols)
    ftypes = fr.types
    for c in cols:
        want = "enum" if types[c] == "enum" else "real"
        assert ftypes[c] in ((want,) if want == "enum" else ("real", "int")), (c, ftypes[c])
    got = fr.as_data_frame(use_pandas=False)
    assert got[0] == cols and len(got) == len(rows) + 1, (got[0], len(got))
    for i, (g, r) in enumerate(zip(got[1:], rows)):
        g = g + [""] * (len(cols) - len(g))
        for c, gv, v in zip(cols, g, r):
            if types[c] == "enum":
                ok = (gv == "" and v is None) or gv == v
            else:
                x = parse_h2o_num(gv)
                ok = (v is None and math.isnan(x)) or (v is not None and x == v)
            if not ok:
                raise AssertionError(f"H2O holds {gv!r} for {c} in row {i}, we sent {v!r}")


def download_numbers(fr):
    got = fr.as_data_frame(use_pandas=False)
    header = got[0]
    return header, [[parse_h2o_num(s) for s in row + [""] * (len(header) - len(row))]
                    for row in got[1:]]


# -------------------------------------------------------------------------------- the MOJO
def mojo_columns(path):
    """Model columns (model order) and domains, read from the MOJO's model.ini."""
    with zipfile.ZipFile(path) as z:
        ini = z.read("model.ini").decode("utf-8").splitlines()
        sec, cols, doms = None, [], {}
        for line in ini:
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if s.startswith("[") and s.endswith("]"):
                sec = s[1:-1]
                continue
            if sec == "columns":
                cols.append(s)
            elif sec == "domains":
                idx, rest = s.split(":", 1)
                cnt, fname = rest.strip().split(" ", 1)
                lv = z.read("domains/" + fname).decode("utf-8").split("\n")[:int(cnt)]
                doms[int(idx)] = lv
    return cols, [doms.get(i) for i in range(len(cols))]


def coef_names(cols, doms):
    out = []
    for c, d in zip(cols, doms):
        if d is not None:
            out += [f"{c}.{lv}" for lv in d] + [f"{c}.missing(NA)"]
    out += [c for c, d in zip(cols, doms) if d is None]
    return out


# -------------------------------------------------------------------------------- the rows
# How genmodel's Double.parseDouble (after String.trim) reads each number string we use.
# None = missing ("NaN"); "invalid" = NumberFormatException (NA only with invalid numbers -> NA).
JAVA_PARSE = {
    " 1.5 ": 1.5, "1e3": 1000.0, "-2.5E-1": -0.25, "NaN": None, "0x1.8p1": 3.0, "1.5d": 1.5,
    "+3": 3.0, "abc": "invalid", "": "invalid", "1,5": "invalid", "inf": "invalid",
    "Infinity": INF, "-Infinity": -INF, ".5": 0.5, "5.": 5.0, "0x10": "invalid",
    "1e400": INF, "\t2\n": 2.0, "\u00a02": "invalid", "1.5f": 1.5, "-0": -0.0, "1_000": "invalid",
    "nan": "invalid", "  NaN  ": None, "2.5E": "invalid", "x1": "invalid",
}
NUM_STRINGS = [" 1.5 ", "1e3", "-2.5E-1", "NaN", "0x1.8p1", "1.5d", "+3", ".5", "5.", "1e400",
               "\t2\n", "1.5f", "-0", "  NaN  "]
BAD_NUM_STRINGS = ["abc", "", "1,5", "inf", "nan", "0x10", "\u00a02", "1_000", "2.5E"]


class Unrepresentable(Exception):
    pass


def lenient(value, col, dom, present=True):
    """The row value as the most lenient reading (unknown levels -> NA, invalid numbers -> NA,
    Java null -> NA, any Number accepted) sees it; what we send to the server.  Returns a float,
    a level string (possibly unknown to the model: H2O maps it to the NA slot) or None (NA)."""
    if not present or value is None:
        return None
    if isinstance(value, dict):                      # boxed Java value
        t, v = value["java"], value["value"]
        if t == "Boolean":
            raise Unrepresentable("Boolean")
        x = float(v)                                 # "NaN"/"Infinity"/"-Infinity" parse too
        if dom is not None:
            if math.isnan(x) and t == "Double":
                return None
            raise Unrepresentable(f"{t} in categorical column")
        return None if math.isnan(x) else x
    if isinstance(value, float):
        if dom is not None:
            if math.isnan(value):
                return None
            raise Unrepresentable("Double in categorical column")
        return None if math.isnan(value) else value
    assert isinstance(value, str)
    if dom is None:
        p = JAVA_PARSE[value] if value in JAVA_PARSE else float(value)
        return None if p == "invalid" else p
    if value in dom:
        return value
    if f"{col}.{value}" in dom:                      # EnumEncoder's fallback
        return f"{col}.{value}"
    return value                                     # unknown level


def normal_rows(cols, types, rows, model_cols, k=40):
    """~k rows of the training frame: complete ones and (where the data has them) rows with NAs.
    A NA is a missing key (the way genmodel expects a missing value)."""
    rnd = random.Random(SEED)
    idx_na = [i for i, r in enumerate(rows) if any(v is None for v in r)]
    idx_ok = [i for i, r in enumerate(rows) if all(v is not None for v in r)]
    n_na = min(len(idx_na), 12)
    pick = sorted(rnd.sample(idx_na, n_na) + rnd.sample(idx_ok, k - n_na))
    out = []
    for i in pick:
        inp = {c: v for c, v in zip(cols, rows[i]) if v is not None}
        out.append({"kind": "normal", "note": f"training row {i}" +
                    (" (has NAs)" if len(inp) < len(cols) else ""), "input": inp})
    return out


def edge_rows(base, model_cols, doms):
    """Edge cases built around a complete normal row `base`."""
    nums = [c for c, d in zip(model_cols, doms) if d is None]
    cats = [(c, d) for c, d in zip(model_cols, doms) if d is not None]
    n1, n2 = nums[0], nums[1]
    E = []

    def add(note, inp):
        E.append({"kind": "edge", "note": note, "input": inp})

    def w(**kv):      # base with some columns replaced
        r = dict(base)
        r.update(kv)
        return r

    def wo(*drop):
        return {k: v for k, v in base.items() if k not in drop}

    def setcol(col, v):
        r = dict(base)
        r[col] = v
        return r

    add("empty row {}", {})
    add(f"missing key: numeric {n1}", wo(n1))
    add(f"missing keys: all numerics except {n1}", wo(*[c for c in nums if c != n1]))
    add(f"only {n1} present", {n1: base[n1]})
    add("every model column given as a String (Java Double.toString-like text)",
        {c: (repr(v) if isinstance(v, float) else v) for c, v in base.items()})
    for s in NUM_STRINGS:
        add(f"numeric {n1} as string {s!r}", setcol(n1, s))
    for s in BAD_NUM_STRINGS:
        add(f"invalid number string {s!r} in {n1}", setcol(n1, s))
    add(f"string 'Infinity' in {n1}", setcol(n1, "Infinity"))
    add(f"string '-Infinity' in {n1}", setcol(n1, "-Infinity"))
    add(f"Double +Infinity in {n1}", setcol(n1, J("Double", "Infinity")))
    add(f"Double -Infinity in {n1}", setcol(n1, J("Double", "-Infinity")))
    add(f"1e308 in {n1}", setcol(n1, 1e308))
    add(f"-1e308 in {n2}", setcol(n2, -1e308))
    add(f"Double.NaN in {n1}", setcol(n1, J("Double", "NaN")))
    add(f"tiny 5e-324 in {n1}", setcol(n1, 5e-324))
    add(f"Integer in {n1}", setcol(n1, J("Integer", 3)))
    add(f"Long in {n1}", setcol(n1, J("Long", 5)))
    add(f"Float in {n1}", setcol(n1, J("Float", 1.5)))
    add(f"Float NaN in {n1}", setcol(n1, J("Float", "NaN")))
    add(f"Boolean in {n1}", setcol(n1, J("Boolean", True)))
    add(f"Java null in {n1}", setcol(n1, None))
    add("extra columns the model does not know",
        w(**{"not_a_column": 1.0, "another_extra": "x", "": "empty name", "null": None}))
    add(f"wrong-case key {n1.upper()} (ignored) instead of {n1}",
        {(n1.upper() if k == n1 else k): v for k, v in base.items()})
    add(f"invalid number in {n1} and {n2} (which error wins follows HashMap order)",
        w(**{n1: "abc", n2: "x1"}))
    if cats:
        (c1, d1) = cats[0]
        add(f"missing key: categorical {c1}", wo(c1))
        add("missing keys: all categoricals", wo(*[c for c, _ in cats]))
        add(f"unknown level 'zzz' in {c1}", setcol(c1, "zzz"))
        add(f"known level with a trailing space in {c1}", setcol(c1, d1[0] + " "))
        add(f"known level with a leading space in {c1}", setcol(c1, " " + d1[0]))
        add(f"known level in other case {d1[0].swapcase()!r} in {c1}", setcol(c1, d1[0].swapcase()))
        add(f"empty string in {c1}", setcol(c1, ""))
        add(f"string 'NA' in {c1}", setcol(c1, "NA"))
        add(f"string 'null' in {c1}", setcol(c1, "null"))
        add(f"'<col>.<level>' form '{c1}.{d1[0]}' in {c1} (not a level: unknown)",
            setcol(c1, f"{c1}.{d1[0]}"))
        add(f"Double.NaN in categorical {c1}", setcol(c1, J("Double", "NaN")))
        add(f"Double 1.0 in categorical {c1}", setcol(c1, 1.0))
        add(f"Double 0.0 in categorical {c1}", setcol(c1, 0.0))
        add(f"Integer 0 in categorical {c1}", setcol(c1, J("Integer", 0)))
        add(f"Boolean in categorical {c1}", setcol(c1, J("Boolean", False)))
        add(f"Java null in categorical {c1}", setcol(c1, None))
        add(f"unknown level in {c1} and invalid number in {n1}", w(**{c1: "zzz", n1: "abc"}))
        add("unknown levels in every categorical",
            w(**{c: "zzz" for c, _ in cats}))
        add(f"all categoricals missing and all numerics missing but {n1}",
            {n1: base[n1]})
        for c, d in cats:
            pref = [lv for lv in d if lv.startswith(c + ".")]
            if pref:
                short = pref[0][len(c) + 1:]
                add(f"'{short}' resolves to level '{pref[0]}' by genmodel's '<col>.<level>' fallback",
                    setcol(c, short))
                add(f"level '{pref[0]}' given in full", setcol(c, pref[0]))
            for lv in d:
                if any(ord(ch) > 127 for ch in lv) or "," in lv:
                    add(f"level {lv!r} (non-ASCII or comma) in {c}", setcol(c, lv))
                    nfd = lv.replace("ô", "o\u0302")
                    if nfd != lv:
                        add(f"NFD-decomposed {lv!r} (other UTF-8 bytes): unknown", setcol(c, nfd))
    return E


def interpret(inp, model_cols, doms):
    """(the server row for an input, None) or (None, why a frame cannot hold it)."""
    try:
        row = [lenient(inp.get(c), c, d, c in inp) for c, d in zip(model_cols, doms)]
    except Unrepresentable as e:
        return None, f"a frame cannot hold a {e}"
    if any(isinstance(v, float) and v != 0 and abs(v) < 2.2250738585072014e-308 for v in row):
        return None, "H2O's CSV parser reads a subnormal as 0.0"
    return row, None


# -------------------------------------------------------------------------------- training
def train_all():
    import h2o

    for p in (MODELS, CASES, BUILD / "state", BUILD / "partial", BUILD / "csv"):
        p.mkdir(parents=True, exist_ok=True)
    with socket.socket() as so:        # h2o.init would silently attach to a running server
        if so.connect_ex(("127.0.0.1", PORT)) == 0:
            sys.exit(f"port {PORT} is in use: stop that H2O first")
    h2o.init(ip="127.0.0.1", port=PORT, max_mem_size="4g", nthreads=2, bind_to_localhost=True,
             strict_version_check=True)
    assert h2o.cluster().version == H2O_VERSION, h2o.cluster().version
    try:
        data = datasets()
        frames = {}
        for ds, (cols, types, rows) in data.items():
            frames[ds] = upload(h2o, BUILD / "csv" / f"{ds}.csv", cols, types, rows, f"{ds}_train")
            if ds == "synth":
                for c in cols:
                    assert frames[ds][c].isna().sum() > 0, f"no NA in {c}"
                for c in cols:
                    if types[c] == "enum":
                        lv = frames[ds][c].levels()[0]
                        assert not set(lv) & {"nan", "NA", "", "None"}, lv
        for name, ds, params in MODELS_SPEC:
            cols, types, rows = data[ds]
            fr = frames[ds]
            p = dict(COMMON, **params)
            notes = []
            model = None
            acts = [p["activation"]] + (EXPRECT_FALLBACKS if p["activation"] == "ExpRectifier" else [])
            # a Rectifier net may blow up ("unstable model") for one seed: then try the next
            tries = [(a, sd) for a in acts for sd in (SEED, 7, 42)]
            for act, sd in tries:
                p["activation"], p["seed"] = act, sd
                try:
                    model = train_one(name, p, cols, fr)
                    break
                except Exception as e:            # noqa: BLE001 -- record why H2O refused
                    notes.append(f"activation {act}, seed {sd}: H2O refused: {err_line(e)}")
                    print("!!", notes[-1])
                    try:
                        h2o.remove(name)
                    except Exception:     # noqa: BLE001 -- nothing to remove
                        pass
                    model = None
            assert model is not None, notes
            print(f"== {name}: trained, training MSE {model.mse()}")
            mojo = Path(model.download_mojo(path=str(MODELS), get_genmodel_jar=False))
            mojo.rename(MODELS / f"{name}.zip")
            pojo = Path(model.download_pojo(path=str(MODELS), get_genmodel_jar=False))
            if pojo != MODELS / f"{name}.java":
                pojo.rename(MODELS / f"{name}.java")
            model_cols, doms = mojo_columns(MODELS / f"{name}.zip")
            slots = coef_names(model_cols, doms)

            actual = model.actual_params
            rec = {"training_frame": ds, "x": cols}
            rec.update({k: actual[k] for k in RECORDED if k in actual})
            rec["model_id"] = name
            if notes:
                rec["notes"] = notes

            normal = normal_rows(cols, types, rows, model_cols)
            base = next(r["input"] for r in normal if len(r["input"]) == len(cols))
            base = {c: base[c] for c in model_cols}      # model columns only
            all_rows = normal + edge_rows(base, model_cols, doms)
            for i, r in enumerate(all_rows):
                r["id"] = i

            server = score_on_server(h2o, model, name, all_rows, model_cols, doms, slots)
            state = {"name": name, "params": rec, "columns": model_cols, "domains": doms,
                     "slot_names": slots, "rows": all_rows, "server": server,
                     "training_mse": model.mse()}
            (BUILD / "state" / f"{name}.json").write_text(json.dumps(state, indent=1, default=jsonable))
            partial = {"name": name, "mojo": str(MODELS / f"{name}.zip"), "pojo_class": name,
                       "rows": [{"id": r["id"], "kind": r["kind"], "input": r["input"]} for r in all_rows]}
            (BUILD / "partial" / f"{name}.json").write_text(json.dumps(partial, indent=1, default=jsonable))
    finally:
        h2o.cluster().shutdown()


def train_one(name, p, cols, fr):
    from h2o.estimators import H2ODeepLearningEstimator
    q = dict(p)
    act = q.pop("activation")
    model = H2ODeepLearningEstimator(model_id=name, **q)
    # h2o-py 3.46.0.7 validates `activation` against an enum that lacks ExpRectifier[WithDropout],
    # although the server implements them: set the parameter past the client-side check.
    model._parms["activation"] = act
    model.train(x=cols, training_frame=fr)
    assert model.actual_params["activation"] == act, model.actual_params["activation"]
    return model


def jsonable(x):
    raise TypeError(repr(x))


def score_on_server(h2o, model, name, all_rows, model_cols, doms, slots):
    """anomaly / anomaly(per_feature) / predict for every row a frame can hold: {id: {...}}.
    If H2O refuses the whole frame, each row is scored alone; a refused row gets server null and
    the refusal in its note."""
    ids, srows = [], []
    for r in all_rows:
        s, why = interpret(r["input"], model_cols, doms)
        r["_server_input"] = s
        if s is None:
            r["note"] += f"; server: none ({why})"
        else:
            ids.append(r["id"])
            srows.append(s)
    types = {c: ("enum" if d is not None else "real") for c, d in zip(model_cols, doms)}

    def score(tag, rows):
        fr = upload(h2o, BUILD / "csv" / f"{name}_{tag}.csv", model_cols, types, rows, f"{name}_{tag}")
        mse_h, mse = download_numbers(model.anomaly(fr))
        assert mse_h == ["Reconstruction.MSE"], mse_h
        se_h, se = download_numbers(model.anomaly(fr, per_feature=True))
        assert se_h == [f"reconstr_{s}.SE" for s in slots], (se_h, slots)
        rc_h, rc = download_numbers(model.predict(fr))
        assert rc_h == [f"reconstr_{s}" for s in slots], (rc_h, slots)
        assert len(mse) == len(se) == len(rc) == len(rows)
        h2o.remove(fr)
        return [{"mse": m[0], "per_feature_se": s, "reconstruction": c} for m, s, c in zip(mse, se, rc)]

    try:
        return {str(i): v for i, v in zip(ids, score("score", srows))}
    except Exception as e:                   # noqa: BLE001 -- H2O refused some row: find which
        print(f"!! {name}: server refused the frame ({err_line(e)}); scoring row by row")
    out = {}
    by_id = {r["id"]: r for r in all_rows}
    for i, s in zip(ids, srows):
        try:
            out[str(i)] = score(f"row{i}", [s])[0]
        except Exception as e:               # noqa: BLE001
            by_id[i]["note"] += f"; server: H2O refuses to score this row ({err_line(e)})"
            by_id[i]["_server_error"] = err_line(e)
    return out


def err_line(e):
    """The gist of an H2O server error."""
    text = str(e)
    for key in ("Trying to predict with an unstable model", "Numerical instability"):
        if key in text:
            return key
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return (lines[0] if lines else repr(e))[:200]


# -------------------------------------------------------------------------------- merging
def from_java(x):
    """The harness writes doubles as Double.toHexString (exact); NaN/Infinity as such."""
    if x in ("NaN", "Infinity", "-Infinity"):
        return float(x)
    return float.fromhex(x)


def enc(x):
    """A double for the fixture: a JSON number that round-trips, or NaN/Infinity as a string."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def conv_result(res):
    if "error" in res:
        return {"error": res["error"]}
    rrd = {}
    for c, v in res["reconstructedRowData"].items():
        rrd[c] = enc(from_java(v)) if isinstance(v, str) else {k: enc(from_java(x)) for k, x in v.items()}
    return {"original": [enc(from_java(x)) for x in res["original"]],
            "reconstructed": [enc(from_java(x)) for x in res["reconstructed"]],
            "mse": enc(from_java(res["mse"])),
            "reconstructedRowData": rrd}


def rel(a, b):
    if math.isnan(a) and math.isnan(b):
        return 0.0
    if a == b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def dec(x):
    return float(x) if isinstance(x, str) else x


def expand(srow, doms):
    """Genmodel's `original` for a row as the lenient reading sees it (unknown level -> NA slot)."""
    out = []
    for v, d in zip(srow, doms):
        if d is not None:
            block = [0.0] * (len(d) + 1)
            block[d.index(v) if v in d else len(d)] = 1.0
            out += block
    out += [math.nan if v is None else v for v, d in zip(srow, doms) if d is None]
    return out


def merge_all():
    CASES.mkdir(parents=True, exist_ok=True)
    problems, summary = [], []
    for name, _, _ in MODELS_SPEC:
        st = json.loads((BUILD / "state" / f"{name}.json").read_text())
        gm = json.loads((BUILD / "genmodel" / f"{name}.json").read_text())
        assert gm["columns"] == st["columns"], (gm["columns"], st["columns"])
        assert gm["domains"] == st["domains"]
        for d in st["domains"]:
            assert d is None or "null" not in d, "a level is literally 'null'"
        gmrows = {r["id"]: r for r in gm["rows"]}
        out_rows = []
        stats = {k: {"max_rel_mse": 0.0, "max_rel_recon": 0.0, "max_rel_se_mean": 0.0,
                     "nan_gm_mse_rows": 0, "server_rows": 0, "compared_rows": 0}
                 for k in ("normal", "edge")}
        for r in st["rows"]:
            g = {k: conv_result(v) for k, v in gmrows[r["id"]]["genmodel"].items()}
            srv = st["server"].get(str(r["id"]))
            if srv is not None:
                S = stats[r["kind"]]
                S["server_rows"] += 1
                srv = {"mse": srv["mse"], "per_feature_se": srv["per_feature_se"],
                       "reconstruction": srv["reconstruction"]}
                m = srv["mse"]
                se = srv["per_feature_se"]
                if all(math.isfinite(x) for x in se + [m]):
                    S["max_rel_se_mean"] = max(S["max_rel_se_mean"], rel(sum(se) / len(se), m))
                # the lenient genmodel reading must be what we sent to the server
                b = g["both_to_na"]
                if "error" not in b:
                    S["compared_rows"] += 1
                    want = expand(r["_server_input"], st["domains"])
                    got = [dec(x) for x in b["original"]]
                    if any(rel(x, y) > 0 for x, y in zip(want, got)):
                        problems.append(f"{name} row {r['id']}: server input {want} vs genmodel original {got}")
                    # reconstructions agree wherever genmodel scores
                    for x, y in zip(srv["reconstruction"], [dec(x) for x in b["reconstructed"]]):
                        if not (math.isnan(x) and math.isnan(y)):
                            S["max_rel_recon"] = max(S["max_rel_recon"], rel(x, y))
                    gm_mse = dec(b["mse"])
                    if math.isnan(gm_mse):
                        S["nan_gm_mse_rows"] += 1
                    elif math.isfinite(m) or math.isfinite(gm_mse):
                        S["max_rel_mse"] = max(S["max_rel_mse"], rel(gm_mse, m))
                srv = {k: ([enc(x) for x in v] if isinstance(v, list) else enc(v)) for k, v in srv.items()}
            out_rows.append({"id": r["id"], "kind": r["kind"], "note": r["note"], "input": r["input"],
                             "genmodel": g, "server": srv})
        with zipfile.ZipFile(MODELS / f"{name}.zip") as z:   # the resolved ratios, as scored
            for line in z.read("model.ini").decode("utf-8").splitlines():
                if line.startswith("hidden_dropout_ratios"):
                    v = line.split("=", 1)[1].strip()
                    st["params"]["hidden_dropout_ratios_in_mojo"] = json.loads(v) if v != "null" else None
        case = {"name": name, "mojo": f"models/{name}.zip", "pojo": f"models/{name}.java",
                "h2o_version": H2O_VERSION, "params": st["params"], "columns": st["columns"],
                "domains": st["domains"], "slot_names": st["slot_names"], "rows": out_rows}
        (CASES / f"{name}.json").write_text(dump(case) + "\n", encoding="utf-8")
        # round-trip check of the written numbers
        back = json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))
        assert back["rows"][0]["genmodel"] == json.loads(json.dumps(out_rows[0]["genmodel"]))
        for k in ("max_rel_mse", "max_rel_recon", "max_rel_se_mean"):
            if stats["normal"][k] > 1e-12:
                problems.append(f"{name}: normal rows: {k} = {stats['normal'][k]:.3g} > 1e-12")
            if stats["edge"][k] > 1e-12:
                print(f"note: {name}: edge rows: {k} = {stats['edge'][k]:.3g}")
        summary.append((name, len(out_rows), stats, gm.get("pojo_check")))
    for name, n, stats, pojo in summary:
        print(f"{name}: {n} rows; {stats}; pojo: {pojo}")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


def dump(x, ind=0):
    """JSON with indent 1, but arrays of scalars on one line (keeps files small and readable)."""
    pad = " " * (ind + 1)
    if isinstance(x, dict):
        if not x:
            return "{}"
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {dump(v, ind + 1)}" for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * ind + "}"
    if isinstance(x, list):
        if all(not isinstance(v, (dict, list)) for v in x):
            return "[" + ", ".join(dump(v) for v in x) + "]"
        return "[\n" + ",\n".join(pad + dump(v, ind + 1) for v in x) + "\n" + " " * ind + "]"
    if isinstance(x, float):
        assert math.isfinite(x), x
        s = repr(x)
        assert float(s) == x
        return s
    return json.dumps(x, ensure_ascii=False)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "train":
        train_all()
    elif cmd == "merge":
        sys.exit(merge_all())
    else:
        sys.exit(__doc__)
