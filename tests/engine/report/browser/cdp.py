"""A minimal Chrome DevTools Protocol client: start the system's headless Chromium, load a page, measure it.

No browser download: uses `chromium` from the PATH (Debian's package; `.ci/run` installs it).
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]

# Elements wider than the viewport that do not sit inside a horizontal scroll box (or are one).
OVERFLOW_JS = """
(() => {
  const vw = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    let p = el, boxed = false;
    while (p && p !== document.body) {
      const s = getComputedStyle(p);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && p.getBoundingClientRect().right <= vw + 1) {
        boxed = true; break;
      }
      p = p.parentElement;
    }
    if (!boxed) bad.push(el.tagName + (el.className ? '.' + el.className : '') + ' right=' + Math.round(r.right));
  }
  return {viewport: vw, scrollWidth: document.documentElement.scrollWidth, bad: bad.slice(0, 20)};
})()
"""
# Columns (by header text) that are missing, or not wholly in view at this width without scrolling: the header's
# right edge beyond its table's scroll box or the viewport. Headers inside a closed details fold do not count.
COLUMNS_JS = """
((names) => {
  const vw = document.documentElement.clientWidth;
  const out = {};
  for (const name of names) {
    const ths = [...document.querySelectorAll('th')].filter(th => th.textContent.trim() === name && !th.closest('details'));
    if (!ths.length) { out[name] = 'missing'; continue; }
    for (const th of ths) {
      let box = th.parentElement;
      while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
      const r = th.getBoundingClientRect();
      const right = Math.min(box ? box.getBoundingClientRect().right : vw, vw);
      if (r.right > right + 1) out[name] = 'hidden: right edge ' + Math.round(r.right) + ' > ' + Math.round(right);
    }
  }
  return out;
})
"""
# Number cells (and headline tiles) whose text is wider than the cell shows: cut mid-glyph.
CLIPPED_JS = """
(() => {
  const number = /^[\u2212+$-]?[0-9][0-9,.]*[%×]?( to [\u2212+$-]?[0-9][0-9,.]*[%×]?)?$/;
  const out = [];
  for (const el of document.querySelectorAll('td, th, .tile .v, .tile .b')) {
    const text = el.textContent.trim();
    if (!number.test(text) || el.closest('details:not([open])')) continue;
    if (el.scrollWidth > el.clientWidth + 1) out.push(text + ' (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
  }
  return out.slice(0, 20);
})()
"""
# A table cell whose text is wider than the cell (text that never wraps in a column squeezed too narrow): it runs
# into the next cell, or is cut. Any text, not only a number (CLIPPED_JS names cut numbers by their value).
CELL_OVERRUN_JS = """
(() => {
  const out = [];
  for (const el of document.querySelectorAll('td, th')) {
    if (el.closest('details:not([open])') || el.offsetParent === null) continue;
    if (el.scrollWidth > el.clientWidth + 1) out.push(el.textContent.trim().slice(0, 40) + ' (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
  }
  return out.slice(0, 20);
})()
"""
IMAGES_JS = "Array.from(document.images).map(i => ({alt: i.alt, w: i.naturalWidth, complete: i.complete}))"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One headless Chromium with one page target, driven over its DevTools websocket."""

    def __init__(self, binary: str | None = None, timeout: float = 30.0):
        from websockets.sync.client import connect  # websockets (dev dependency)

        self.binary = binary or chromium_path()
        if not self.binary:
            raise RuntimeError("chromium not found on the PATH (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="rtybt-chromium-")
        port = _free_port()
        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--remote-debugging-port={port}", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        targets = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as resp:
                    targets = [t for t in json.load(resp) if t.get("type") == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if not targets:
            self.close()
            raise RuntimeError("chromium did not open its DevTools port")
        # No Origin header (Chromium refuses unknown origins); screenshots exceed the default 1 MiB frame limit.
        # __enter__ opens the connection on every websockets version (a bare connect() is deprecated in 17).
        self.ws = connect(targets[0]["webSocketDebuggerUrl"], open_timeout=timeout, max_size=None).__enter__()
        self.timeout = timeout
        self._id = 0
        self.console_errors: list[str] = []
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Log.enable")

    def _record(self, message: dict) -> None:
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            self.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.console_errors.append(params["entry"].get("text", ""))

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=self.timeout))
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._record(message)

    def wait_event(self, name: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            self._record(message)
            if message.get("method") == name:
                return message.get("params", {})
        raise TimeoutError(name)

    def open(self, path: Path, width: int, height: int = 900, scale: float = 1.0) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=scale,
                  mobile=width < 600)
        self.call("Page.navigate", url=Path(path).resolve().as_uri())
        self.wait_event("Page.loadEventFired")

    def eval(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("text"))
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            w = self.eval("document.documentElement.scrollWidth")
            hgt = self.eval("document.documentElement.scrollHeight")
            params["clip"] = {"x": 0, "y": 0, "width": w, "height": hgt, "scale": 1}
        data = self.call("Page.captureScreenshot", **params)["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def close(self) -> None:
        try:
            if getattr(self, "ws", None):
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
