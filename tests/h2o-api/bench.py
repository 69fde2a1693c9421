"""The h2o-py notebook flow timed against a real H2O 3.46.0.7 and against `ae4j serve --h2o-api`
in the same run, on the same model and data (a benchmark, not a test).

    tests/h2o-api/run.sh --bench [ROWS]      # default 100000 rows

It starts the wheel's h2o.jar on 127.0.0.1:54461 (-Xmx2g), trains `synth_tanh`-shaped
autoencoder (Tanh [6,3,6]) on the synth_tanh fixture's normal rows, downloads its MOJO, serves
that MOJO with the release `ae4j` ($AE4J_BIN), builds a ROWS-row CSV from those rows, and times
(best of 3) each call of the flow on both servers. It also checks that both servers give the
same MSEs (1e-9 relative) and prints a Markdown table.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h2o
from h2o.estimators import H2ODeepLearningEstimator

from record import H2O_PORT, start_h2o, write_csv, WORK

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


def best_of(n, fn):
    times = []
    out = None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def flow(url, csv, cats, model_id):
    """Each call of the notebook flow, timed on the server at `url`."""
    h2o.connect(url=url, verbose=False)
    res = {}
    res["upload_file (parse)"], fr = best_of(3, lambda: h2o.upload_file(
        csv, col_types={c: "enum" for c in cats}))
    m = h2o.get_model(model_id)
    res["anomaly"], a = best_of(3, lambda: m.anomaly(fr))
    res["anomaly(per_feature=True)"], _ = best_of(3, lambda: m.anomaly(fr, per_feature=True))
    res["deepfeatures(fr, 1)"], _ = best_of(3, lambda: m.deepfeatures(fr, 1))
    res["predict"], _ = best_of(3, lambda: m.predict(fr))
    res["anomaly(fr).as_data_frame()"], df = best_of(3, lambda: m.anomaly(fr).as_data_frame())
    h2o.remove(fr)
    h2o.connection().close()
    return res, list(df["Reconstruction.MSE"])


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    small = WORK / "synth.csv"
    cols, cats = write_csv(small)
    lines = small.read_text().splitlines()
    big = WORK / f"synth_{ROWS}.csv"
    body = lines[1:]
    big.write_text("\n".join([lines[0]] + [body[i % len(body)] for i in range(ROWS)]) + "\n")
    binary = os.environ.get("AE4J_BIN")
    if not binary:
        sys.exit("set AE4J_BIN to the release ae4j binary")
    proc = start_h2o()
    serve = None
    try:
        h2o.connect(url=f"http://127.0.0.1:{H2O_PORT}", verbose=False)
        train = h2o.upload_file(str(small), col_types={c: "enum" for c in cats})
        model = H2ODeepLearningEstimator(model_id="synth_tanh", autoencoder=True,
                                         activation="Tanh", hidden=[6, 3, 6], epochs=5,
                                         seed=1234, reproducible=True)
        model.train(x=cols, training_frame=train)
        mojo_dir = Path(tempfile.mkdtemp())
        mojo = model.download_mojo(path=str(mojo_dir))
        h2o.remove(train)
        serve = subprocess.Popen([binary, "serve", "--port", "0", "--log-format", "off",
                                  "--h2o-api", "--model", f"synth_tanh={mojo}",
                                  "--h2o-max-frame-bytes", str(2 << 30),
                                  "--max-body-bytes", str(1 << 30),
                                  "--request-timeout-secs", "600"],
                                 stdout=subprocess.PIPE, text=True)
        line = serve.stdout.readline()
        ae4j_url = "http://" + line.split("http://")[1].split()[0]
        h2o_res, h2o_mse = flow(f"http://127.0.0.1:{H2O_PORT}", str(big), cats, "synth_tanh")
        ae4j_res, ae4j_mse = flow(ae4j_url, str(big), cats, "synth_tanh")
        worst = max(abs(a - b) / max(abs(a), abs(b), 1e-300) for a, b in zip(h2o_mse, ae4j_mse))
        assert len(h2o_mse) == len(ae4j_mse) == ROWS and worst <= 1e-9, worst
        print(f"\n{ROWS} rows x {len(cols)} columns; MSEs equal (worst relative gap {worst:.1e})\n")
        print("| call (h2o-py 3.46.0.7) | H2O 3.46.0.7 s | ae4j serve --h2o-api s | H2O / ae4j |")
        print("|---|---|---|---|")
        for k in h2o_res:
            print(f"| `{k}` | {h2o_res[k]:.3f} | {ae4j_res[k]:.3f} | {h2o_res[k] / ae4j_res[k]:.1f}x |")
        print(json.dumps({"rows": ROWS, "h2o": h2o_res, "ae4j": ae4j_res}))
    finally:
        if serve is not None:
            serve.terminate()
            serve.wait(timeout=30)
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
