"""A tiny logging reverse proxy: forwards every request to an upstream HTTP server and keeps
each exchange (request and answer) for the recordings of `record.py`."""

import http.client
import http.server
import json
import threading
import urllib.parse

# Hop-by-hop headers are the proxy's own business.
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
       "proxy-authorization", "proxy-authenticate"}


def _decode(body, content_type):
    """An answer body as JSON when it is JSON, else as text."""
    text = body.decode("utf-8", "replace")
    if "json" in (content_type or ""):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


class Proxy:
    def __init__(self, upstream_port, port):
        self.exchanges = []
        self.label = ""
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=300)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                ctype = resp.getheader("Content-Type")
                url = urllib.parse.urlsplit(self.path)
                proxy.exchanges.append({
                    "label": proxy.label,
                    "method": self.command,
                    "path": url.path,
                    "query": url.query,
                    "request_content_type": self.headers.get("Content-Type"),
                    "request_body": body.decode("utf-8", "replace") if len(body) < 4096
                    else f"<{len(body)} bytes>",
                    "status": resp.status,
                    "content_type": ctype,
                    "content_disposition": resp.getheader("Content-Disposition"),
                    "response": _decode(data, ctype),
                })
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in HOP and k.lower() != "content-length":
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
