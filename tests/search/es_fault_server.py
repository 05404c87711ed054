"""A loopback HTTP server that answers as a failing Elasticsearch cluster would.

Fault injection, not an Elasticsearch: it never searches or stores anything.
Each answer is a fixed status, headers and body in the shape the
Elasticsearch 8 reference documents for that failure (a tripped circuit
breaker, a full search queue, expired credentials, a missing privilege, a
missing index or alias, a request the cluster refuses), or a 200 from
something that is not Elasticsearch. Tests that need a sequence (a proxy that
loses the answer to a request the cluster carried out, then the cluster's
answer to the retry) script one per method and path. Every request is kept,
with its headers and body, for the tests to read.

The server runs in a thread of the test process, on a free port on
127.0.0.1, and optionally over TLS with a certificate the test made.
"""

import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PRODUCT = {"X-Elastic-Product": "Elasticsearch"}


@dataclass
class Answer:
    status: int
    body: object = None  # a dict is sent as JSON, a str as it is, None as an empty body
    headers: dict = field(default_factory=dict)
    content_type: str = "application/vnd.elasticsearch+json;compatible-with=8"

    def encoded(self):
        if self.body is None:
            return b""
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def es_error(status, error_type, reason, **extra):
    """An error body as Elasticsearch 8 writes one: ``{"error": {"root_cause": [...], ...}, "status": N}``."""
    cause = {"type": error_type, "reason": reason, **extra}
    return {"error": {"root_cause": [cause], **cause}, "status": status}


# A tripped parent circuit breaker (the node is short of memory).
TOO_MANY_REQUESTS = Answer(
    429,
    es_error(
        429,
        "circuit_breaking_exception",
        "[parent] Data too large, data for [<http_request>] would be [1031798432/984mb], "
        "which is larger than the limit of [1020054732/972.7mb]",
        bytes_wanted=1031798432,
        bytes_limit=1020054732,
        durability="TRANSIENT",
    ),
    PRODUCT,
)
# The search thread pool's queue is full.
SEARCH_QUEUE_FULL = Answer(
    429,
    es_error(
        429,
        "es_rejected_execution_exception",
        "rejected execution of TimedRunnable on EsThreadPoolExecutor[name = node-1/search, queue capacity = 1000]",
    ),
    PRODUCT,
)
# Unauthenticated answers carry no product header: the client cannot tell who answered.
UNAUTHORIZED = Answer(
    401,
    es_error(
        401,
        "security_exception",
        "unable to authenticate with provided credentials and anonymous access is not allowed for this request",
        additional_unsuccessful_credentials="API key: api key [portal] has expired",
        header={"WWW-Authenticate": ['Basic realm="security" charset="UTF-8"', "ApiKey"]},
    ),
    {"WWW-Authenticate": 'Basic realm="security" charset="UTF-8"'},
)
FORBIDDEN = Answer(
    403,
    es_error(
        403,
        "security_exception",
        "action [indices:data/read/search] is unauthorized for API key id [portal] of user [portal] "
        "on indices [portal-knowledge], this action is granted by the index privileges [read,all]",
    ),
    PRODUCT,
)
# A 200 from something that is not Elasticsearch (another product, or a proxy's own page).
NOT_ELASTICSEARCH = Answer(200, {"name": "search", "version": {"number": "2.11.0"}}, {}, "application/json")
NOT_ELASTICSEARCH_HTML = Answer(200, "<!doctype html><title>Sign in</title><p>Please sign in.", {}, "text/html")
# What a text field in the terms aggregations gives (an index created by a stray write, with guessed mappings).
BAD_REQUEST = Answer(
    400,
    es_error(
        400,
        "illegal_argument_exception",
        "Fielddata is disabled on [settings.slug] in [portal-knowledge]. Text fields are not optimised for "
        "operations that require per-document field data like aggregations and sorting, so these operations "
        "are disabled by default. Please use a keyword field instead.",
    ),
    PRODUCT,
)
INDEX_NOT_FOUND = Answer(
    404,
    es_error(
        404,
        "index_not_found_exception",
        "no such index [portal-knowledge]",
        index="portal-knowledge",
        index_uuid="_na_",
        **{"resource.type": "index_or_alias", "resource.id": "portal-knowledge"},
    ),
    PRODUCT,
)
SERVICE_UNAVAILABLE = Answer(
    503, es_error(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/2/no master];"), PRODUCT
)
# What a proxy in front of the cluster says when the cluster's answer does not reach it.
BAD_GATEWAY = Answer(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", {}, "text/html")

FAILURES = {
    "429": TOO_MANY_REQUESTS,
    "429-queue": SEARCH_QUEUE_FULL,
    "401": UNAUTHORIZED,
    "403": FORBIDDEN,
    "200-not-elasticsearch": NOT_ELASTICSEARCH,
    "200-html": NOT_ELASTICSEARCH_HTML,
    "400": BAD_REQUEST,
    "404-index": INDEX_NOT_FOUND,
    "503": SERVICE_UNAVAILABLE,
}


def bulk_without_alias(request):
    """The bulk API's answer when ``require_alias`` is set and the name is not an alias: every item refused.

    The HTTP status is 200 with ``"errors": true``; each item says 404
    ``index_not_found_exception`` (Elasticsearch 8's ``TransportBulkAction``).
    """
    items = []
    lines = [json.loads(line) for line in request.body.decode().splitlines() if line.strip()]
    position = 0
    while position < len(lines):
        (action, meta), *_ = lines[position].items()
        position += 1 if action == "delete" else 2
        index = meta["_index"]
        items.append(
            {
                action: {
                    "_index": index,
                    "_id": meta["_id"],
                    "status": 404,
                    "error": {
                        "type": "index_not_found_exception",
                        "reason": f"no such index [{index}] and [require_alias] request flag is [true] "
                        f"and [{index}] is not an alias",
                        "index": index,
                        "index_uuid": "_na_",
                    },
                }
            }
        )
    return Answer(200, {"took": 1, "errors": True, "items": items}, PRODUCT)


def bulk_accepted(request):
    """Every item of a bulk request acknowledged, as the bulk API reports success."""
    items = []
    lines = [json.loads(line) for line in request.body.decode().splitlines() if line.strip()]
    position = 0
    while position < len(lines):
        (action, meta), *_ = lines[position].items()
        position += 1 if action == "delete" else 2
        result = "deleted" if action == "delete" else "updated"
        items.append({action: {"_index": meta["_index"], "_id": meta["_id"], "status": 200, "result": result}})
    return Answer(200, {"took": 1, "errors": False, "items": items}, PRODUCT)


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body) if self.body else None


class FaultServer:
    """Answers every request with ``self.answer``, unless a script for its method and path says otherwise.

    ``script(method, path_pattern, *answers)``: the next matching requests get
    these answers in turn, the last one for good. An answer may be a callable
    taking the ``Request`` (for answers built from what was sent).
    """

    def __init__(self, answer=TOO_MANY_REQUESTS, tls=None):
        self.answer = answer
        self.requests = []
        self.scripts = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query={key: values[-1] for key, values in parse_qs(parts.query).items()},
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                answer = server._answer_for(request)
                body = answer.encoded() if self.command != "HEAD" else b""
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.encoded())))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def script(self, method, path_pattern, *answers):
        self.scripts.append((method, re.compile(path_pattern), list(answers)))

    def _answer_for(self, request):
        with self._lock:
            self.requests.append(request)
            for method, pattern, answers in self.scripts:
                if method == request.method and pattern.fullmatch(request.path):
                    answer = answers.pop(0) if len(answers) > 1 else answers[0]
                    break
            else:
                answer = self.answer
        return answer(request) if callable(answer) else answer

    def paths(self, method=None):
        return [request.path for request in self.requests if method is None or request.method == method]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
