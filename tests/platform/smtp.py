"""A small real SMTP server for tests: records each message it accepts (after its 250 reply).

`hold_first=True` keeps the first connection waiting before the greeting, as a hung mail server
does, until `release()` or the client goes away; `hang=True` never greets anyone.
"""

import socket
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: str


@dataclass
class _State:
    messages: list[Received] = field(default_factory=list)
    connections: int = 0
    hold_first: bool = False
    hang: bool = False
    released: threading.Event = field(default_factory=threading.Event)
    first_connected: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        state: _State = self.server.state
        with state.lock:
            state.connections += 1
            first = state.connections == 1
        if state.hang or (first and state.hold_first):
            state.first_connected.set()
            # Wait for release, or notice the client hanging up (a killed worker).
            self.request.settimeout(0.2)
            while not state.released.is_set():
                try:
                    if self.request.recv(1) == b"":
                        return
                except TimeoutError:
                    continue
                except OSError:
                    return
            self.request.settimeout(self.timeout)
        self._converse(state)

    def _converse(self, state: _State) -> None:
        self._reply("220 test.smtp ready")
        sender, recipients = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 test.smtp")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(chunk.decode(errors="replace"))
                if chunk == b"":
                    return
                self._reply("250 OK queued")
                with state.lock:
                    state.messages.append(Received(sender, recipients, "".join(lines)))
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SMTPServer:
    """Start with `with SMTPServer() as smtp:`; `smtp.port`, `smtp.messages`."""

    def __init__(self, *, hold_first: bool = False, hang: bool = False):
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State(hold_first=hold_first, hang=hang)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def state(self) -> _State:
        return self._server.state

    @property
    def messages(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.messages)

    def release(self) -> None:
        self.state.released.set()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self._server.shutdown()
        self._server.server_close()


def closed_port() -> int:
    """Return a local port with nothing listening on it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
