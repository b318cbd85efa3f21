"""A link that fails on purpose: a TCP proxy on 127.0.0.1 between posts and headquarters.

Each connection carries one HTTP request (the sync client closes after each). The drill sets the
proxy's `plan`, a list of faults taken one per connection (then it passes requests through):

- `down`: the connection is closed at once (no link);
- `drop_request`: the request is read and never forwarded;
- `drop_response`: the request reaches headquarters, the answer never reaches the post;
- `cut_response`: the answer is cut part-way;
- `duplicate`: the request reaches headquarters twice;
- `delay`: the request is held, and reaches headquarters after the next one (reordered); its
  post gets no answer.

Apart from the plan, the nodes named in `offline` (a post without a link for days) have no link
at all: their requests are read, to learn whose they are, and go nowhere, while the other posts'
pass. One link for all posts cannot refuse a post's connections, so its request is what tells.
"""

import socket
import threading

HEAD_END = b"\r\n\r\n"


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while HEAD_END not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(HEAD_END)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + HEAD_END + body


def _node(request: bytes) -> str:
    """Return the node that signed `request` (its X-BMIS-Node header), or ""."""
    for line in request.partition(HEAD_END)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"x-bmis-node":
            return value.strip().decode("ascii", "replace")
    return ""


def _forward(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as upstream:
        upstream.sendall(request)
        answer = b""
        while chunk := upstream.recv(65536):
            answer += chunk
    return answer


class FaultyLink:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.plan: list[str] = []
        self.offline: set[str] = set()
        self.held: bytes | None = None
        self.lock = threading.Lock()
        self.log: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _next(self) -> str:
        with self.lock:
            return self.plan.pop(0) if self.plan else "pass"

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = _read_request(conn) if self.offline else b""
                if request and _node(request) in self.offline:
                    self.log.append("offline")
                    return
                fault = self._next()
                self.log.append(fault)
                if fault == "down":
                    return
                request = request or _read_request(conn)
                if fault == "drop_request":
                    return
                if fault == "delay":
                    with self.lock:
                        self.held = request
                    return
                answer = _forward(self.upstream, request)
                if fault == "duplicate":
                    _forward(self.upstream, request)
                with self.lock:
                    held, self.held = self.held, None
                if held is not None:
                    _forward(self.upstream, held)  # the late one arrives after a newer one
                if fault == "drop_response":
                    return
                if fault == "cut_response":
                    conn.sendall(answer[: max(1, len(answer) // 2)])
                    return
                conn.sendall(answer)
            except OSError:
                return  # headquarters is down, or the post gave up: the post will retry

    def close(self) -> None:
        self.server.close()
