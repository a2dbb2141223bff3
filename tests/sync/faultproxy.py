"""A small TCP proxy that misbehaves on purpose: refuse, delay, or cut a response mid-body."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time


class FaultProxy:
    """Listens on 127.0.0.1:port and forwards to `upstream`; `mode` may change at any time.

    Modes: pass, refuse (close at once), delay (wait before forwarding), cut (forward only part
    of the answer, then close), chaos (one of these at random per connection).
    """

    def __init__(self, upstream_port: int, seed: int = 7) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.mode = "pass"
        self.rng = random.Random(seed)
        self.active = 0
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        mode = self.mode
        if mode == "chaos":
            mode = self.rng.choice(("pass", "refuse", "delay", "cut", "pass"))
        if mode == "refuse":
            conn.close()
            return
        self.active += 1
        try:
            with socket.create_connection(self.upstream) as up:
                if mode == "delay":
                    time.sleep(0.3)
                threading.Thread(target=self._pump, args=(conn, up, None), daemon=True).start()
                self._pump(up, conn, self.rng.randint(40, 400) if mode == "cut" else None)
        except OSError:
            pass
        finally:
            self.active -= 1
            conn.close()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket, budget: int | None) -> None:
        """Copies bytes until EOF, or until `budget` bytes have passed (then hangs up)."""
        try:
            while chunk := source.recv(65536):
                if budget is not None:
                    chunk = chunk[:budget]
                    budget -= len(chunk)
                sink.sendall(chunk)
                if budget is not None and budget <= 0:
                    break
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
