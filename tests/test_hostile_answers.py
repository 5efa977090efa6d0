"""Hostile answers: each one bakes a valid project with the text intact, or is refused with one line and no files.

No answer may run code, whether in the hooks, in cookiecutter's rendering of `--no-input` answers, or in the
generated files.
"""

import ast
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import TARGETS, TEMPLATE, assert_project_files_valid, run

# Text that must come through intact (field, value).
BAKES = {
    "accents": ("project_name", "Café Crème Coins"),
    "cjk": ("project_name", "零钱 Change Service"),
    "emoji": ("project_name", "💰 Coin Counter"),
    "apostrophes": ("project_name", "O'Brien's Coins"),
    "double-quotes": ("project_name", 'The "Coin" Service'),
    "trailing-backslash": ("project_name", "Coins \\"),
    "triple-quotes": ("description", "Ends with \"\"\" and ''' and a backslash \\"),
    "python-injection": ("description", '"; import os; os.system("touch {marker}"); x = "'),
    "shell-injection": ("author_name", "$(touch {marker}) `touch {marker}`"),
    "yaml-toml-breakers": ("description", "key: value # not a comment [x] {y} & *z !tag |"),
    "html": ("description", "<script>alert(1)</script> & &amp;"),
    "one-character-name": ("project_name", "X Coins"),
    "emoji-author": ("author_name", "Ana 🚀"),
    "emoji-description": ("description", "Fast 🚀 change, 零钱"),
    "long-wide-name": ("project_name", "零" * 50),
    "long-description": ("description", "D" * 107),
    "longest-description": ("description", "d" * 300),
}
# Answers refused by the pre-generation hook (field, value, words in the one ERROR line).
REFUSED = {
    "newline": ("project_name", "Two\nLines", "line break"),
    "tab": ("author_name", "A\tB", "control character"),
    "starts-with-digit": ("project_name", "3D Coins", "kebab-case"),
    "only-symbols": ("project_name", "!!!", "cannot be made"),
    "one-character-slug": ("project_slug", "x", "2 to 40"),
    "very-long-name": ("project_name", "N" * 101, "at most 100"),
    "slug-with-dots": ("project_slug", "my.service", "kebab-case"),
    "bidi-override": ("project_name", "Coin\u202e Counter", "text-direction"),
    "non-ascii-email": ("author_email", "zoë@exämple.com", "e-mail"),
    "slug-shadowing-a-test-tool": ("project_slug", "schemathesis", "shadow"),
    "slug-shadowing-conftest": ("project_slug", "conftest", "shadow"),
}
# Template syntax in answers given with --no-input: cookiecutter renders them; the sandbox stops code.
TEMPLATE_INJECTION = {
    "globals": "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch MARKER') }}",
    "class-walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler": "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "format": "{{ '{0.__class__}'.format(cookiecutter) }}",
}


def generate(output: Path, *answers: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", str(output), *answers]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("field", "value"), BAKES.values(), ids=BAKES.keys())
def test_hostile_text_bakes_intact_and_runs_nothing(tmp_path, target, field, value):
    marker = Path(f"/tmp/ran-{uuid.uuid4().hex[:8]}")  # short: the answers have length limits
    value = value.replace("{marker}", str(marker))
    output = tmp_path / "out"
    result = generate(output, f"deploy_target={target}", "project_slug=hostile-coins", f"{field}={value}")
    assert result.returncode == 0, result.stderr
    project = output / "hostile-coins"
    assert_project_files_valid(project)
    recorded = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    assert recorded[field] == value
    package = ast.parse((project / "src/hostile_coins/__init__.py").read_text())
    constants = {
        node.targets[0].id: ast.literal_eval(node.value) for node in package.body if isinstance(node, ast.Assign)
    }
    if field == "project_name":
        assert constants["SERVICE_NAME"] == value
    if field == "description":
        assert constants["DESCRIPTION"] == value
    run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)
    assert not marker.exists(), "an answer ran code"


@pytest.mark.parametrize(("field", "value", "words"), REFUSED.values(), ids=REFUSED.keys())
def test_hostile_answer_is_refused_with_one_line(tmp_path, field, value, words):
    result = generate(tmp_path, f"{field}={value}")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert errors and words in errors[0], result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("payload", TEMPLATE_INJECTION.values(), ids=TEMPLATE_INJECTION.keys())
@pytest.mark.parametrize("field", ["project_name", "description"])
def test_template_syntax_in_answers_cannot_run_code(tmp_path, payload, field):
    marker = tmp_path / "ran"
    output = tmp_path / "out"
    result = generate(output, "project_slug=safe-coins", f"{field}={payload.replace('MARKER', str(marker))}")
    assert not marker.exists(), "an answer ran code"
    assert result.returncode != 0
    assert "SecurityError" in result.stderr
    assert not output.exists() or list(output.iterdir()) == []


def test_generating_over_an_existing_project_keeps_it_when_the_hook_fails(tmp_path):
    existing = tmp_path / "keep-me"
    (existing / "src").mkdir(parents=True)
    (existing / "src" / "work.py").write_text("print('mine')\n")
    result = generate(tmp_path, "--overwrite-if-exists", "project_slug=keep-me", "schedule_minutes=0")
    assert result.returncode != 0
    assert (existing / "src" / "work.py").read_text() == "print('mine')\n"
    assert sorted(path.name for path in existing.rglob("*")) == ["src", "work.py"]
