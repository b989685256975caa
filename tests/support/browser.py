"""Shared pieces of the real-browser tests: how chromium is launched, viewports, page logs."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The CI network reaches only package registries; without these, chromium's
    # background connections are refused and it misbehaves.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}

# Playwright waits (milliseconds): short enough that a broken page fails fast.
ACTION_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 20_000

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 740}


@dataclass
class PageLog:
    """What went wrong while a page was open: console errors, uncaught errors, bad requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Page) -> PageLog:
        log = cls()

        def on_console(msg: Any) -> None:
            if msg.type == "error":
                loc = msg.location or {}
                where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
                log.console_errors.append(f"{msg.text}{where}")

        page.on("console", on_console)
        page.on("pageerror", lambda err: log.page_errors.append(str(err)))
        page.on("request", lambda req: log.requests.append(f"{req.method} {req.url}"))
        page.on(
            "requestfailed",
            lambda req: log.failed_requests.append(f"{req.method} {req.url}: {req.failure}"),
        )

        def on_response(res: Any) -> None:
            if res.status >= 400:
                log.error_responses.append(f"{res.status} {res.request.method} {res.url}")

        page.on("response", on_response)
        return log

    @property
    def problems(self) -> list[str]:
        return [
            *(f"console error: {m}" for m in self.console_errors),
            *(f"page error: {m}" for m in self.page_errors),
            *(f"request failed: {m}" for m in self.failed_requests),
            *(f"HTTP error: {m}" for m in self.error_responses),
        ]


class PageLogs:
    """Per-page logs: ``page_logs.watch(page)`` starts one, ``page_logs[page]`` reads it."""

    def __init__(self) -> None:
        self._logs: dict[int, PageLog] = {}

    def watch(self, page: Page) -> PageLog:
        if id(page) not in self._logs:
            self._logs[id(page)] = PageLog.attach(page)
        return self._logs[id(page)]

    def __getitem__(self, page: Page) -> PageLog:
        return self._logs[id(page)]


# open_page("stories/x/", viewport=PHONE, javascript=False) -> a loaded Page
OpenPage = Callable[..., "Page"]
