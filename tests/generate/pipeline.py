#!/usr/bin/env python3
"""The preprocessing-pipeline fixture (issue #22): tests/fixtures/pipeline/.

  pipeline.py train   make the raw data (seeded), transform it with pandas + a fitted
                      scikit-learn ColumnTransformer, write the spec (hand-written steps +
                      ae4j.pipeline.from_sklearn), start H2O 3.46.0.7 (127.0.0.1:54361, or 54365
                      if that is taken), train an autoencoder on the transformed features, export
                      MOJO + POJO, score the transformed rows on the server, write
                      build/pipeline/{state,partial}; shut H2O down.
  pipeline.py merge   read GenmodelHarness's build/pipeline/genmodel/pipeline_tanh.json and
                      write tests/fixtures/pipeline/cases.json; sanity checks (non-zero exit).

generate.sh pipeline runs: train -> GenmodelHarness -> merge. The files are described in
tests/fixtures/README.md ("Pipeline model").

The raw text is the input of every route; the transformed rows are what pandas + sklearn make of
it, and genmodel's scores of those rows are the reference a route must equal (1e-9 relative).
"""
import csv
import importlib.util
import io
import json
import math
import socket
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

import make_models as mm

NAME = "pipeline_tanh"
OUT = mm.FIX / "pipeline"
BUILD = mm.HERE / "build" / "pipeline"
PORTS = (54361, 54365)
N_TRAIN = 2000
N_NORMAL = 240            # training rows that go into the fixture
SEED = 20261202
RAW_COLUMNS = ["ts", "amount", "balance", "merchant", "online"]
INPUTS = {"ts": "timestamp", "amount": "number", "balance": "number", "merchant": "string",
          "online": "boolean"}
COMMON_MERCHANTS = ["amazon", "walmart", "target", "ebay", "costco", "bestbuy", "apple", "uber"]
RARE_SHARE = 0.01         # merchants under 1% of the training rows are grouped into "other"
RATIO_MAX = 10.0
PARAMS = dict(activation="Tanh", hidden=[6, 3, 6], epochs=20, standardize=True,
              missing_values_handling="MeanImputation", autoencoder=True, reproducible=True,
              seed=1234)


def load_ae4j_pipeline():
    """ae4j.pipeline straight from the source tree (pure Python; no native extension needed)."""
    pkg = mm.ROOT / "rust" / "ae4j-py" / "python" / "ae4j" / "pipeline"
    spec = importlib.util.spec_from_file_location("ae4j_pipeline", pkg / "__init__.py",
                                                  submodule_search_locations=[str(pkg)])
    mod = importlib.util.module_from_spec(spec)
    sys.modules["ae4j_pipeline"] = mod
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------------------ raw data (text)
OFFSETS = [None, "Z", "+00:00", "+02:00", "-05:00", "+05:30", "-08:00", "+09:00"]


def iso(utc, offset, frac_ms):
    """ISO-8601 text of the instant `utc` written in the time zone `offset` (None = naive UTC)."""
    if offset in (None, "Z"):
        local, tail = utc, ("" if offset is None else "Z")
    else:
        sign = 1 if offset[0] == "+" else -1
        delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
        local, tail = utc + delta, offset
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if frac_ms:
        text += f".{frac_ms:03d}"
    return text + tail


def raw_rows():
    """N_TRAIN rows of raw text cells ("" = missing), as a user's CSV holds them."""
    rng = np.random.default_rng(SEED)
    n = N_TRAIN
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    days = rng.integers(0, 90, n)
    hours = np.clip(np.round(rng.normal(14, 4, n)), 0, 23).astype(int)
    secs = rng.integers(0, 3600, n)
    offsets = rng.choice(len(OFFSETS), n)
    fracs = np.where(rng.random(n) < 0.2, rng.integers(1, 1000, n), 0)
    amount = np.round(np.exp(rng.normal(3.5, 1.0, n)), 2)
    balance = np.round(np.maximum(np.exp(rng.normal(7.0, 0.8, n)), 1.0), 2)
    rare = [f"shop_{k:03d}" for k in range(40)]
    weights = np.array([18, 14, 10, 9, 8, 6, 5, 5] + [25 / len(rare)] * len(rare), dtype=float)
    merchant = rng.choice(COMMON_MERCHANTS + rare, n, p=weights / weights.sum())
    online = rng.choice(["true", "false", "TRUE", "False", "1", "0"], n, p=[.3, .3, .1, .1, .1, .1])
    rows = []
    for i in range(n):
        utc = start + timedelta(days=int(days[i]), hours=int(hours[i]), seconds=int(secs[i]))
        rows.append({"ts": iso(utc, OFFSETS[offsets[i]], int(fracs[i])),
                     "amount": repr(float(amount[i])), "balance": repr(float(balance[i])),
                     "merchant": str(merchant[i]), "online": str(online[i])})
    for col, share in (("ts", .05), ("amount", .05), ("balance", .03), ("merchant", .04),
                       ("online", .05)):
        for i in rng.choice(n, int(n * share), replace=False):
            rows[int(i)][col] = ""
    return rows


def edge_rows(base):
    """Edge rows around one complete training row: (note, cells, expected error or None).
    An expected error is where the spec says the row fails; pandas/numpy would give NaN/inf or
    raise there (checked in `transform`)."""
    E = []

    def add(note, error=None, **cells):
        r = dict(base)
        r.update(cells)
        E.append((note, r, error))

    def err(column, op, step_name, reason):
        """`step` (1-based, the spec's first step that meets the bad value) is filled in by
        `number_errors` once the spec exists; null for a bad input cell."""
        return {"kind": "PipelineException", "column": column, "step": None, "op": op,
                "step_column": step_name, "reason": reason}

    add("missing timestamp: hour and day_of_week missing, then imputed", ts="")
    add("naive timestamp (read as UTC)", ts="2024-03-05T14:22:07")
    add("timestamp with Z", ts="2024-03-05T14:22:07Z")
    add("offset crosses midnight and the week: Sunday 23:30 -05:00 is Monday 04:30 UTC",
        ts="2024-03-03T23:30:00-05:00")
    add("offset +05:30 moves back a day: Monday 02:10 +05:30 is Sunday 20:40 UTC",
        ts="2024-03-04T02:10:00+05:30")
    add("fractional seconds on a leap day", ts="2024-02-29T12:00:00.999+01:00")
    add("bad timestamp text: month 13", err("ts", "input", "ts", "not a timestamp"),
        ts="2024-13-45T99:00:00")
    add("bad timestamp text: a word", err("ts", "input", "ts", "not a timestamp"),
        ts="yesterday")
    add("unknown merchant: mapped to 'other'", merchant="brand_new_shop")
    add("rare merchant: mapped to 'other'", merchant="shop_007")
    add("merchant case differs ('Amazon'): no mapping entry, so 'other'", merchant="Amazon")
    add("missing merchant: merchant_group missing (the model's NA level)", merchant="")
    add("missing amount: imputed (median)", amount="")
    add("amount 0: log1p(0) = 0", amount="0")
    add("amount beyond the training range: top bin, scaler extrapolates", amount="1000000.0")
    add("negative amount: log1p domain error", err("amt__amount", "derive", "amt__amount",
                                                    "log1p of -5"), amount="-5.0")
    add("unparsable number text in amount", err("amount", "input", "amount", "not a number"),
        amount="abc")
    add("balance 0: division by zero in ratio", err("balance", "derive", "ratio",
                                                     "division by zero"), balance="0")
    add("missing balance: ratio missing, both imputed", balance="")
    add("ratio above 10: clipped", amount="5000.0", balance="10.0")
    add("online missing: imputed (most frequent)", online="")
    add("online TRUE (upper case)", online="TRUE")
    add("online False (capitalised)", online="False")
    add("online 'yes': not a boolean", err("online", "input", "online", "not a boolean"),
        online="yes")
    E.append(("every input missing", {c: "" for c in RAW_COLUMNS}, None))
    return E


# ------------------------------------------------------------------------- pandas + sklearn side
def parse_number(text):
    """Number text as a correctly rounded double (Python's float), "" = missing."""
    return math.nan if text == "" else float(text)


def parse_bool(text):
    low = text.lower()
    if low == "":
        return math.nan
    if low in ("true", "1"):
        return 1.0
    if low in ("false", "0"):
        return 0.0
    raise ValueError(f"not a boolean: {text!r}")


def frame(rows):
    """Raw text rows -> the typed pandas frame (timestamps in UTC)."""
    df = pd.DataFrame({
        "ts": pd.to_datetime(pd.Series([r["ts"] or None for r in rows], dtype=object),
                             utc=True, format="ISO8601"),
        "amount": [parse_number(r["amount"]) for r in rows],
        "balance": [parse_number(r["balance"]) for r in rows],
        "merchant": pd.Series([r["merchant"] or None for r in rows], dtype=object),
        "online": [parse_bool(r["online"]) for r in rows],
    })
    return df


def derived(df, common):
    """The notebook's pandas feature code (the spec's hand-written steps say the same)."""
    out = pd.DataFrame(index=df.index)
    out["amount"] = df["amount"]
    out["balance"] = df["balance"]
    out["hour"] = df["ts"].dt.hour.astype(float)
    out["day_of_week"] = df["ts"].dt.day_of_week.astype(float)
    out["ratio"] = (df["amount"] / df["balance"]).clip(upper=RATIO_MAX)
    m = df["merchant"]
    out["merchant_group"] = m.where(m.isin(common) | m.isna(), "other")
    out["online"] = df["online"]
    return out


def sklearn_transformer():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import (FunctionTransformer, KBinsDiscretizer, MinMaxScaler,
                                       RobustScaler, StandardScaler)
    ct = ColumnTransformer([
        ("amt", Pipeline([("impute", SimpleImputer(strategy="median")),
                          ("log", FunctionTransformer(np.log1p, feature_names_out="one-to-one")),
                          ("scale", StandardScaler())]), ["amount"]),
        ("amt_bin", Pipeline([("impute", SimpleImputer(strategy="median")),
                              ("bins", KBinsDiscretizer(n_bins=5, encode="ordinal",
                                                        strategy="quantile"))]), ["amount"]),
        ("bal", Pipeline([("impute", SimpleImputer(strategy="median")),
                          ("sqrt", FunctionTransformer(np.sqrt, feature_names_out="one-to-one")),
                          ("scale", StandardScaler())]), ["balance"]),
        ("ratio", Pipeline([("impute", SimpleImputer(strategy="mean")),
                            ("scale", RobustScaler())]), ["ratio"]),
        ("time", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                           ("scale", MinMaxScaler())]), ["hour", "day_of_week"]),
        ("flag", SimpleImputer(strategy="most_frequent"), ["online"]),
    ], remainder="passthrough")
    ct.set_output(transform="pandas")
    return ct


def with_libm(ct):
    """A copy of the fitted transformer whose FunctionTransformers call the C library's function
    (Python's math.log1p, ...: glibc here, what Rust's f64::ln_1p calls) element by element
    instead of numpy's ufunc: numpy's SIMD log1p/log differ from libm's in the last bit for some
    inputs (see README). Everything else is the same sklearn arithmetic."""
    import copy
    from sklearn.preprocessing import FunctionTransformer
    libm = {np.log1p: math.log1p, np.log: math.log, np.sqrt: math.sqrt}
    twin = copy.deepcopy(ct)
    for _, est, _ in twin.transformers_:
        for step in (est.steps if hasattr(est, "steps") else [(None, est)]):
            if isinstance(step[1], FunctionTransformer) and step[1].func is not None:
                step[1].func = np.vectorize(libm[step[1].func], otypes=[float])
    return twin


def common_merchants(train_df):
    counts = train_df["merchant"].value_counts()
    keep = counts[counts >= RARE_SHARE * len(train_df)].index
    return sorted(str(m) for m in keep)


def make_spec(ap, ct, common):
    spec = (ap.Spec(inputs=INPUTS)
            .derive("hour", "hour(ts)")
            .derive("day_of_week", "day_of_week(ts)")
            .derive("ratio", "amount / balance")
            .clip("ratio", max=RATIO_MAX)
            .map("merchant", {m: m for m in common}, default="other", into="merchant_group")
            # pandas holds the flag as 1.0/0.0 (`frame`), and so sklearn's imputer fills it
            # with a number: the spec's boolean becomes that number before the sklearn steps
            .derive("online", "if(online, 1.0, 0.0)"))
    hand = len(spec.steps)
    spec.extend(ap.from_sklearn(ct))
    return spec, hand


FUNCTION_OF = {"log1p of -5": "log1p(", "division by zero": "/"}


def number_errors(rows, spec):
    """Each expected error's step: the first derive that makes its column with the failing
    operation. A cell that cannot be read as its input's type (a bad timestamp, number or
    boolean) fails before any step: step null."""
    for r in rows:
        e = r["expected_error"]
        if e is None or e["op"] == "input":
            continue
        hits = [k for k, s in enumerate(spec.steps, 1) if s["op"] == "derive"
                and s["name"] == e["step_column"] and FUNCTION_OF[e["reason"]] in s["expr"]]
        assert hits, e
        e["step"] = hits[0]


def transform(rows, ct, common, errors):
    """Transformed model rows (dicts, None = missing) for the rows without an expected error;
    and a check that each expected-error row really fails or goes non-finite in pandas/numpy."""
    ok = [i for i, e in enumerate(errors) if e is None]
    feats = ct.transform(derived(frame([rows[i] for i in ok]), common))
    out = [None] * len(rows)
    for k, i in enumerate(ok):
        rec = feats.iloc[k].to_dict()
        out[i] = {c: (None if (not isinstance(v, str) and v is not None and math.isnan(v)) else
                      (v if isinstance(v, str) or v is None else float(v))) for c, v in rec.items()}
        assert all(v is None or isinstance(v, str) or math.isfinite(v) for v in out[i].values()), rec
    for i, e in enumerate(errors):
        if e is not None:
            assert pandas_refuses(rows[i], ct, common), (rows[i], e)
    return out, list(feats.columns)


def pandas_refuses(row, ct, common):
    """True when the notebook code raises or makes a non-finite value for this row."""
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = frame([row])
            d = derived(df, common)
            unclipped = (df["amount"] / df["balance"]).fillna(0)   # the clip hides an inf
            if not np.isfinite(d[["amount", "balance"]].fillna(0).to_numpy()).all() or \
                    not np.isfinite(unclipped.to_numpy()).all():
                return True
            f = ct.transform(d)
    except (ValueError, TypeError):
        return True
    num = f.drop(columns=[c for c in f.columns if f[c].dtype == object])
    return not np.isfinite(num.to_numpy(dtype=float)).all()


# ------------------------------------------------------------------------------ writing
def write_csv(path, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RAW_COLUMNS)
    for r in rows:
        w.writerow([r[c] for c in RAW_COLUMNS])
    path.write_text(buf.getvalue(), encoding="utf-8")


def typed_raw(row):
    """The raw row as a JSON record a service or RowData would carry: numbers as numbers,
    booleans as booleans, text as text; a missing cell is a missing key; text that is no
    number/boolean stays text (the row error case)."""
    out = {}
    for c in RAW_COLUMNS:
        t = row[c]
        if t == "":
            continue
        if INPUTS[c] == "number":
            try:
                out[c] = float(t)
            except ValueError:
                out[c] = t
        elif INPUTS[c] == "boolean":
            low = t.lower()
            out[c] = {"true": True, "1": True, "false": False, "0": False}.get(low, t)
        else:
            out[c] = t
    return out


_UPLOAD = mm.upload
PARSE_STATS = {"cells": 0, "inexact": 0, "max_rel": 0.0}


def tolerant_upload(h2o, path, cols, types, rows, name):
    """make_models.upload, but H2O's CSV parser is not correctly rounding for 17-digit decimals
    (it reads 0.38095238095238093 as 0.380952380952381): accept a last-digit difference, and
    count it. Training and the informational server scores see H2O's reading; genmodel, the
    reference, gets the exact doubles."""
    real_check = mm.check_frame
    mm.check_frame = lambda *a: None
    try:
        fr = _UPLOAD(h2o, path, cols, types, rows, name)
    finally:
        mm.check_frame = real_check
    got = fr.as_data_frame(use_pandas=False)
    assert got[0] == cols and len(got) == len(rows) + 1
    for g, r in zip(got[1:], rows):
        g = g + [""] * (len(cols) - len(g))
        for c, gv, v in zip(cols, g, r):
            if types[c] == "enum" or v is None:
                assert (gv == "" and v is None) or gv == v, (c, gv, v)
                continue
            x = mm.parse_h2o_num(gv)
            PARSE_STATS["cells"] += 1
            if x != v:
                PARSE_STATS["inexact"] += 1
                PARSE_STATS["max_rel"] = max(PARSE_STATS["max_rel"], mm.rel(x, v))
    assert PARSE_STATS["max_rel"] < 1e-15, PARSE_STATS
    return fr


def pick_port():
    for port in PORTS:
        with socket.socket() as so:
            if so.connect_ex(("127.0.0.1", port)) != 0:
                return port
    sys.exit(f"ports {PORTS} are both in use")


def train():
    import h2o
    import sklearn

    ap = load_ae4j_pipeline()
    for p in (OUT, BUILD / "state", BUILD / "partial", BUILD / "csv"):
        p.mkdir(parents=True, exist_ok=True)
    raw = raw_rows()
    train_df = frame(raw)
    common = common_merchants(train_df)
    ct = sklearn_transformer()
    feats = ct.fit_transform(derived(train_df, common))
    spec, hand = make_spec(ap, ct, common)
    spec.save(OUT / "pipeline.json")
    model_cols_sk = list(feats.columns)

    rnd = np.random.default_rng(SEED + 1)
    with_gaps = [i for i, r in enumerate(raw) if "" in r.values()]
    complete = [i for i, r in enumerate(raw) if "" not in r.values()]
    picked = sorted(list(rnd.choice(with_gaps, 40, replace=False)) +
                    list(rnd.choice(complete, N_NORMAL - 40, replace=False)))
    rows = [{"kind": "normal", "note": f"training row {i}" + (" (has gaps)" if i in with_gaps else ""),
             "raw": raw[i], "expected_error": None} for i in picked]
    base = raw[complete[0]]
    for note, cells, error in edge_rows(base):
        rows.append({"kind": "edge", "note": note, "raw": cells, "expected_error": error})
    for k, r in enumerate(rows):
        r["id"] = k
    number_errors(rows, spec)
    transformed, cols = transform([r["raw"] for r in rows], ct, common,
                                  [r["expected_error"] for r in rows])
    assert cols == model_cols_sk
    transformed_libm, _ = transform([r["raw"] for r in rows], with_libm(ct), common,
                                    [r["expected_error"] for r in rows])
    for r, t, tl in zip(rows, transformed, transformed_libm):
        r["transformed"] = t
        if tl != t:
            r["transformed_libm"] = tl
        r["input"] = None if t is None else {c: v for c, v in t.items() if v is not None}
    write_csv(OUT / "raw.csv", [r["raw"] for r in rows if r["kind"] == "normal"])
    write_csv(OUT / "raw_edge.csv", [r["raw"] for r in rows if r["kind"] == "edge"])

    types = {c: ("enum" if feats[c].dtype == object else "real") for c in cols}
    train_rows = [[(None if (v is None or (not isinstance(v, str) and math.isnan(v))) else
                    (v if isinstance(v, str) else float(v))) for v in rec]
                  for rec in feats.itertuples(index=False)]
    port = pick_port()
    mm.PORT = port
    h2o.init(ip="127.0.0.1", port=port, max_mem_size="2g", nthreads=2, bind_to_localhost=True,
             strict_version_check=True)
    try:
        assert h2o.cluster().version == mm.H2O_VERSION, h2o.cluster().version
        mm.upload = tolerant_upload       # also for score_on_server's frames
        mm.BUILD = BUILD                  # score_on_server writes its CSVs to BUILD/csv
        fr = mm.upload(h2o, BUILD / "csv" / "train.csv", cols, types, train_rows, f"{NAME}_train")
        model = mm.train_one(NAME, dict(PARAMS), cols, fr)
        print(f"== {NAME}: trained, training MSE {model.mse()}")
        mojo = Path(model.download_mojo(path=str(OUT), get_genmodel_jar=False))
        mojo.rename(OUT / f"{NAME}.zip")
        pojo = Path(model.download_pojo(path=str(OUT), get_genmodel_jar=False))
        if pojo != OUT / f"{NAME}.java":
            pojo.rename(OUT / f"{NAME}.java")
        model_cols, doms = mm.mojo_columns(OUT / f"{NAME}.zip")
        slots = mm.coef_names(model_cols, doms)
        scored = [r for r in rows if r["input"] is not None]
        server = mm.score_on_server(h2o, model, NAME, scored, model_cols, doms, slots)
        actual = model.actual_params
        params = {k: actual[k] for k in mm.RECORDED if k in actual}
        params.update(model_id=NAME, x=cols)
    finally:
        h2o.cluster().shutdown()
    state = {"rows": rows, "server": server, "columns": model_cols, "domains": doms,
             "slot_names": slots, "params": params, "training_mse": model.mse(),
             "hand_written_steps": hand, "common_merchants": common,
             "versions": {"h2o": mm.H2O_VERSION, "scikit-learn": sklearn.__version__,
                          "pandas": pd.__version__, "numpy": np.__version__,
                          "python": sys.version.split()[0]},
             "port": port, "h2o_csv_parse": PARSE_STATS}
    (BUILD / "state" / f"{NAME}.json").write_text(json.dumps(state, indent=1))
    partial = {"name": NAME, "mojo": str(OUT / f"{NAME}.zip"), "pojo_class": NAME,
               "rows": [{"id": r["id"], "kind": r["kind"], "input": r["input"]} for r in scored]}
    (BUILD / "partial" / f"{NAME}.json").write_text(json.dumps(partial, indent=1))


# ------------------------------------------------------------------------------ merging
def merge():
    st = json.loads((BUILD / "state" / f"{NAME}.json").read_text())
    gm = json.loads((BUILD / "genmodel" / f"{NAME}.json").read_text())
    assert gm["columns"] == st["columns"] and gm["domains"] == st["domains"]
    gmrows = {r["id"]: r for r in gm["rows"]}
    problems, worst = [], {"mse": 0.0, "recon": 0.0}
    out_rows = []
    for r in st["rows"]:
        g = srv = None
        if r["input"] is not None:
            # the default Config only: a transformed row has no unknown level or bad number text
            g = {"default": mm.conv_result(gmrows[r["id"]]["genmodel"]["default"])}
            if "error" in g["default"]:
                problems.append(f"row {r['id']}: genmodel refuses the transformed row: {g['default']}")
            srv = st["server"].get(str(r["id"]))
            if srv is None:
                problems.append(f"row {r['id']}: no server score ({r['note']})")
            if srv is not None and "error" not in g["default"]:
                d = g["default"]
                worst["mse"] = max(worst["mse"], mm.rel(mm.dec(d["mse"]), srv["mse"]))
                for x, y in zip(srv["reconstruction"], d["reconstructed"]):
                    worst["recon"] = max(worst["recon"], mm.rel(x, mm.dec(y)))
                srv = {k: ([mm.enc(x) for x in v] if isinstance(v, list) else mm.enc(v))
                       for k, v in srv.items()}
        out_rows.append({"id": r["id"], "kind": r["kind"], "note": r["note"], "raw": r["raw"],
                         "raw_typed": typed_raw(r["raw"]), "expected_error": r["expected_error"],
                         "transformed": r["transformed"],
                         **({"transformed_libm": r["transformed_libm"]} if "transformed_libm" in r else {}),
                         "input": r["input"],
                         "genmodel": g, "server": srv})
    for k, v in worst.items():
        if v > 1e-12:
            problems.append(f"server vs genmodel: max relative {k} difference {v:.3g} > 1e-12")
    spec = json.loads((OUT / "pipeline.json").read_text())
    case = {"name": NAME, "mojo": f"pipeline/{NAME}.zip", "pojo": f"pipeline/{NAME}.java",
            "spec": "pipeline/pipeline.json", "raw_csv": "pipeline/raw.csv",
            "raw_edge_csv": "pipeline/raw_edge.csv", "h2o_version": mm.H2O_VERSION,
            "versions": st["versions"], "params": st["params"],
            "hand_written_steps": st["hand_written_steps"],
            "sklearn_steps": len(spec["steps"]) - st["hand_written_steps"],
            "columns": st["columns"], "domains": st["domains"], "slot_names": st["slot_names"],
            "checks": {"h2o_csv_parse": st["h2o_csv_parse"],
                       "rows_with_transformed_libm": sum("transformed_libm" in r for r in out_rows),
                       "server_vs_genmodel_max_rel_mse": worst["mse"],
                       "server_vs_genmodel_max_rel_reconstruction": worst["recon"],
                       "pojo_check": gm.get("pojo_check")},
            "rows": out_rows}
    (OUT / "cases.json").write_text(mm.dump(case) + "\n", encoding="utf-8")
    back = json.loads((OUT / "cases.json").read_text(encoding="utf-8"))
    assert back["rows"] == json.loads(json.dumps(out_rows)), "cases.json does not round-trip"
    print(f"{NAME}: {len(out_rows)} rows, checks {case['checks']}")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "train":
        train()
    elif cmd == "merge":
        sys.exit(merge())
    else:
        sys.exit(__doc__)
