#!/usr/bin/env python3
"""A tiny HTTP client for scripts/test-portable.sh (no curl in a fresh Debian):

    http_client.py wait URL SECONDS          poll until URL answers 200 (exit 1 when it never does)
    http_client.py get URL                   print the body; exit 1 unless 200
    http_client.py post URL FILE TYPE OUT    POST FILE as Content-Type TYPE, write the body to OUT
"""
import sys
import time
import urllib.error
import urllib.request


def fetch(url, data=None, content_type=None, timeout=30):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if content_type else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def main(cmd, url, *args):
    if cmd == "wait":
        deadline = time.monotonic() + float(args[0])
        while time.monotonic() < deadline:
            try:
                if fetch(url, timeout=2)[0] == 200:
                    return 0
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        print(f"{url}: no 200 within {args[0]} s", file=sys.stderr)
        return 1
    try:
        if cmd == "get":
            status, body = fetch(url)
            sys.stdout.write(body.decode("utf-8"))
        else:
            status, body = fetch(url, open(args[0], "rb").read(), args[1])
            open(args[2], "wb").write(body)
    except urllib.error.HTTPError as e:
        print(f"{url}: HTTP {e.code}: {e.read()[:500]!r}", file=sys.stderr)
        return 1
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
