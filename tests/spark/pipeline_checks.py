"""Preprocessing pipelines (issue #22) on Spark, for spark_conformance.py (section 8).

A model with a pipeline takes the DataFrame's raw columns (typed: string, double, decimal,
integer, timestamp, boolean); its scores must equal the plain model's scores of the rows
transformed here in Python with the same IEEE arithmetic (bit for bit), on both transform routes,
with the pipeline's row errors in the error column; the sidecar travels through persistence.
With the fixture (tests/fixtures/pipeline/), its raw rows must score as genmodel scored the
pandas + scikit-learn transformed rows (1e-9 relative).
"""
import math
import os
import shutil
from datetime import datetime, timezone
from decimal import Decimal

from pyspark.sql import types as T

SPEC = os.path.join("java", "src", "test", "resources", "io", "ae4j", "synth_tanh.pipeline.json")

SCHEMA = T.StructType([
    T.StructField("id", T.IntegerType()),
    T.StructField("country_raw", T.StringType()),
    T.StructField("device", T.StringType()),
    T.StructField("channel", T.StringType()),
    T.StructField("age_days", T.DoubleType()),
    T.StructField("income_k", T.DecimalType(10, 3)),
    T.StructField("score", T.DoubleType()),
    T.StructField("visits", T.IntegerType()),
    T.StructField("ratio_sq", T.DoubleType()),
    T.StructField("seen", T.TimestampType()),
    T.StructField("vip", T.BooleanType()),
])


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


RAW = [
    (0, " DE ", "device.mobile", "web", 12000.0, Decimal("52.5"), 0.25, 3, 0.04, utc(2024, 3, 5, 14, 30), True),
    (1, "us", "tablet", "store", 9131.25, Decimal("61.125"), None, 25, 0.25, utc(2024, 3, 5, 5, 0), False),
    (2, "Jp", None, "phone", None, None, None, -3, None, None, False),
    (3, None, "tv", None, 20000.0, Decimal("33"), 0.75, 7, 2.25, utc(2023, 12, 31, 23, 59, 59), None),
    (4, "fr", "device.desktop", "web", 14610.0, Decimal("40"), None, 0, 0.0, utc(2024, 1, 1, 0, 0, 0, 250000), True),
]
BAD = [
    (5, "de", "tv", "web", 1.0, Decimal("1"), 0.5, 1, -4.0, None, True),      # sqrt(-4): step 7
    (6, "Mars", "tv", "web", 1.0, Decimal("1"), 0.5, 1, 1.0, None, True),     # mapped to ZZ: no level
]


def transformed(r):
    """The spec's steps in Python (the plain model's input)."""
    _, country, device, channel, age_days, income_k, score, visits, ratio_sq, seen, vip = r
    if country is not None:
        key = country.strip().lower()
        country = key.upper() if key in ("br", "de", "fr", "jp", "us") else "ZZ"
    if score is None and seen is not None:
        score = seen.astimezone(timezone.utc).hour / 24
    if score is None:
        score = 0.5
    v = None
    if visits is not None and vip is not None:
        v = float(min(max(visits, 0), 20))
        v = v + 1 if vip else v
    return (r[0], country, device, channel,
            None if age_days is None else age_days / 365.25,
            None if income_k is None else float(income_k) * 1000,
            score,
            None if ratio_sq is None else math.sqrt(ratio_sq),
            v)


PLAIN_SCHEMA = T.StructType([T.StructField(n, t) for n, t in [
    ("id", T.IntegerType()), ("country", T.StringType()), ("device", T.StringType()), ("channel", T.StringType()),
    ("age", T.DoubleType()), ("income", T.DoubleType()), ("score", T.DoubleType()), ("ratio", T.DoubleType()),
    ("visits", T.DoubleType())]])


def same(xs, ys):
    """Equal lists of doubles, bit for bit (NaN equals NaN)."""
    return len(xs) == len(ys) and all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(xs, ys))


def scores(model, df):
    out = model.transform(df)
    return {int(r[0]): (r[1], None if r[2] is None else r[2].toArray().tolist(),
                        None if r[3] is None else r[3].toArray().tolist(), r[4])
            for r in out.select("id", "`" + model.getMSECol() + "`", "`" + model.getOutputCol() + "`",
                                "`" + model.getOriginalCol() + "`", "`" + model.getErrorCol() + "`").collect()}


def run(spark, AutoEncoderMOJOModel, check, set_route, root, fixtures, work):
    plain_path = os.path.join(fixtures, "models", "synth_tanh.zip")
    os.makedirs(work, exist_ok=True)
    piped_path = os.path.join(work, "synth_tanh.zip")
    shutil.copy(plain_path, piped_path)
    shutil.copy(os.path.join(root, SPEC), piped_path + ".ae4j-pipeline.json")
    raw = spark.createDataFrame(RAW + BAD, SCHEMA).repartition(2)
    plain_df = spark.createDataFrame([transformed(r) for r in RAW], PLAIN_SCHEMA)
    plain = AutoEncoderMOJOModel.createFromMojo(plain_path).setWithMSECol(True).setWithOriginalCol(True)
    want = scores(plain, plain_df)
    check(all(w[3] is None for w in want.values()) and len(want) == len(RAW), "pipeline: the plain model scores the transformed rows")

    def piped():
        return AutoEncoderMOJOModel.createFromMojo(piped_path).setWithMSECol(True).setWithOriginalCol(True).setBatchSize(3)

    m = piped()
    check(list(m.getInputCols()) == [f.name for f in SCHEMA.fields[1:]],
          f"pipeline: inputCols are the pipeline's raw inputs: {list(m.getInputCols())}")
    for route in (None, "rows"):
        set_route(route)
        got = scores(piped(), raw)
        label = f"pipeline ({route or 'internal'} route)"
        for rid, w in want.items():
            g = got.get(rid)
            check(g is not None and g[3] is None and same([g[0]], [w[0]]) and same(g[1], w[1]) and same(g[2], w[2]),
                  f"{label}: row {rid} equals the plain model on the transformed row: {g} vs {w}")
        e5, e6 = got[5][3], got[6][3]
        check(e5 is not None and "PipelineException" in e5 and "step 7" in e5 and got[5][0] is None,
              f"{label}: sqrt(-4) is a pipeline row error naming the step: {e5}")
        check(e6 == "column 'country': PredictUnknownCategoricalLevelException: Unknown categorical level (country,ZZ)",
              f"{label}: an unknown level after the map is genmodel's error: {e6}")
    set_route(None)
    lenient = scores(piped().setConvertUnknownCategoricalLevelsToNa(True), raw)
    check(lenient[6][3] is None and lenient[6][0] is not None, "pipeline: unknown levels to NA")
    try:
        piped().setFailFast(True).transform(raw).collect()
        check(False, "pipeline: failFast accepted a bad row")
    except Exception as e:  # py4j error carrying the RowScoringException
        check("PipelineException" in str(e) or "cannot be scored" in str(e), "pipeline: failFast: " + str(e)[:200])
    persist = os.path.join(work, "persisted_pipeline")
    piped().write().overwrite().save(persist)
    os.remove(piped_path + ".ae4j-pipeline.json")  # the saved transformer carries it
    got = scores(AutoEncoderMOJOModel.load(persist).setWithMSECol(True).setWithOriginalCol(True), raw)
    check(all(got[rid][0] == w[0] for rid, w in want.items()), "pipeline: persistence keeps the sidecar pipeline")
    print(f"pipeline: {len(RAW) + len(BAD)} raw rows checked on both routes", flush=True)
    fixture_rows(spark, AutoEncoderMOJOModel, check, fixtures, work)


def close(a, b):
    return abs(a - b) <= 1e-12 or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def parse_ts(text):
    """A TimestampType value for ISO text, or None when Python cannot read it (the row is skipped)."""
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def fixture_rows(spark, AutoEncoderMOJOModel, check, fixtures, work):
    """The pipeline fixture's raw rows (CSV text, and typed columns: timestamp, double, boolean)
    must score as genmodel scored the transformed rows; the refused rows get a PipelineException."""
    import json
    with open(os.path.join(fixtures, "pipeline", "cases.json"), encoding="utf-8") as f:
        case = json.load(f)
    model_path = os.path.join(work, "pipeline_tanh.zip")
    shutil.copy(os.path.join(fixtures, case["mojo"]), model_path)
    shutil.copy(os.path.join(fixtures, case["spec"]), model_path + ".ae4j-pipeline.json")
    cols = ["ts", "amount", "balance", "merchant", "online"]
    text_schema = T.StructType([T.StructField("id", T.IntegerType())] + [T.StructField(c, T.StringType()) for c in cols])
    text_rows = [tuple([r["id"]] + [r["raw"][c] or None for c in cols]) for r in case["rows"]]
    typed_schema = T.StructType([T.StructField("id", T.IntegerType()), T.StructField("ts", T.TimestampType()),
                                 T.StructField("amount", T.DoubleType()), T.StructField("balance", T.DoubleType()),
                                 T.StructField("merchant", T.StringType()), T.StructField("online", T.BooleanType())])
    typed_rows = []
    for r in case["rows"]:
        t = r["raw_typed"]
        ts = None if "ts" not in t else parse_ts(t["ts"])
        kinds_ok = (("ts" not in t or ts is not None) and all(not isinstance(t.get(c), str) for c in ("amount", "balance"))
                    and not isinstance(t.get("online"), str))
        if kinds_ok:
            typed_rows.append((r["id"], ts, t.get("amount"), t.get("balance"), t.get("merchant"), t.get("online")))
    by_id = {r["id"]: r for r in case["rows"]}
    for label, df in (("text", spark.createDataFrame(text_rows, text_schema)),
                      ("typed", spark.createDataFrame(typed_rows, typed_schema))):
        m = AutoEncoderMOJOModel.createFromMojo(model_path).setWithMSECol(True)
        got = scores(m.setWithOriginalCol(True), df)
        bad = []
        for rid, (mse, rec, _, err) in got.items():
            row = by_id[rid]
            want_err = row["expected_error"]
            if want_err is not None:
                if err is None or "PipelineException" not in err or want_err["column"] not in err:
                    bad.append((rid, err, want_err))
                continue
            g = row["genmodel"]["default"]
            if err is not None or not close(float(g["mse"]), mse) or not all(close(float(a), b) for a, b in zip(g["reconstructed"], rec)):
                bad.append((rid, err, mse, g["mse"]))
        check(not bad and len(got) == len(df.collect()),
              f"pipeline fixture ({label} columns): {len(bad)} of {len(got)} rows differ from genmodel: {bad[:3]}")
        print(f"pipeline fixture: {len(got)} {label} rows against genmodel", flush=True)


if __name__ == "__main__":
    # Alone (the pipeline section only), with the jars of tests/spark/run.sh:
    #   spark-submit --master 'local[2]' --jars <ae4j jar>,<ae4j-spark jar> tests/spark/pipeline_checks.py
    import sys
    from pyspark.sql import SparkSession

    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    sys.path.insert(0, os.path.join(root, "spark", "python"))
    session = SparkSession.builder.appName("ae4j pipeline checks").getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    from ae4j_spark import AutoEncoderMOJOModel as Model

    results = {"passed": 0, "failed": 0}

    def check_one(ok, what):
        results["passed" if ok else "failed"] += 1
        if not ok:
            print("FAIL:", what, flush=True)
        return ok

    def route(r):
        system = session.sparkContext._jvm.java.lang.System
        if r is None:
            system.clearProperty("ae4j.spark.route")
        else:
            system.setProperty("ae4j.spark.route", r)

    run(session, Model, check_one, route, root, os.path.join(root, "tests", "fixtures"),
        os.path.join(root, "build", "spark", "pipeline"))
    print(f"{results['passed']} passed, {results['failed']} failed")
    session.stop()
    sys.exit(1 if results["failed"] else 0)
