"""A mail server on a free loopback port that a test starts and controls.

It starts silent: it accepts each connection and never says a word, as a
mail server that has hung does, so a client without a timeout would wait for
ever. ``answer()`` makes it speak just enough SMTP (RFC 5321: greeting, EHLO,
MAIL, RCPT, DATA, QUIT) to take messages, which it keeps in ``messages``.
It counts every connection, so a test can prove none was opened.

A silent connection is dropped after ``hold_seconds`` at the latest, only so
that code which would wait for ever (the fault under test) ends the test
instead of hanging it; no test measures that time.
"""

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_to: list
    data: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def subject(self):
        return str(self.message["Subject"])

    @property
    def text(self):
        message = self.message
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        server = self.server.owner
        server._connected()
        if not server.answering:
            server._released.wait(server.hold_seconds)
            return
        self.reply("220 localhost ESMTP loopback test server")
        mail_from, rcpt_to = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-localhost", "250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                mail_from, rcpt_to = command.partition(":")[2].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt_to.append(command.partition(":")[2].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                server._received(ReceivedMessage(mail_from, rcpt_to, self.read_data()))
                self.reply("250 OK: queued")
            elif verb in {"RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def reply(self, *lines):
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode("ascii"))

    def read_data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line == b".\r\n":
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class LoopbackSMTPServer:
    def __init__(self, *, answering=False, hold_seconds=10):
        self.answering = answering
        self.hold_seconds = hold_seconds
        self.connections = 0
        self.messages = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._released = threading.Event()
        self._server = _TCPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def answer(self):
        """From now on, new connections are answered and their messages kept."""
        self.answering = True

    def wait_for_messages(self, count, timeout):
        """Wait until ``count`` messages have arrived (or ``timeout`` seconds pass); return them all."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    def _connected(self):
        with self._lock:
            self.connections += 1

    def _received(self, message):
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
