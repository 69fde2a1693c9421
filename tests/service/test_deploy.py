"""The KServe manifests parse, and the ServingRuntime's container args start the real
binary the way KServe would run it: model name from {{.Name}}, model from /mnt/models (here a
temporary directory holding one fixture MOJO)."""

import os
import pathlib
import shutil
import subprocess

import requests
import yaml

from conftest import FIXTURES, ROOT


def docs(name):
    with open(ROOT / "deploy" / "kserve" / name, encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))


def test_manifests_and_runtime_args(tmp_path):
    (runtime,) = docs("servingruntime.yaml")
    (isvc,) = docs("inferenceservice.yaml")
    assert runtime["kind"] == "ServingRuntime" and isvc["kind"] == "InferenceService"
    fmt = runtime["spec"]["supportedModelFormats"][0]["name"]
    assert isvc["spec"]["predictor"]["model"]["modelFormat"]["name"] == fmt
    assert isvc["spec"]["predictor"]["model"]["runtime"] == runtime["metadata"]["name"]
    container = runtime["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == 8080
    name = isvc["metadata"]["name"]
    models = tmp_path / "mnt-models"
    models.mkdir()
    shutil.copy(FIXTURES / "models" / "synth_tanh.zip", models / "model.zip")
    args = [a.replace("{{.Name}}", name).replace("/mnt/models", str(models)) for a in container["args"]]
    binary = os.environ.get("AE4J_BIN", str(ROOT / "target" / "debug" / "ae4j"))
    # The image's entrypoint, but on 127.0.0.1 and a free port.
    proc = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0", "--log-format", "off", *args],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert f"(models: {name})" in line, line
        url = line.split()[3]
        for probe in ("readinessProbe", "livenessProbe"):
            assert requests.get(url + container[probe]["httpGet"]["path"], timeout=5).status_code == 200
        assert requests.get(f"{url}/v2/models/{name}/ready", timeout=5).json()["ready"] is True
        ann = runtime["spec"]["annotations"]
        assert requests.get(url + ann["prometheus.kserve.io/path"], timeout=5).status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_dockerfile_entrypoint_options_exist():
    """Every option the Dockerfile passes is one `ae4j serve` knows."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    binary = os.environ.get("AE4J_BIN", str(ROOT / "target" / "debug" / "ae4j"))
    help_text = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True, check=True).stdout
    for opt in ("--host", "--port", "--log-format", "--model"):
        assert opt in text and opt in help_text
