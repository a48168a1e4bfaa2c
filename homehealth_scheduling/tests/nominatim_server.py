"""A loopback HTTP server that answers like Nominatim's /search endpoint.

Tests start it on 127.0.0.1 with a free port, so that geocoding runs through
geopy and real HTTP without reaching any outside host.
"""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def normalize(query):
    return " ".join(query.lower().replace(",", " ").split())


class NominatimStub:
    """Serve canned answers keyed by query; count the requests per query.

    ``answers`` maps a query (compared without case, commas and extra spaces)
    to a list of result objects, or to an integer HTTP status for an error.
    Unknown queries get an empty list, Nominatim's "no match".
    """

    def __init__(self, answers):
        self.answers = {normalize(query): answer for query, answer in answers.items()}
        self.requests = Counter()
        self.last_params = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                params = {
                    key: values[0] for key, values in parse_qs(parts.query).items()
                }
                query = normalize(params.get("q", ""))
                stub.requests[query] += 1
                stub.last_params = params
                if parts.path != "/search":
                    self._send(404, {"error": "unknown endpoint"})
                    return
                answer = stub.answers.get(query, [])
                if isinstance(answer, int):
                    self._send(answer, {"error": "stub failure"})
                else:
                    self._send(200, answer)

            def _send(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def count(self, query):
        return self.requests[normalize(query)]


def result(lat, lon, addresstype, type_, class_, display_name):
    """Return one Nominatim search result as format=json sends it."""
    return {
        "place_id": 1,
        "lat": str(lat),
        "lon": str(lon),
        "class": class_,
        "type": type_,
        "addresstype": addresstype,
        "display_name": display_name,
        "boundingbox": [
            str(lat - 0.001),
            str(lat + 0.001),
            str(lon - 0.001),
            str(lon + 0.001),
        ],
    }
