"""Headless Chromium driven over the DevTools protocol on a pipe (no port, no extra package).

Used by the browser tests: open a page from file://, collect console errors, uncaught exceptions and
every request the page makes, wait for plotly to draw, and take screenshots.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageReport:
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


class Chromium:
    """One headless browser process; ``open`` gives a tab (a CDP session) at a URL."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="dd-chromium-")
        cmd_read, self._cmd_write = os.pipe()
        self._evt_read, evt_write = os.pipe()

        def wire_pipes() -> None:  # in the child: Chromium reads commands on fd 3, writes replies to fd 4
            a, b = os.dup(cmd_read), os.dup(evt_write)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - open for the browser's whole life, closed in close()
        self._process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            preexec_fn=wire_pipes,
            pass_fds=(3, 4),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        os.close(cmd_read)
        os.close(evt_write)
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._evt_read, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._replies[-1] = {"error": {"message": "chromium closed the pipe"}}
                    self._lock.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self._lock:
                    if "id" in message:
                        self._replies[message["id"]] = message
                    else:
                        self._events.append(message)
                    self._lock.notify_all()

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None, timeout: float = 30.0
    ) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._cmd_write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._lock:
            while ident not in self._replies:
                if -1 in self._replies:
                    raise RuntimeError(f"{method}: chromium exited ({self.stderr_tail()})")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{method}: no reply from chromium within {timeout} s")
                self._lock.wait(remaining)
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def wait_for(self, method: str, session: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for event in self._events:
                    if event.get("method") == method and event.get("sessionId") == session:
                        self._events.remove(event)
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {method} within {timeout} s")
                self._lock.wait(remaining)

    def events(self, session: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._events if e.get("sessionId") == session]

    def stderr_tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-2000:].decode(errors="replace")

    def open(self, url: str, width: int = 1400, height: int = 2400) -> Tab:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Page.setLifecycleEventsEnabled", {"enabled": True}, session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        tab = Tab(self, target, session, url)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        return tab

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._cmd_write)
        self._stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Tab:
    browser: Chromium
    target: str
    session: str
    url: str

    def evaluate(self, expression: str) -> Any:
        result = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_until(self, expression: str, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return True
            time.sleep(0.1)
        return False

    def report(self) -> PageReport:
        """Console errors, uncaught exceptions, failed loads, dialogs and every URL requested so far."""
        report = PageReport(self.url)
        for event in self.browser.events(self.session):
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                report.errors.append(
                    "uncaught: " + str(details.get("exception", {}).get("description") or details.get("text"))
                )
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                report.errors.append(
                    "console: " + " ".join(str(a.get("value", a.get("description"))) for a in params.get("args", []))
                )
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                report.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
            elif method == "Network.requestWillBeSent":
                report.requests.append(params.get("request", {}).get("url", ""))
            elif method == "Network.loadingFailed":
                report.errors.append(f"failed to load: {params.get('errorText')}")
            elif method == "Page.javascriptDialogOpening":
                report.dialogs.append(params.get("message", ""))
        return report

    def toolbar_buttons(self) -> list[dict[str, str]]:
        """Every button of every plotly chart toolbar on the page: its name (data-val or data-attr) and title."""
        return (
            self.evaluate(
                "Array.from(document.querySelectorAll('.modebar-btn, .modebar a, .modebar button'))"
                ".map(function (b) { return {name: b.getAttribute('data-val') || b.getAttribute('data-attr') || '',"
                " title: b.getAttribute('data-title') || b.getAttribute('title') || '',"
                " href: b.getAttribute('href') || ''}; })"
            )
            or []
        )

    def screenshot(
        self, path: Path, full_page: bool = False, scale: float = 1.0, clip_height: int | None = None
    ) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page or clip_height or scale != 1.0:
            metrics = self.browser.send("Page.getLayoutMetrics", session=self.session)
            size = metrics["cssContentSize"]
            height = size["height"] if full_page else (clip_height or metrics["cssLayoutViewport"]["clientHeight"])
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": min(height, size["height"]),
                "scale": scale,
            }
            params["captureBeyondViewport"] = True
        data = self.browser.send("Page.captureScreenshot", params, session=self.session, timeout=60)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def print_pdf(self) -> bytes:
        data = self.browser.send(
            "Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session=self.session, timeout=60
        )["data"]
        return base64.b64decode(data)

    def emulate_print(self, width: int) -> None:
        """Show the page as it prints: print media and a page-wide viewport, print handlers run."""
        self.browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=self.session)
        self.browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 1200, "deviceScaleFactor": 1, "mobile": False},
            session=self.session,
        )
        self.evaluate("window.dispatchEvent(new Event('beforeprint')); true")

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
