"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser build)."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: run `make test-setup` (apt-get install chromium)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            # A synthetic camera, granted without asking: the counter's photo capture is tested.
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def demo(transactional_db):
    """Load the reference data and the demo accounts, as `make demo` does."""
    from django.core.management import call_command

    call_command("load_reference", verbosity=0)
    call_command("load_demo", password="openbmis-demo", verbosity=0)
    return "openbmis-demo"
