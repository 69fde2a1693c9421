"""Lingering close: a body over --max-body-bytes is answered 413 before it is read, and clients
that send the whole body before they read the answer (urllib, requests, curl) must get that 413,
not a broken pipe or a reset. The same for other answers given before the body is read (404,
415). Past --lingering-bytes the connection is reset, as documented."""

import json
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.request

import pytest
import requests

from conftest import FIXTURES, start_service

LIMIT = 64 * 1024
BIG = 8 * 1024 * 1024  # far more than the socket buffers hold, so the client is mid-upload


def big_body(size=BIG):
    rows = json.dumps([{"age": 41}]).encode()
    return b'{"rows": ' + rows + b', "pad": "' + b"x" * size + b'"}'


@pytest.fixture(scope="module")
def small():
    """One model, a 64 KiB body limit, and lingering bounded at 16 MiB."""
    with start_service(["--model", f"synth_tanh={FIXTURES / 'models' / 'synth_tanh.zip'}",
                        "--max-body-bytes", str(LIMIT), "--lingering-bytes", str(16 << 20)]) as s:
        yield s


def assert_413(status, body):
    assert status == 413, body
    assert json.loads(body)["error"]["type"] == "payload_too_large", body


def test_urllib_gets_the_413(small):
    req = urllib.request.Request(small.url + "/v1/score", data=big_body(),
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert_413(e.value.code, e.value.read())


def test_requests_gets_the_413(small):
    r = requests.post(small.url + "/v1/score", data=big_body(),
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert_413(r.status_code, r.content)


def test_requests_chunked_gets_the_413(small):
    """No Content-Length: the body is refused once it passes the limit, mid-stream."""
    def chunks():
        for _ in range(BIG // 65536):
            yield b"x" * 65536
    r = requests.post(small.url + "/v1/score", data=chunks(),
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert_413(r.status_code, r.content)


@pytest.mark.parametrize("expect", [[], ["-H", "Expect:"]], ids=["expect-100", "no-expect"])
def test_curl_gets_the_413(small, tmp_path, expect):
    if shutil.which("curl") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is missing (apt-get install curl)")
        print("SKIPPED: test_curl_gets_the_413: no curl on this machine")
        pytest.skip("no curl")
    body = tmp_path / "big.json"
    body.write_bytes(big_body())
    out = subprocess.run(["curl", "-sS", "-o", str(tmp_path / "answer"), "-w", "%{http_code}",
                          "-H", "Content-Type: application/json", *expect,
                          "--data-binary", f"@{body}", small.url + "/v1/score"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert_413(int(out.stdout), (tmp_path / "answer").read_bytes())


@pytest.mark.parametrize("path,content_type,status", [
    ("/v1/models/nope/score", "application/json", 404),
    ("/v1/score", "text/plain", 415),
    ("/invocations", "application/json", 413),
    ("/v2/models/synth_tanh/infer", "application/json", 413),
])
def test_other_early_answers_reach_the_client(small, path, content_type, status):
    r = requests.post(small.url + path, data=big_body(), headers={"Content-Type": content_type},
                      timeout=30)
    assert r.status_code == status, r.text


def test_the_service_still_serves(small):
    r = requests.post(small.url + "/v1/score", json={"rows": [{"age": 41}]}, timeout=10)
    assert r.status_code == 200, r.text
    # A keep-alive connection is reused after a body it read in full.
    with requests.Session() as s:
        for _ in range(3):
            assert s.post(small.url + "/v1/score", json={"rows": [{"age": 1}]}, timeout=10).ok


def test_past_the_lingering_bytes_the_connection_is_reset(small):
    """64 MiB sent against a 16 MiB drain: the service stops reading and closes."""
    with socket.create_connection(("127.0.0.1", small.port), timeout=30) as sock:
        size = 64 << 20
        sock.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {size}\r\n\r\n".encode())
        chunk = b"x" * (1 << 20)
        with pytest.raises((BrokenPipeError, ConnectionResetError)):
            for _ in range(size // len(chunk)):
                sock.sendall(chunk)
