"""Invalid answers stop generation in pre_gen_project: one clear line naming the answer, nothing left on disk."""

import os
import re
import subprocess
import sys

import pytest
from conftest import TEMPLATE

# (answer, value, words the error line must contain)
INVALID = [
    ("project_slug", "My Service", "kebab-case"),
    ("project_slug", "my_service", "kebab-case"),
    ("project_slug", "-service", "kebab-case"),
    ("project_slug", "service-", "kebab-case"),
    ("project_slug", "9lives", "kebab-case"),
    ("project_slug", "a", "2 to 40"),
    ("project_slug", "a" * 41, "2 to 40"),
    ("project_slug", "email", "shadow"),
    ("project_slug", "flask", "shadow"),
    ("project_slug", "class", "identifier"),
    ("description", "two\nlines", "line break"),
    ("author_email", "not-an-email", "e-mail"),
    ("alarm_email", "ops@", "e-mail"),
    ("schedule_minutes", "0", "1 to 1440"),
    ("schedule_minutes", "1441", "1 to 1440"),
    ("schedule_minutes", "five", "1 to 1440"),
    ("region", "Europe West", "Azure location"),
]


def generate(tmp_path, *answers: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", str(tmp_path), *answers]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("key", "value", "words"), INVALID, ids=[f"{k}={v!r}"[:40] for k, v, _ in INVALID])
def test_invalid_answer_stops_with_one_line_and_writes_nothing(tmp_path, key, value, words):
    result = generate(tmp_path, f"{key}={value}")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, result.stderr
    assert key.split("_")[0] in errors[0] or "module name" in errors[0]
    assert words in errors[0]
    assert_no_traceback_from_the_template(result)
    assert list(tmp_path.iterdir()) == []


def assert_no_traceback_from_the_template(result: subprocess.CompletedProcess) -> None:
    """cookiecutter 2.7 logs its own FailedHookException with a traceback; no frame may come from the hooks."""
    frames = re.findall(r'File "([^"]+)"', result.stderr + result.stdout)
    assert all(f"{os.sep}cookiecutter{os.sep}" in frame for frame in frames), frames


@pytest.mark.parametrize("name", ["!!!", "💰🚀", "   "])
def test_a_name_without_letters_asks_for_a_slug(tmp_path, name):
    result = generate(tmp_path, f"project_name={name}")
    assert result.returncode != 0
    assert "ERROR: project_slug cannot be made from project_name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_very_long_name_is_refused_with_its_length(tmp_path):
    result = generate(tmp_path, "project_name=" + "Very Long Service Name " * 30)
    assert result.returncode != 0
    assert "ERROR: project_name is 690 characters long: use at most 100." in result.stderr
    assert_no_traceback_from_the_template(result)
    assert list(tmp_path.iterdir()) == []


def test_blank_project_name_is_refused(tmp_path):
    result = generate(tmp_path, "project_name=   ", "project_slug=blank-name")
    assert result.returncode != 0
    assert "ERROR: project_name is empty" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_slug_cannot_write_outside_the_output_directory(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    result = generate(output, "project_slug=../escape")
    assert result.returncode != 0
    assert "kebab-case" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["output"]
    assert list(output.iterdir()) == []


def test_region_is_checked_against_the_target(tmp_path):
    result = generate(tmp_path, "deploy_target=aws-sam", "region=westeurope")
    assert result.returncode != 0
    assert "AWS region" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_every_invalid_answer_is_reported_at_once(tmp_path):
    result = generate(tmp_path, "project_slug=Bad Slug", "author_email=nope", "schedule_minutes=0")
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 3, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_default_answers_bake(tmp_path):
    result = generate(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "change-service" / "Makefile").is_file()


def test_failed_generation_over_an_existing_directory_keeps_its_files(tmp_path):
    existing = tmp_path / "my-service"
    existing.mkdir()
    (existing / "notes.txt").write_text("keep me")
    result = generate(tmp_path, "--overwrite-if-exists", "project_slug=my-service", "author_email=bad")
    assert result.returncode != 0
    assert (existing / "notes.txt").read_text() == "keep me"
