"""The database goes away behind the API and comes back: 503 on /health, the SPEC shape elsewhere, recovery."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from api import create_app
from tests.assertions import assert_error_shape

pytestmark = pytest.mark.postgres


class CuttableProxy:
    """A TCP proxy to PostgreSQL on 127.0.0.1 whose connections the test can cut and refuse, then restore."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self):
        self.up = False
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.sockets.clear()

    def restore(self):
        self.up = True

    def close(self):
        self.listener.close()


def test_the_api_answers_503_while_the_database_is_gone_and_recovers_when_it_returns(database_url):
    url = make_url(database_url)
    proxy = CuttableProxy(url.port or 5432)
    try:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
            PROPAGATE_EXCEPTIONS=False,
        )
        client = app.test_client()
        assert client.get("/api/v1/health").json == {"status": "ok", "database": "ok"}

        proxy.cut()
        body = assert_error_shape(client.get("/api/v1/health"), 503, "database_unavailable")
        assert body["details"] == {"database": "unavailable"}
        assert_error_shape(client.get("/api/v1/greencoins/behaviors"), 503, "database_unavailable")
        assert_error_shape(client.post("/api/v1/auth/login", json={"username": "official", "password": "x"}), 503, "database_unavailable")

        proxy.restore()
        assert client.get("/api/v1/health").json == {"status": "ok", "database": "ok"}
        assert client.get("/api/v1/greencoins/behaviors").status_code == 200
    finally:
        proxy.close()
