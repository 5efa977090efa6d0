"""The template's own Python (hooks, extension, tests) is ruff-clean, like the projects it generates."""

import sys

from conftest import TEMPLATE, run


def test_ruff_check_and_format():
    paths = ["hooks", "tests", "local_extensions.py"]  # the generated project's tree has settings of its own
    run([sys.executable, "-m", "ruff", "check", "--no-cache", *paths], TEMPLATE)
    run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *paths], TEMPLATE)
