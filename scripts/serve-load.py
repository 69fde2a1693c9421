#!/usr/bin/env python3
"""A bounded load test of `ae4j serve` on loopback (RELIABILITY.md): CLIENTS threads, each with
its own keep-alive connection, send REQUESTS scoring requests each (native JSON, a few rows,
mixed valid and missing values) and check every answer: status 200, one MSE per row, the same
MSE as the reference answer for that body. Exits non-zero on any error.

usage: serve-load.py PORT [CLIENTS=50] [REQUESTS=10000]
"""
import http.client
import json
import sys
import threading
import time

port = int(sys.argv[1])
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 50
requests = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
if not (1 <= clients <= 200 and 1 <= requests <= 1_000_000):
    sys.exit("bounded: at most 200 clients and 1,000,000 requests each")

LEVELS = ["US", "DE", "FR", "JP", "BR"]
bodies = []
for k in range(16):
    rows = []
    for j in range(1 + k % 4):
        rows.append({"country": LEVELS[(k + j) % 5], "device": "tablet", "channel": "web",
                     "age": 20 + k + j, "income": 1000.0 * k, "score": None if j == 1 else 0.5,
                     "visits": str(k % 7), "ratio": 0.25})
    bodies.append(json.dumps({"rows": rows}).encode())


def post(conn, body):
    conn.request("POST", "/v1/score", body=body, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, r.read()


ref = []
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
for b in bodies:
    status, data = post(c, b)
    if status != 200:
        sys.exit(f"reference request: {status} {data[:300]!r}")
    ref.append(data)
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
            if status != 200 or data != ref[k]:
                with lock:
                    errors.append(f"client {i} request {r}: {status} {data[:200]!r}")
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
print(f"serve-load: {clients} clients x {requests} requests: {done[0]} answers checked, "
      f"{len(errors)} errors, {took:.1f} s, {done[0] / took:.0f} requests/s")
for e in errors[:10]:
    print("  " + e)
sys.exit(1 if errors or done[0] != clients * requests else 0)
