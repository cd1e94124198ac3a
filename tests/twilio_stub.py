"""A local HTTP server that answers like Twilio's Messages API, with scripted failures, for the real twilio client."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class TwilioStub:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.delay = 0.0  # seconds before each answer, to catch a worker mid-batch
        self.script: deque[tuple[int, dict | None]] = deque()
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = stub._answer(self.path, form, self.headers.get("Authorization", ""))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def fail_next(self, status: int, code: int = 20500, message: str = "stub failure") -> None:
        """Script the next answer: an error like Twilio's (e.g. 429, 500, or 400 with code 21211)."""
        self.script.append(
            (status, {"code": code, "message": message, "status": status, "more_info": f"https://www.twilio.com/docs/errors/{code}"})
        )

    def _answer(self, path: str, form: dict, auth: str) -> tuple[int, dict]:
        time.sleep(self.delay)
        with self._lock:
            self.requests.append({"path": path, "form": form, "auth": auth})
            if self.script:
                return self.script.popleft()
        sid = "SM" + uuid.uuid4().hex
        account = path.split("/")[3] if path.count("/") >= 4 else "AC"
        return 201, {
            "sid": sid,
            "account_sid": account,
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"{path[:-5]}/{sid}.json",
        }

    @property
    def sent_bodies(self) -> list[str]:
        return [r["form"].get("Body") for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
