"""A minimal WebDriver BiDi client, enough to open a page in a real headless Firefox.

Playwright drives only its own patched Firefox, which cannot be downloaded here; stock
Firefox speaks WebDriver BiDi itself, so the tests talk to it directly.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import tempfile
import time
from typing import Any

from websockets.sync.client import connect


class Firefox:
    def __init__(self, executable: str, port: int = 0):
        self.profile = tempfile.mkdtemp(prefix="netmap-firefox-")
        if not port:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-remote",
                "--profile",
                self.profile,
                f"--remote-debugging-port={port}",
                "--window-size=1400,900",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError("firefox did not open its WebDriver BiDi port") from None
                time.sleep(0.1)
        self._connection = connect(f"ws://127.0.0.1:{port}/session", max_size=64 * 2**20)
        self.ws = self._connection.__enter__()  # closed in close()
        self.counter = 0
        self.events: list[dict[str, Any]] = []
        self.call("session.new", {"capabilities": {}})
        self.call("session.subscribe", {"events": ["log.entryAdded"]})
        self.context = self.call("browsingContext.getTree", {})["contexts"][0]["context"]

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.counter:
                if message.get("type") == "error":
                    raise RuntimeError(f"{method}: {message.get('error')}: {message.get('message')}")
                return message["result"]
            self.events.append(message)

    def open(self, url: str, ready: str, timeout: float = 30) -> None:
        self.call("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})
        deadline = time.monotonic() + timeout
        while self.evaluate(ready) is not True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"page not ready: {ready}")
            time.sleep(0.1)

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "script.evaluate",
            {"expression": f"JSON.stringify({expression})", "target": {"context": self.context}, "awaitPromise": False},
        )["result"]
        return json.loads(result["value"]) if result.get("type") == "string" else None

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("browsingContext.captureScreenshot", {"context": self.context})["data"])

    def logs(self) -> list[str]:
        return [e["params"].get("text", "") for e in self.events if e.get("method") == "log.entryAdded"]

    def close(self) -> None:
        try:
            self.call("session.end", {})
        except Exception:
            pass
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
