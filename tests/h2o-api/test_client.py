"""The h2o Python client 3.46.0.7, unchanged, against `ae4j serve --h2o-api`: connect,
upload_file / import_file, get_model, anomaly, anomaly(per_feature=True), predict,
deepfeatures, as_data_frame, remove; numbers equal to the H2O server's in the fixtures (1e-9)."""

import h2o
import pytest
import requests
from h2o.exceptions import H2OResponseError, H2OServerError

from conftest import (categoricals, close, deep_features, server_ids, server_rows, start,
                      stop)

# Two of the fixture models; the rest run the same calls in test_every_fixture_model.
NAMES = ["synth_tanh", "iris_rectdropout_nostd"]


@pytest.fixture
def h2o_conn(service):
    h2o.connect(url=service.url, verbose=False)
    yield service
    h2o.connection().close()


def assert_columns(df, names, rows, key):
    assert list(df.columns) == names
    assert len(df) == len(rows)
    for i, (_, srv) in enumerate(rows):
        want = srv[key] if isinstance(srv[key], list) else [srv[key]]
        got = [df.iloc[i, j] for j in range(len(names))]
        bad = [(n, g, w) for n, g, w in zip(names, got, want) if not close(g, w)]
        assert not bad, f"row {i}: {bad[:3]}"


def assert_deep_features(m, fr, case):
    """deepfeatures(fr, L) for every hidden layer equals the H2O server's (fixtures, 1e-9)."""
    want = deep_features(case)
    ids = server_ids(case)
    for layer, units in enumerate(case["params"]["hidden"]):
        df = m.deepfeatures(fr, layer).as_data_frame()
        assert list(df.columns) == [f"DF.L{layer + 1}.C{j}" for j in range(1, units + 1)]
        assert len(df) == len(ids)
        for i, rid in enumerate(ids):
            got, exp = list(df.iloc[i]), want[rid][layer]
            assert all(close(g, w) for g, w in zip(got, exp)), (case["name"], layer, rid)


def slots(case):
    return case["slot_names"]


def upload(case, import_dir):
    return h2o.upload_file(str(import_dir / f"{case['name']}.csv"),
                           col_types={c: "enum" for c in categoricals(case)})


@pytest.mark.parametrize("name", [c for c in NAMES])
def test_notebook_flow(h2o_conn, cases, import_dir, name):
    case = next(c for c in cases if c["name"] == name)
    rows = server_rows(case)
    fr = upload(case, import_dir)
    assert fr.nrow == len(rows)
    m = h2o.get_model(name)
    assert type(m).__name__ == "H2OAutoEncoderEstimator" and hasattr(m, "anomaly")
    assert_columns(m.anomaly(fr).as_data_frame(), ["Reconstruction.MSE"], rows, "mse")
    assert_columns(m.anomaly(fr, per_feature=True).as_data_frame(),
                   [f"reconstr_{s}.SE" for s in slots(case)], rows, "per_feature_se")
    assert_columns(m.predict(fr).as_data_frame(),
                   [f"reconstr_{s}" for s in slots(case)], rows, "reconstruction")
    assert_deep_features(m, fr, case)
    key = fr.frame_id
    h2o.remove(fr)
    r = requests.get(f"{h2o_conn.url}/3/Frames/{key}")
    assert r.status_code == 404 and r.json()["__meta"]["schema_name"] == "H2OErrorV3"


def test_every_fixture_model(h2o_conn, cases, import_dir):
    for case in cases:
        rows = server_rows(case)
        fr = upload(case, import_dir)
        m = h2o.get_model(case["name"])
        assert_columns(m.anomaly(fr).as_data_frame(), ["Reconstruction.MSE"], rows, "mse")
        assert_columns(m.anomaly(fr, per_feature=True).as_data_frame(),
                       [f"reconstr_{s}.SE" for s in slots(case)], rows, "per_feature_se")
        assert_columns(m.predict(fr).as_data_frame(),
                       [f"reconstr_{s}" for s in slots(case)], rows, "reconstruction")
        h2o.remove(fr)


def test_import_file_and_deep_features_agree_across_routes(h2o_conn, cases, import_dir):
    case = next(c for c in cases if c["name"] == "synth_tanh")
    fr = h2o.import_file(str(import_dir / "synth_tanh.csv"),
                         col_types={c: "enum" for c in categoricals(case)})
    assert fr.frame_id == "synth_tanh.hex"
    m = h2o.get_model("synth_tanh")
    assert_columns(m.anomaly(fr).as_data_frame(), ["Reconstruction.MSE"], server_rows(case), "mse")
    df = m.deepfeatures(fr, 1).as_data_frame()
    # /3 gives the same deep features synchronously.
    r = requests.post(f"{h2o_conn.url}/3/Predictions/models/synth_tanh/frames/synth_tanh.hex",
                      data={"deep_features_hidden_layer": "1", "predictions_frame": "df1.hex"})
    assert r.status_code == 200, r.text
    csv = requests.get(f"{h2o_conn.url}/3/DownloadDataset", params={"frame_id": "df1.hex"}).text
    lines = csv.strip().split("\n")
    assert lines[0] == '"DF.L2.C1","DF.L2.C2","DF.L2.C3"'
    for i, line in enumerate(lines[1:]):
        assert all(close(float(x), y) for x, y in zip(line.split(","), df.iloc[i])), i
    h2o.remove(fr)


def test_client_errors(h2o_conn, cases, import_dir):
    with pytest.raises(H2OResponseError, match="not found"):
        h2o.get_model("no_such_model")
    case = next(c for c in cases if c["name"] == "synth_tanh")
    fr = upload(case, import_dir)
    m = h2o.get_model("synth_tanh")
    with pytest.raises(OSError, match="between 0 and 2"):
        m.deepfeatures(fr, 3)
    with pytest.raises(H2OResponseError, match="--h2o-import-dir"):
        h2o.import_file("/etc/passwd")
    # A numeric-looking categorical is guessed Numeric: H2O refuses to score the frame, so
    # does ae4j (the client must pass col_types={"species": "enum"}).
    lines = (import_dir / "iris_rectdropout_nostd.csv").read_text().splitlines()
    col = lines[0].split(",").index("species")
    coded = [lines[0]] + [",".join(f if j != col else str(i % 3) for j, f in enumerate(ln.split(",")))
                          for i, ln in enumerate(lines[1:])]
    path = import_dir / "iris_coded.csv"
    path.write_text("\n".join(coded) + "\n")
    numeric = h2o.upload_file(str(path))
    iris = h2o.get_model("iris_rectdropout_nostd")
    with pytest.raises(H2OResponseError, match="non-categorical column 'species'"):
        iris.anomaly(numeric)
    h2o.remove(fr)
    assert h2o_conn.healthy()


def test_over_budget_upload_is_refused_and_the_service_stays_up(cases, import_dir):
    small = start(cases, import_dir, "--h2o-max-frame-bytes", "4000")
    try:
        h2o.connect(url=small.url, verbose=False)
        with pytest.raises(H2OServerError, match="h2o-max-frame-bytes"):
            h2o.upload_file(str(import_dir / "digits_wide_tanh.csv"))
        # Small frames still fit, and score.
        case = next(c for c in cases if c["name"] == "wine_exprectifier")
        rows = server_rows(case)[:3]
        path = import_dir / "wine3.csv"
        lines = (import_dir / "wine_exprectifier.csv").read_text().splitlines()[:4]
        path.write_text("\n".join(lines) + "\n")
        fr = h2o.upload_file(str(path))
        m = h2o.get_model("wine_exprectifier")
        assert_columns(m.anomaly(fr).as_data_frame(), ["Reconstruction.MSE"], rows, "mse")
        assert small.healthy()
        h2o.connection().close()
    finally:
        stop(small)


def test_h2o_init_with_a_url_passes_its_strict_version_check(service):
    # start_h2o=False: were the check to fail, h2o.init must not start a local H2O instead.
    h2o.init(url=service.url, start_h2o=False, verbose=False)
    assert h2o.cluster().version == "3.46.0.7"
    assert h2o.get_model("synth_tanh").model_id == "synth_tanh"
    h2o.connection().close()
