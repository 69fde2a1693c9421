#!/usr/bin/env python3
"""ae4j on a real local Spark (spark-submit --master local[2]), checked row by row.

For every fixture model (tests/fixtures/models/*.zip, and its POJO .java source):
  1. io.ae4j.spark.AutoEncoderMOJOModel on the case rows read from CSV as strings, and as typed
     columns (doubles; ints for digits), must match the CLI
     (`ae4j predict --per-feature --reconstruction --on-error record`) on every row: MSE,
     per-slot squared errors and reconstruction to 1e-9 relative, and the same error text for a
     row that cannot be scored; also with both "convert to NA" options;
  2. with --sparkling: Sparkling Water's H2OAutoEncoderMOJOModel on the same DataFrames gives the
     same reconstruction and original vectors and the same MSE (where genmodel's is not NaN) to
     1e-9 relative, the same output schema for the shared columns and the same param defaults;
  3. failFast, a Boolean column, the RDD (mapPartitions) example, batch sizes and partitions;
  4. anomaly decisions (issue #12) on the calibrated fixture: anomaly, percentile and the top-2
     explanation of every row equal the CLI's (tests/fixtures/calibration/synth_tanh.cases.expected.csv,
     and `ae4j predict --threshold` for the override); an uncalibrated model gets no decision column;
  5. both transform routes (internal rows, the default; external rows with -Dae4j.spark.route=rows)
     give the same rows and schema, and the internal one is the one used;
  6. ML persistence (write().overwrite().save / load) keeps the model, calibration, uid and params;
  7. deep features (issue #21): deepFeaturesLayer adds <uid>__deepFeatures, equal to the H2O server's
     deepfeatures() (tests/fixtures/deepfeatures) for every model and hidden layer, on both routes;
  8. preprocessing pipelines (issue #22, tests/spark/pipeline_checks.py): raw typed columns of a
     pipeline model score as the plain model scores the transformed rows, on both routes.

Prints one line per failed check and "N passed, M failed"; exits 1 on any failure.
Run by tests/spark/run.sh (which builds the jars and the venvs).
"""
import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "spark", "python"))

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--cli", default=os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "release", "ae4j"))
ap.add_argument("--fixtures", default=os.path.join(ROOT, "tests", "fixtures"))
ap.add_argument("--work", default=os.path.join(ROOT, "build", "spark", "test"))
ap.add_argument("--sparkling", action="store_true", help="also run Sparkling Water side by side")
ap.add_argument("--models", default="", help="comma-separated subset of fixture names")
args = ap.parse_args()

# column names are case-sensitive, as in genmodel (the cases hold a wrong-case key)
spark = (SparkSession.builder.appName("ae4j spark conformance")
         .config("spark.sql.caseSensitive", "true").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
jvm = spark.sparkContext._jvm
from ae4j_spark import AutoEncoderMOJOModel  # noqa: E402

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, flush=True)
    return ok


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def all_close(xs, ys):
    if xs is None or ys is None:
        return xs is None and ys is None
    return len(xs) == len(ys) and all(close(float(x), float(y)) for x, y in zip(xs, ys))


def plain(v):
    """A case-file value as a CSV/DataFrame value, or a marker for Java-typed values."""
    if v is None or isinstance(v, (str, float)):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    raise ValueError("typed")


# ----------------------------------------------------------------------------------- data
def case_rows(case):
    """(id, {col: value}) for every case row whose values are strings, doubles or null."""
    out = []
    for r in case["rows"]:
        try:
            out.append((r["id"], r["kind"], {k: plain(v) for k, v in r["input"].items()}))
        except ValueError:
            pass
    return out


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id"] + header)
        for rid, _, vals in rows:
            cells = [str(rid)]
            for h in header:
                v = vals.get(h)
                cells.append("" if v is None else (repr(v) if isinstance(v, float) else v))
            w.writerow(cells)


def run_cli(model, csv_path, out_path, convert):
    cmd = [args.cli, "predict", "-m", model, "-i", csv_path, "-o", out_path, "--per-feature",
           "--reconstruction", "--on-error", "record", "--keep", "id", "-q"]
    if convert:
        cmd += ["--convert-unknown-categoricals-to-na", "--convert-invalid-numbers-to-na"]
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    res = {}
    with open(out_path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        head = next(rd)
        se_idx = [i for i, h in enumerate(head) if h.endswith(".SE")]
        rec_idx = [i for i, h in enumerate(head) if h.startswith("reconstr_") and not h.endswith(".SE")]
        mse_idx = head.index("Reconstruction.MSE")
        err_idx = head.index("error") if "error" in head else None
        for row in rd:
            num = lambda i: None if row[i] == "" else float(row[i])  # noqa: E731
            err = row[err_idx] if err_idx is not None and row[err_idx] != "" else None
            res[int(row[0])] = {
                "mse": num(mse_idx),
                "se": None if err else [num(i) for i in se_idx],
                "rec": None if err else [num(i) for i in rec_idx],
                "error": err,
            }
    return res


def collect_ae4j(model, df):
    out = model.transform(df)
    cols = [model.getOutputCol(), model.getMSECol(), model.getSquaredErrorsCol(), model.getErrorCol()]
    res = {}
    for r in out.select("id", *["`%s`" % c for c in cols]).collect():
        vec = lambda v: None if v is None else v.toArray().tolist()  # noqa: E731
        res[int(r[0])] = {"rec": vec(r[1]), "mse": r[2], "se": vec(r[3]), "error": r[4]}
    return res, out


def set_route(route):
    """Forces the public-API route (external rows) with "rows"; None: the default (internal rows)."""
    if route is None:
        jvm.java.lang.System.clearProperty("ae4j.spark.route")
    else:
        jvm.java.lang.System.setProperty("ae4j.spark.route", route)


def plan_of(df):
    return df._jdf.queryExecution().analyzed().toString()


def compare_to_cli(label, got, want):
    ok = check(set(got) == set(want), f"{label}: row ids differ ({len(got)} vs {len(want)})")
    if not ok:
        return
    bad = []
    for rid, w in sorted(want.items()):
        g = got[rid]
        if w["error"] or g["error"]:
            if g["error"] != w["error"] or g["mse"] is not None or g["rec"] is not None:
                bad.append(f"row {rid}: error {g['error']!r} vs CLI {w['error']!r}")
            continue
        if not close(g["mse"], w["mse"]):
            bad.append(f"row {rid}: mse {g['mse']!r} vs CLI {w['mse']!r}")
        if not all_close(g["se"], w["se"]):
            bad.append(f"row {rid}: squared errors differ")
        if not all_close(g["rec"], w["rec"]):
            bad.append(f"row {rid}: reconstruction differs")
    check(not bad, f"{label}: {len(bad)} rows differ from the CLI: " + "; ".join(bad[:5]))
    return want


def string_df(csv_path, header):
    schema = T.StructType([T.StructField("id", T.StringType())] +
                          [T.StructField(h, T.StringType()) for h in header])
    df = (spark.read.option("header", True).option("multiLine", True).option("nullValue", "")
          .option("encoding", "UTF-8").schema(schema).csv(csv_path))
    # the CLI reads "", "NA", "N/A" and "-" as missing (H2O's CSV convention): so does this DataFrame
    from pyspark.sql import functions as F
    df = df.select(df["id"].cast("long").alias("id"),
                   *[F.when(F.col("`%s`" % h).isin("NA", "N/A", "-"), None).otherwise(F.col("`%s`" % h)).alias(h)
                     for h in header])
    return df


def typed_df(case, rows, header, int_numerics=False):
    """Normal rows, typed: categoricals as strings, numerics as doubles (or longs/ints)."""
    cats = {c for c, d in zip(case["columns"], case["domains"]) if d is not None}
    fields = [T.StructField("id", T.LongType())]
    for h in header:
        if h in cats:
            t = T.StringType()
        elif int_numerics:
            t = T.IntegerType() if len(fields) % 2 else T.LongType()
        else:
            t = T.DoubleType()
        fields.append(T.StructField(h, t))
    data = []
    for rid, kind, vals in rows:
        if kind != "normal":
            continue
        rec = [rid]
        for f in fields[1:]:
            v = vals.get(f.name)
            if isinstance(f.dataType, (T.IntegerType, T.LongType)) and v is not None:
                v = int(v)
            rec.append(v)
        data.append(rec)
    return spark.createDataFrame(data, T.StructType(fields))


# ------------------------------------------------------------------------ Sparkling Water
def sparkling(path, convert=False):
    from pysparkling.ml import H2OMOJOModel, H2OMOJOSettings
    settings = H2OMOJOSettings(convertUnknownCategoricalLevelsToNa=convert, convertInvalidNumbersToNa=convert)
    return H2OMOJOModel.createFromMojo("file://" + os.path.abspath(path), settings)


def sw_side_by_side(name, path, df, cli, convert):
    sw = sparkling(path, convert)
    ae = AutoEncoderMOJOModel.createFromMojo(path)
    label = f"{name} vs Sparkling Water{' (convert to NA)' if convert else ''}"
    if not convert:
        # the same defaults and naming
        for m, who in ((sw, "SW"), (ae, "ae4j")):
            uid = m.uid if isinstance(m.uid, str) else m.uid()
            check(re.fullmatch(re.escape(os.path.basename(path)) + r"_[0-9a-f]{12}", uid) is not None,
                  f"{label}: {who} uid {uid!r}")
            check(m.getOutputCol() == uid + "__output" and m.getOriginalCol() == uid + "__original"
                  and m.getMSECol() == uid + "__mse", f"{label}: {who} default column names")
            check(m.getWithOriginalCol() is False and m.getWithMSECol() is False, f"{label}: {who} withXCol defaults")
            check(m.getConvertUnknownCategoricalLevelsToNa() is False and m.getConvertInvalidNumbersToNa() is False,
                  f"{label}: {who} convert defaults")
        check(list(sw.getInputCols()) == list(ae.getInputCols()), f"{label}: inputCols")
        # default output schema: only the output column is shared by default
        s_sw = sw.transform(df).schema
        s_ae = ae.transform(df).schema
        n = len(df.schema.fields)
        check([f.jsonValue() for f in s_sw.fields[n:]] == [dict(f.jsonValue(), name=sw.getOutputCol())
                                                           for f in s_ae.fields[n:n + 1]],
              f"{label}: default schema {s_sw.simpleString()[-120:]} vs {s_ae.simpleString()[-160:]}")
    for m in (sw, ae):
        m.setOutputCol("out").setOriginalCol("orig").setMSECol("mse").setWithOriginalCol(True).setWithMSECol(True)
    if convert:
        ae.setConvertUnknownCategoricalLevelsToNa(True).setConvertInvalidNumbersToNa(True)
    o_sw = sw.transform(df)
    o_ae = ae.transform(df)
    n = len(df.schema.fields)
    check([f.jsonValue() for f in o_sw.schema.fields] == [f.jsonValue() for f in o_ae.schema.fields[:n + 3]],
          f"{label}: schema of the shared columns: {o_sw.schema.simpleString()[-150:]} vs {o_ae.schema.simpleString()[-200:]}")
    a = {int(r["id"]): r for r in o_ae.select("id", "out", "orig", "mse").collect()}
    s = {int(r["id"]): r for r in o_sw.select("id", "out", "orig", "mse").collect()}
    check(set(a) == set(s), f"{label}: row ids")
    bad = []
    nan_mse = 0
    for rid in sorted(s):
        rs, ra = s[rid], a[rid]
        if not all_close(rs["out"].toArray(), ra["out"].toArray()):
            bad.append(f"row {rid}: reconstruction")
        if not all_close(rs["orig"].toArray(), ra["orig"].toArray()):
            bad.append(f"row {rid}: original")
        if math.isnan(rs["mse"]):
            # genmodel's NaN for a missing numeric: ae4j gives H2O's finite MSE (the CLI's); an
            # infinite input gives NaN in both
            nan_mse += ra["mse"] is not None and math.isfinite(ra["mse"])
            if not close(ra["mse"], cli[rid]["mse"]):
                bad.append(f"row {rid}: mse {ra['mse']} where genmodel's is NaN (CLI {cli[rid]['mse']})")
        elif not close(rs["mse"], ra["mse"]):
            bad.append(f"row {rid}: mse {ra['mse']!r} vs SW {rs['mse']!r}")
    check(not bad, f"{label}: {len(bad)} differences: " + "; ".join(bad[:5]))
    check(len(s) > 0, f"{label}: no rows compared")
    return len(s), nan_mse


# ----------------------------------------------------------------------------------- main
os.makedirs(args.work, exist_ok=True)
names = sorted(f[:-5] for f in os.listdir(os.path.join(args.fixtures, "cases")) if f.endswith(".json"))
if args.models:
    names = [n for n in names if n in args.models.split(",")]
check(len(names) >= 7 or bool(args.models), f"fixture models found: {names}")
print(f"Spark {spark.version}, {spark.sparkContext.master}, models: {', '.join(names)}", flush=True)

import time  # noqa: E402
for name in names:
    t0 = time.time()
    case = json.load(open(os.path.join(args.fixtures, "cases", name + ".json"), encoding="utf-8"))
    mojo = os.path.join(args.fixtures, "models", name + ".zip")
    pojo = os.path.join(args.fixtures, "models", name + ".java")
    rows = case_rows(case)
    header = list(case["columns"])
    for _, _, vals in rows:
        header += [k for k in vals if k not in header and k != "id"]
    csv_path = os.path.join(args.work, name + ".csv")
    write_csv(csv_path, header, rows)
    cli = run_cli(mojo, csv_path, os.path.join(args.work, name + ".cli.csv"), False)
    cli_na = run_cli(mojo, csv_path, os.path.join(args.work, name + ".cli-na.csv"), True)
    n_err = sum(1 for v in cli.values() if v["error"])
    sdf = string_df(csv_path, header).cache()
    check(sdf.count() == len(rows), f"{name}: CSV read back {sdf.count()} rows, wrote {len(rows)}")

    # 1. ae4j vs the CLI: strings, several partitions and a small batch, then the defaults
    m = AutoEncoderMOJOModel.createFromMojo(mojo).setWithMSECol(True).setWithSquaredErrorsCol(True)
    got, _ = collect_ae4j(m.setBatchSize(7), sdf.repartition(3))
    compare_to_cli(f"{name} (strings, 3 partitions, batch 7)", got, cli)
    got, out = collect_ae4j(m.setBatchSize(1024), sdf)
    compare_to_cli(f"{name} (strings)", got, cli)
    check("LogicalRDD" in plan_of(out), f"{name}: not the internal-row route: {plan_of(out)[:300]}")
    # the public-API route (external rows): the same rows and schema
    set_route("rows")
    try:
        got, out_rows = collect_ae4j(m, sdf.repartition(2))
        check("LogicalRDD" not in plan_of(out_rows), f"{name}: the rows route was not taken")
        check(out_rows.schema == out.schema, f"{name}: schemas of the two routes differ")
        compare_to_cli(f"{name} (strings, external-row route)", got, cli)
    finally:
        set_route(None)
    mna = (AutoEncoderMOJOModel.createFromMojo(mojo).setWithMSECol(True).setWithSquaredErrorsCol(True)
           .setConvertUnknownCategoricalLevelsToNa(True).setConvertInvalidNumbersToNa(True))
    got, _ = collect_ae4j(mna, sdf)
    compare_to_cli(f"{name} (strings, convert to NA)", got, cli_na)
    check(all(v["error"] is None for v in cli_na.values()), f"{name}: CLI errors left with convert to NA")
    # the POJO source: the same numbers
    mp = AutoEncoderMOJOModel.createFromMojo(pojo).setWithMSECol(True).setWithSquaredErrorsCol(True)
    got, _ = collect_ae4j(mp, sdf)
    compare_to_cli(f"{name} (POJO source)", got, cli)
    # typed columns
    tdf = typed_df(case, rows, header)
    got, _ = collect_ae4j(m, tdf)
    compare_to_cli(f"{name} (typed doubles)", got, {k: v for k, v in cli.items() if k in got})
    check(len(got) >= 40, f"{name}: typed rows {len(got)}")
    if name.startswith("digits"):
        got, _ = collect_ae4j(m, typed_df(case, rows, header, int_numerics=True))
        compare_to_cli(f"{name} (typed ints and longs)", got, {k: v for k, v in cli.items() if k in got})
    # 2. Sparkling Water side by side
    if args.sparkling:
        good_ids = [k for k, v in cli.items() if v["error"] is None]
        n_sw, nan_sw = sw_side_by_side(name, mojo, sdf.where(sdf["id"].isin(good_ids)), cli, False)
        sw_side_by_side(name, mojo, sdf, cli_na, True)
        n_t, _ = sw_side_by_side(name, mojo, tdf, cli, False)
        print(f"{name}: {len(rows)} rows ({n_err} unscorable) checked against the CLI; Sparkling Water: {n_sw} string rows"
              f" ({nan_sw} where genmodel's MSE is NaN and ae4j's is H2O's finite one) + {n_t} typed rows + {len(rows)} with convert-to-NA checked", flush=True)
    else:
        print(f"{name}: {len(rows)} rows ({n_err} unscorable) checked against the CLI", flush=True)
    print(f"  ({time.time() - t0:.1f} s)", flush=True)
    sdf.unpersist()

# 3. failFast, Boolean, the RDD example
mojo = os.path.join(args.fixtures, "models", "synth_tanh.zip")
sch = "id long, channel string, age double, country string, income double, device string, score double, visits double, ratio double"
bad = spark.createDataFrame([(1, "store", 19.0, "DE", 60.63, "tv", 0.7, 3.0, 0.1),
                             (2, "store", 19.0, "XX", 60.63, "tv", 0.7, 3.0, 0.1)], sch)
try:
    AutoEncoderMOJOModel.createFromMojo(mojo).setFailFast(True).transform(bad).collect()
    check(False, "failFast: a bad row did not fail the job")
except Exception as e:  # py4j error carrying the executor's exception
    msg = str(e)
    check("RowScoringException" in msg and "Unknown categorical level (country,XX)" in msg,
          "failFast: the job fails with the row's genmodel error: " + msg[:300])
ff = AutoEncoderMOJOModel.createFromMojo(mojo).setFailFast(True)
check(ff.getErrorCol() not in ff.transform(bad.where("id = 1")).columns, "failFast: no error column")
booldf = spark.createDataFrame([(1, "store", True, "DE")], "id long, channel string, age boolean, country string")
r = AutoEncoderMOJOModel.createFromMojo(mojo).setErrorCol("err").transform(booldf).collect()[0]
check(r["err"] == "column 'age': PredictUnknownTypeException: Unexpected object type java.lang.Boolean for numeric column age",
      f"Boolean in a numeric column: {r['err']!r}")
r = AutoEncoderMOJOModel.createFromMojo(mojo).setErrorCol("err").transform(
    spark.createDataFrame([(1, 2.0)], "id long, channel double")).collect()[0]
check(r["err"] == "column 'channel': PredictUnknownTypeException: Unexpected object type java.lang.Double for categorical column channel",
      f"Double in a categorical column: {r['err']!r}")
try:
    AutoEncoderMOJOModel.createFromMojo(mojo).setOutputCol("age").transform(bad)
    check(False, "an output column clashing with an input column is accepted")
except Exception as e:
    check("already in the input" in str(e), "output column clash: " + str(e)[:200])

for name in ("breast_cancer_tanhdropout", "digits_wide_tanh"):
    if args.models and name not in args.models.split(","):
        continue
    # the example splits lines on commas: the normal rows (plain numbers) only
    case = json.load(open(os.path.join(args.fixtures, "cases", name + ".json"), encoding="utf-8"))
    rows = [r for r in case_rows(case) if r[1] == "normal"]
    csv_path = os.path.join(args.work, name + ".normal.csv")
    write_csv(csv_path, list(case["columns"]), rows)
    cli = run_cli(os.path.join(args.fixtures, "models", name + ".zip"), csv_path,
                  os.path.join(args.work, name + ".normal.cli.csv"), False)
    lines = list(jvm.io.ae4j.spark.examples.RddScoring.score(
        spark.sparkContext._jsc, os.path.join(args.fixtures, "models", name + ".zip"), csv_path))
    bad_rows = []
    for line in lines:
        rid, mse, *err = line.split(",", 2)
        w = cli[int(rid)]
        if w["error"]:
            if not err or w["error"].split(": ", 1)[1] != err[0]:
                bad_rows.append(line)
        elif not close(float(mse), w["mse"]):
            bad_rows.append(line)
    check(len(lines) == len(cli) == 40 and not bad_rows, f"RDD example on {name}: {len(lines)} rows, {bad_rows[:3]}")

# 4. anomaly decisions (issue #12) on the calibrated fixture, against the CLI
cal_dir = os.path.join(args.fixtures, "calibration")
calibrated = os.path.join(cal_dir, "synth_tanh.calibrated.zip")
cases_csv = os.path.join(args.work, "synth_tanh.cases.csv")
with open(cases_csv, "w", encoding="utf-8") as f:
    subprocess.run([sys.executable, os.path.join(cal_dir, "make_cases_csv.py")], check=True, stdout=f)


def read_decisions(path):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        for r in rd:
            if r.get("error"):
                continue
            expl = []
            for k in (1, 2):
                if r.get(f"top_{k}_column"):
                    expl.append((r[f"top_{k}_column"], float(r[f"top_{k}_share"])))
            out[int(r["id"])] = {"mse": float(r["Reconstruction.MSE"]), "anomaly": {"true": True, "false": False}[r["anomaly"]],
                                 "percentile": float(r["percentile"]) if r["percentile"] != "" else None, "explanation": expl}
    return out


def q(c):
    return "`%s`" % c


def near(a, b):
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def compare_decisions(label, model, df, want):
    out = model.transform(df)
    rows = out.select("id", *[q(c) for c in (model.getMSECol(), model.getAnomalyCol(), model.getPercentileCol(),
                                             model.getExplanationCol(), model.getErrorCol())]).collect()
    got = {int(r[0]): r for r in rows if r[5] is None}
    check(set(got) == set(want), f"{label}: scored ids differ: {sorted(set(got) ^ set(want))[:10]}")
    bad = []
    for rid, w in sorted(want.items()):
        g = got.get(rid)
        if g is None:
            continue
        expl = [(e["column"], e["share"]) for e in g[4]]
        # the decision and the columns exactly; the numbers to 1e-12 relative (the core's kernels may
        # move a sum by an ulp between builds; the CLI file is a committed fixture)
        if not (near(g[1], w["mse"]) and g[2] == w["anomaly"] and near(g[3], w["percentile"])
                and [c for c, _ in expl] == [c for c, _ in w["explanation"]]
                and all(near(x, y) for (_, x), (_, y) in zip(expl, w["explanation"]))):
            bad.append(f"row {rid}: {g[1]!r} {g[2]} {g[3]!r} {expl} vs CLI {w}")
    check(not bad, f"{label}: {len(bad)} rows differ from the CLI: " + "; ".join(bad[:3]))
    check(sum(w["anomaly"] for w in want.values()) >= 5, f"{label}: too few anomalies in the fixture")
    return out


want = read_decisions(os.path.join(cal_dir, "synth_tanh.cases.expected.csv"))
check(len(want) >= 60, f"calibrated fixture rows: {len(want)}")
cal_header = next(csv.reader(open(cases_csv, encoding="utf-8")))[1:]
cdf = string_df(cases_csv, cal_header).cache()


def calibrated_model():
    return (AutoEncoderMOJOModel.createFromMojo(calibrated).setWithMSECol(True).setExplain(2)
            .setConvertUnknownCategoricalLevelsToNa(True).setConvertInvalidNumbersToNa(True))


cm = calibrated_model()
check(cm.getCalibration() is not None and math.isnan(cm.getThreshold()), "calibrated model: calibration loaded, no run-time threshold")
uid = cm.uid
check((cm.getAnomalyCol(), cm.getPercentileCol(), cm.getExplanationCol()) == (uid + "__anomaly", uid + "__percentile", uid + "__explanation"),
      "decision column default names")
out = compare_decisions("calibrated synth_tanh (batch 1024)", cm, cdf, want)
check(out.schema[cm.getAnomalyCol()].dataType == T.BooleanType() and out.schema[cm.getPercentileCol()].dataType == T.DoubleType()
      and out.schema[cm.getExplanationCol()].dataType == T.ArrayType(T.StructType([T.StructField("column", T.StringType(), False),
                                                                                    T.StructField("share", T.DoubleType(), False)]), False),
      f"decision column types: {out.schema.simpleString()[-200:]}")
names = out.columns
check(names[-5:] == [cm.getMSECol(), cm.getAnomalyCol(), cm.getPercentileCol(), cm.getExplanationCol(), cm.getErrorCol()],
      f"decision column order: {names[-6:]}")
compare_decisions("calibrated synth_tanh (3 partitions, batch 5)", calibrated_model().setBatchSize(5), cdf.repartition(3), want)
set_route("rows")
try:
    compare_decisions("calibrated synth_tanh (external-row route)", calibrated_model(), cdf, want)
finally:
    set_route(None)
# the POJO with its sidecar calibration: the same decisions
pojo_dir = os.path.join(args.work, "calibrated_pojo")
os.makedirs(pojo_dir, exist_ok=True)
import shutil  # noqa: E402
import zipfile  # noqa: E402
pojo_copy = os.path.join(pojo_dir, "synth_tanh.java")
shutil.copy(os.path.join(args.fixtures, "models", "synth_tanh.java"), pojo_copy)
with zipfile.ZipFile(calibrated) as z, open(pojo_copy + ".ae4j-calibration.json", "wb") as f:
    f.write(z.read("ae4j/calibration.json"))
compare_decisions("calibrated synth_tanh POJO + sidecar", (AutoEncoderMOJOModel.createFromMojo(pojo_copy).setWithMSECol(True)
                  .setExplain(2).setConvertUnknownCategoricalLevelsToNa(True).setConvertInvalidNumbersToNa(True)), cdf, want)
# the threshold override, against the CLI's --threshold
t = sorted(w["mse"] for w in want.values())[len(want) // 2]
cli_t = os.path.join(args.work, "synth_tanh.cases.threshold.csv")
subprocess.run([args.cli, "predict", "--model", calibrated, "--input", cases_csv, "--keep", "id", "--explain", "2",
                "--threshold", repr(t), "--convert-unknown-categoricals-to-na", "--convert-invalid-numbers-to-na",
                "--on-error", "record", "--output", cli_t, "-q"], check=True, stderr=subprocess.DEVNULL)
want_t = read_decisions(cli_t)
check(set(want_t) == set(want) and all(w["anomaly"] == (w["mse"] > t) for w in want_t.values())
      and sum(w["anomaly"] for w in want_t.values()) != sum(w["anomaly"] for w in want.values()),
      "CLI --threshold: the override changes the decisions")
ct = calibrated_model().setThreshold(t)
check(ct.getThreshold() == t, "getThreshold")
compare_decisions(f"calibrated synth_tanh, threshold {t}", ct, cdf, want_t)
check(math.isnan(ct.setThreshold(float("nan")).getThreshold()), "setThreshold(NaN) clears the threshold")
# an uncalibrated model: no decision column unless asked for (threshold: anomaly; explain: explanation)
plain_model = os.path.join(args.fixtures, "models", "synth_tanh.zip")
um = AutoEncoderMOJOModel.createFromMojo(plain_model).setWithMSECol(True).setConvertUnknownCategoricalLevelsToNa(True).setConvertInvalidNumbersToNa(True)
check(um.getCalibration() is None, "uncalibrated model: no calibration")
n_in = len(cdf.columns)
check(um.transform(cdf).columns[n_in:] == [um.getOutputCol(), um.getMSECol(), um.getErrorCol()],
      f"uncalibrated: no decision columns: {um.transform(cdf).columns[n_in:]}")
ut = um.setThreshold(t).transform(cdf)
check(ut.columns[n_in:] == [um.getOutputCol(), um.getMSECol(), um.getAnomalyCol(), um.getErrorCol()],
      f"uncalibrated + threshold: anomaly only: {ut.columns[n_in:]}")
rows_t = ut.select("id", q(um.getMSECol()), q(um.getAnomalyCol())).collect()
check(all(r[2] == want_t[int(r[0])]["anomaly"] for r in rows_t if int(r[0]) in want_t) and len(rows_t) > 0,
      "uncalibrated + threshold: the CLI's decisions")
ue = um.setThreshold(float("nan")).setExplain(2).transform(cdf)
check(ue.columns[n_in:] == [um.getOutputCol(), um.getMSECol(), um.getExplanationCol(), um.getErrorCol()],
      f"uncalibrated + explain: explanation only: {ue.columns[n_in:]}")
rows_e = {int(r[0]): [(e["column"], e["share"]) for e in r[1]] for r in ue.select("id", q(um.getExplanationCol())).collect()
          if r[1] is not None}
check(all([c for c, _ in rows_e[i]] == [c for c, _ in w["explanation"]]
          and all(near(x, y) for (_, x), (_, y) in zip(rows_e[i], w["explanation"])) for i, w in want.items() if i in rows_e)
      and len(rows_e) >= len(want),
      "uncalibrated + explain: the CLI's explanation")
# 6. ML persistence: write().overwrite().save(path) / load(path) keep the model, its calibration,
# the uid and the params set
persist = os.path.join(args.work, "persisted")
pm = calibrated_model().setThreshold(t).setAnomalyCol("flag").setBatchSize(3)
pm.write().overwrite().save(persist)
pm.write().overwrite().save(persist)  # overwrite an existing save
lm = AutoEncoderMOJOModel.load(persist)
check(lm.uid == pm.uid and lm.getThreshold() == t and lm.getExplain() == 2 and lm.getAnomalyCol() == "flag"
      and lm.getBatchSize() == 3 and lm.getWithMSECol() and lm.getConvertInvalidNumbersToNa()
      and lm.getCalibration() is not None and not lm.getWithOriginalCol(),
      f"persistence: params after load: {lm.uid} {lm.getThreshold()} {lm.getExplain()} {lm.getAnomalyCol()}")
compare_decisions("persisted and loaded calibrated synth_tanh (threshold)", lm, cdf, want_t)
try:
    pm.write().save(persist)
    check(False, "persistence: save over an existing path without overwrite is accepted")
except Exception as e:  # py4j error carrying Spark's MLWriter IOException
    msg = str(e)
    check("already exists" in msg and "overwrite" in msg,
          "persistence: save over an existing path fails with Spark's 'already exists' error: " + msg[:300])
check(AutoEncoderMOJOModel.load(persist).uid == pm.uid, "persistence: a refused save leaves the saved model loadable")
sidecar_persist = os.path.join(args.work, "persisted_pojo")
AutoEncoderMOJOModel.createFromMojo(pojo_copy).setWithMSECol(True).setExplain(2).setConvertUnknownCategoricalLevelsToNa(True) \
    .setConvertInvalidNumbersToNa(True).write().overwrite().save(sidecar_persist)
compare_decisions("persisted POJO + sidecar", AutoEncoderMOJOModel.load(sidecar_persist), cdf, want)
plain_persist = os.path.join(args.work, "persisted_plain")
AutoEncoderMOJOModel.createFromMojo(plain_model).write().overwrite().save(plain_persist)
lp = AutoEncoderMOJOModel.load(plain_persist)
check(lp.getCalibration() is None and lp.transform(cdf).columns[n_in:] == [lp.getOutputCol(), lp.getErrorCol()],
      "persistence: an uncalibrated model stays without decision columns")
cdf.unpersist()
print(f"anomaly decisions: {len(want)} calibrated rows checked against the CLI; persistence checked", flush=True)

# 7. Deep features (issue #21): deepFeaturesLayer L adds the vector column <uid>__deepFeatures, equal
# to the H2O server's model.deepfeatures(frame, L) (tests/fixtures/deepfeatures) on every case row
# it scored, for every model and hidden layer, on both transform routes
deep_values = 0
for name in sorted(n[:-5] for n in os.listdir(os.path.join(args.fixtures, "cases")) if n.endswith(".json")):
    if args.models and name not in args.models.split(","):
        continue
    with open(os.path.join(args.fixtures, "cases", name + ".json"), encoding="utf-8") as f:
        case = json.load(f)
    with open(os.path.join(args.fixtures, "deepfeatures", name + ".json"), encoding="utf-8") as f:
        deep = json.load(f)
    h2o = {r["id"]: r["deep_features"] for r in deep["rows"] if r["deep_features"] is not None}
    rows = [r for r in case_rows(case) if r[0] in h2o]
    header = case["columns"]
    path = os.path.join(args.work, name + ".deep.csv")
    write_csv(path, header, rows)
    df = string_df(path, header).cache()
    model_path = os.path.join(args.fixtures, "models", name + ".zip")
    for layer in range(len(deep["hidden_layers"])):
        for route in (None, "rows"):
            set_route(route)
            m = (AutoEncoderMOJOModel.createFromMojo(model_path).setDeepFeaturesLayer(layer)
                 .setConvertUnknownCategoricalLevelsToNa(True).setConvertInvalidNumbersToNa(True))
            out = m.transform(df)
            check(out.columns[len(df.columns):] == [m.getOutputCol(), m.getDeepFeaturesCol(), m.getErrorCol()]
                  and m.getDeepFeaturesCol() == m.uid + "__deepFeatures",
                  f"{name} layer {layer}: deep features column: {out.columns[len(df.columns):]}")
            got = {int(r[0]): r[1].toArray().tolist() for r in out.select("id", q(m.getDeepFeaturesCol())).collect()
                   if r[1] is not None}
            bad = [rid for rid, *_ in rows
                   if rid not in got or not all_close(got[rid], [float(x) if isinstance(x, str) else x
                                                                  for x in h2o[rid][layer]])]
            check(not bad and len(got) == len(rows),
                  f"{name} layer {layer} route {route or 'internal'}: {len(bad)} of {len(rows)} rows differ from H2O: {bad[:5]}")
            deep_values += sum(len(v) for v in got.values())
    set_route(None)
    df.unpersist()
# a layer the model lacks is refused when set, naming the valid range; the param persists
dm = AutoEncoderMOJOModel.createFromMojo(os.path.join(args.fixtures, "models", "synth_tanh.zip"))
for bad_layer in (3, -2):
    try:
        dm.setDeepFeaturesLayer(bad_layer)
        check(False, f"deepFeaturesLayer {bad_layer} accepted")
    except Exception as e:  # py4j error carrying the IllegalArgumentException
        check("must be between 0 and 2" in str(e), f"deepFeaturesLayer {bad_layer}: " + str(e)[:200])
deep_persist = os.path.join(args.work, "persisted_deep")
dm.setDeepFeaturesLayer(1).setDeepFeaturesCol("embedding").write().overwrite().save(deep_persist)
dl = AutoEncoderMOJOModel.load(deep_persist)
check(dl.getDeepFeaturesLayer() == 1 and dl.getDeepFeaturesCol() == "embedding",
      "persistence: deepFeaturesLayer and deepFeaturesCol")
print(f"deep features: {deep_values} values checked against H2O's deepfeatures()", flush=True)

# 8. Preprocessing pipelines (issue #22)
sys.path.insert(0, HERE)
import pipeline_checks  # noqa: E402
pipeline_checks.run(spark, AutoEncoderMOJOModel, check, set_route, ROOT, args.fixtures, os.path.join(args.work, "pipeline"))

print(f"{passed} passed, {failed} failed")
spark.stop()
sys.exit(1 if failed else 0)
