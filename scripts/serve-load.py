#!/usr/bin/env python3
"""A bounded load test of `ae4j serve` on loopback (RELIABILITY.md): CLIENTS threads, each with
its own keep-alive connection, send REQUESTS scoring requests each (native JSON
`POST /v1/models/ID/score`, 1 to 4 rows of the conformance fixture's rows: valid rows, missing
values, rows genmodel fails) and check every answer: status 200, one result per row, each row's
MSE equal to the fixture's known value (genmodel's, or the H2O server's finite MSE where genmodel
gives NaN; within 1e-9 relative) or its error the exception genmodel throws. The first answer to
each distinct body is checked value by value; every other answer must be byte for byte one that
was checked, or it is checked value by value in turn. Exits non-zero on any error (a status, a
value, a dropped connection, a timeout).

usage: serve-load.py PORT [CLIENTS=50] [REQUESTS=10000] [--model ID]
       serve-load.py --serve BINARY [CLIENTS] [REQUESTS]
  --serve BINARY: start `BINARY serve` on 127.0.0.1 (a free port) with the fixture model, run
  the load, then stop it with SIGTERM and require that it was up throughout and exits 0.
  --case NAME: the fixture case (tests/fixtures/cases/NAME.json; default synth_tanh).
"""
import argparse
import http.client
import json
import pathlib
import signal
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
REL_TOL, ABS_TOL = 1e-9, 1e-14

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("numbers", nargs="*", type=int, metavar="PORT CLIENTS REQUESTS")
ap.add_argument("--serve", metavar="BINARY")
ap.add_argument("--case", default="synth_tanh")
ap.add_argument("--model", help="the served model id (default: the case name)")
args = ap.parse_args()
if args.serve:
    port, rest = None, args.numbers
elif args.numbers:
    port, rest = args.numbers[0], args.numbers[1:]
else:
    ap.error("give PORT, or --serve BINARY")
if len(rest) > 2:
    ap.error("too many numbers: PORT CLIENTS REQUESTS (no PORT with --serve)")
clients = rest[0] if len(rest) > 0 else 50
requests = rest[1] if len(rest) > 1 else 10000
if not (1 <= clients <= 200 and 1 <= requests <= 1_000_000):
    sys.exit("bounded: at most 200 clients and 1,000,000 requests each")

case = json.loads((ROOT / "tests" / "fixtures" / "cases" / f"{args.case}.json").read_text(encoding="utf-8"))
model = args.model or case["name"]


def expectation(row):
    """("mse", value) or ("error", exception simple name) for a fixture row, without options."""
    g = row["genmodel"]["default"]
    if "error" in g:
        return ("error", g["error"]["class"].rsplit(".", 1)[-1])
    mse = float(g["mse"])
    if mse != mse and row["server"] is not None:
        mse = float(row["server"]["mse"])  # genmodel's NaN where a numeric is missing; H2O's finite MSE
    return ("mse", mse)


def close(a, b):
    if a != a and b != b or a == b:
        return True
    return abs(a - b) <= ABS_TOL or abs(a - b) <= REL_TOL * max(abs(a), abs(b))


# Rows whose values JSON holds as genmodel got them (not the Java-typed ones: Integer, Float...).
fixture_rows = [r for r in case["rows"] if not any(isinstance(v, dict) for v in r["input"].values())]
bodies, expected = [], []
for k in range(64):
    start = (k * 7) % len(fixture_rows)
    picked = [fixture_rows[(start + j) % len(fixture_rows)] for j in range(1 + k % 4)]
    bodies.append(json.dumps({"rows": [r["input"] for r in picked]}, allow_nan=False).encode())
    expected.append([expectation(r) for r in picked])


def wrong(k, data):
    """Why answer `data` to body k is wrong, or None."""
    try:
        results = json.loads(data)["results"]
    except (ValueError, KeyError, TypeError) as e:
        return f"not a scoring answer ({e})"
    if len(results) != len(expected[k]):
        return f"{len(results)} results for {len(expected[k])} rows"
    for j, ((what, value), got) in enumerate(zip(expected[k], results)):
        if what == "error":
            if not isinstance(got.get("error"), dict) or got["error"].get("type") != value:
                return f"row {j}: expected the error {value}, got {got}"
        else:
            mse = got.get("mse")
            mse = float(mse) if isinstance(mse, (int, float, str)) else None
            if mse is None or not close(mse, value):
                return f"row {j}: mse {got.get('mse')!r}, expected {value!r}"
    return None


proc = None
if args.serve:
    proc = subprocess.Popen([args.serve, "serve", "--host", "127.0.0.1", "--port", "0", "--log-format", "off",
                             "--model", f"{model}={ROOT / 'tests' / 'fixtures' / case['mojo']}"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "listening on http://" not in line:
        proc.kill()
        sys.exit(f"serve-load: the service did not start: {line!r}")
    port = int(line.split("http://")[1].split()[0].rsplit(":", 1)[1])

path = f"/v1/models/{model}/score"


def post(conn, body):
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, r.read()


checked = [set() for _ in bodies]  # answers (bytes) checked value by value, per body
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
for k, b in enumerate(bodies):
    status, data = post(c, b)
    why = wrong(k, data) if status == 200 else f"status {status}"
    if why:
        sys.exit(f"serve-load: reference request {k}: {why}: {data[:300]!r}")
    checked[k].add(data)
c.close()

errors = []
done = [0]
lock = threading.Lock()


def client(i):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    try:
        for r in range(requests):
            k = (i + r) % len(bodies)
            status, data = post(conn, bodies[k])
            if status != 200:
                why = f"status {status}"
            elif data in checked[k]:
                why = None
            else:
                why = wrong(k, data)
                if why is None:
                    with lock:
                        checked[k].add(data)
            if why:
                with lock:
                    errors.append(f"client {i} request {r}: {why}: {data[:200]!r}")
                return
            n += 1
    except Exception as e:  # a dropped connection, a timeout: all errors
        with lock:
            errors.append(f"client {i}: {type(e).__name__}: {e}")
    finally:
        conn.close()
        with lock:
            done[0] += n


start = time.time()
ts = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for t in ts:
    t.start()
for t in ts:
    t.join()
took = time.time() - start
if proc is not None:
    if proc.poll() is not None:
        errors.append(f"the service died during the run (exit {proc.returncode})")
    else:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = "none (killed after 30 s)"
        if code != 0:
            errors.append(f"the service exited {code} on SIGTERM")
print(f"serve-load: {clients} clients x {requests} requests: {done[0]} answers checked, "
      f"{len(errors)} errors, {took:.1f} s, {done[0] / took:.0f} requests/s")
for e in errors[:10]:
    print("  " + e)
sys.exit(1 if errors or done[0] != clients * requests else 0)
