#!/usr/bin/env python3
"""Records the REST answers `ae4j import-h2o` reads, for the offline tests
(rust/ae4j-cli/tests/import_h2o.rs replays them from a local HTTP server).

  <venv>/bin/python record.py <h2o.jar> <out dir>

With H2O 3.46.0.7 (which still exports MOJOs) it also saves each model's own MOJO, so the test
can compare the imported model with H2O's MOJO of the same model. With 3.46.0.12 it records the
412 answer to the MOJO export, the training data and the server's anomaly() MSE per row.
Also recorded: a model without export_weights_and_biases, a GBM, a supervised DL model and a
missing model (the importer's error cases).
"""
import json
import shutil
import sys
from pathlib import Path

import h2o
from h2o.estimators import H2OGradientBoostingEstimator, H2ODeepLearningEstimator

import h2o_live as L


def main():
    jar, out = Path(sys.argv[1]), Path(sys.argv[2])
    if out.exists():
        shutil.rmtree(out)
    (out / "models").mkdir(parents=True)
    work = L.ROOT / "build" / "import-record"
    proc, url = L.start(jar, work)
    routes = []

    def record(path, file, ctype):
        status, body = L.get(url, path)
        (out / file).parent.mkdir(parents=True, exist_ok=True)
        (out / file).write_bytes(body)
        routes.append({"path": path, "status": status, "file": file, "content_type": ctype})
        return status, body

    try:
        h2o.connect(url=url, verbose=False)
        version = h2o.cluster().version
        fr, csv_path, cols = L.synth_frame(h2o, work)
        record("/3/Cloud?skip_ticks=true", "cloud.json", "application/json")
        ids = []
        for mid, p in L.AUTOENCODERS.items():
            m = L.train(h2o, mid, fr, cols, **dict(p))
            ids.append(mid)
            _, body = record(L.model_path(mid), f"models/{mid}.json", "application/json")
            out_json = json.loads(body)["models"][0]["output"]
            for k in out_json["weights"] + out_json["biases"]:
                record(L.frame_path(k["name"]), f"frames/{k['name']}.csv", "text/csv")
            status, mojo = L.get(url, f"/3/Models/{mid}/mojo")
            if status == 200:
                (out / "mojo").mkdir(exist_ok=True)
                (out / "mojo" / f"{mid}.zip").write_bytes(mojo)
            else:
                record(f"/3/Models/{mid}/mojo", f"models/{mid}.mojo-refused.json", "application/json")
            if mid == "ae_tanh" and not version.startswith("3.46.0.7"):
                # The server's own anomaly scores of the training frame.
                an = m.anomaly(fr).as_data_frame(use_pandas=False, header=True)
                (out / "scores").mkdir(exist_ok=True)
                (out / "scores" / f"{mid}.csv").write_text("\n".join(",".join(r) for r in an) + "\n")
                shutil.copy(csv_path, out / "synth.csv")
        # Error cases.
        L.train(h2o, "ae_noweights", fr, cols, activation="Tanh", hidden=[4], epochs=1,
                export_weights_and_biases=False)
        record(L.model_path("ae_noweights"), "models/ae_noweights.json", "application/json")
        gbm = H2OGradientBoostingEstimator(model_id="gbm_score", ntrees=2, max_depth=2, seed=1)
        gbm.train(x=[c for c in cols if c != "score"], y="score", training_frame=fr)
        record(L.model_path("gbm_score"), "models/gbm_score.json", "application/json")
        dl = H2ODeepLearningEstimator(model_id="dl_supervised", hidden=[3], epochs=1, seed=1,
                                      reproducible=True, export_weights_and_biases=True)
        dl.train(x=[c for c in cols if c != "score"], y="score", training_frame=fr)
        record(L.model_path("dl_supervised"), "models/dl_supervised.json", "application/json")
        record(L.model_path("no_such_model"), "models/no_such_model.json", "application/json")
        (out / "routes.json").write_text(json.dumps({"h2o_version": version, "models": ids,
                                                     "routes": routes}, indent=1) + "\n")
        print(f"recorded {len(routes)} answers of H2O {version} into {out}")
    finally:
        L.disconnect(h2o)
        L.stop(proc)


if __name__ == "__main__":
    main()
