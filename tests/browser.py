"""Headless Debian Chromium through Playwright, for the cockpit's and the mini-app's browser tests."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import urlparse

import requests
from playwright.sync_api import sync_playwright

from config import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {_output(process)}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


def _output(process: subprocess.Popen) -> str:
    process.log.seek(0)
    return process.log.read()[-4000:]


@contextmanager
def server(command: list[str], env: dict, health_url: str):
    """A server process for the test's duration. Its output goes to a file, never a pipe nobody reads: a full pipe
    would block the server mid-request."""
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        process.log = log
        try:
            wait_until_up(health_url, process)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def chromium():
    """Debian's Chromium, headless, for as long as the block lasts (one launch can serve many pages)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def page_in(browser, width: int = 1440, height: int = 1000, **context_options):
    """A fresh context and page whose requests to any host but this machine are recorded in ``page.outside_requests``."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", **context_options)
    page = context.new_page()
    page.outside_requests = []

    def record(request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in ("127.0.0.1", "localhost"):
            page.outside_requests.append(request.url)

    page.on("request", record)
    try:
        yield page
    finally:
        context.close()


@contextmanager
def browser_page(width: int = 1440, height: int = 1000, **context_options):
    """A page in a browser of its own (see ``page_in``)."""
    with chromium() as browser, page_in(browser, width, height, **context_options) as page:
        yield page
