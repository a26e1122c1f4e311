"""Browser tests: Playwright driving the machine's chromium against pytest-django's live server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "test-results"


def chromium() -> str:
    """$CHROMIUM as `make test` sets it, else what bin/find-chromium finds or installs; a failure is an error."""
    path = os.environ.get("CHROMIUM", "")
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    found = subprocess.run([sys.executable, ROOT / "bin" / "find-chromium"], capture_output=True, text=True)
    if found.returncode:
        pytest.fail((found.stderr.strip().splitlines() or ["bin/find-chromium failed"])[-1], pytrace=False)
    return found.stdout.strip()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium(),
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
    }  # fmt: skip


@pytest.fixture
def csp_violations(page):
    """Console errors from the Content Security Policy: a test asserts there are none."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def run_one_task_while_polls_wait(page, polls) -> None:
    """A db_worker run of one task here, in the test's thread, while the page's htmx polls of `polls` (a URL
    pattern) wait: SQLite's shared in-memory test database locks whole tables between threads (PostgreSQL
    would not mind)."""
    from django_tasks_db.management.commands.db_worker import Worker

    page.route(polls, lambda route: route.abort())
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=1, worker_id="e2e", excluded_queue_names=[],
    ).run()  # fmt: skip
    page.unroute(polls)
