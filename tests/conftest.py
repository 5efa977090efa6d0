"""Shared fixtures for the template's tests: baking projects, running their commands, serving them."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
TARGETS = ("azure-appservice", "aws-sam")
DEFAULT_PYTHON = json.loads((TEMPLATE / "cookiecutter.json").read_text())["python_version"][0]


def bake(output_dir: Path, **answers) -> Path:
    """Generate a project with `--no-input` and these answers; return its directory."""
    context = {key: value for key, value in answers.items()}
    return Path(cookiecutter(str(TEMPLATE), no_input=True, extra_context=context, output_dir=str(output_dir)))


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags: `!Ref X` reads as {"!Ref": "X"}."""


def _tagged(loader: yaml.Loader, tag: str, node: yaml.Node) -> dict:
    if isinstance(node, yaml.ScalarNode):
        return {tag: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {tag: loader.construct_sequence(node, deep=True)}
    return {tag: loader.construct_mapping(node, deep=True)}


CloudFormationLoader.add_multi_constructor("!", _tagged)


def load_yaml(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=CloudFormationLoader)


WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
# Files that tools read as plain ASCII (make, CloudFormation parameters, pip).
ASCII_FILES = ("Makefile", "template.yaml", "samconfig.toml", "requirements.txt", "requirements-dev.txt")


def assert_project_files_valid(project: Path) -> None:
    """Every Python, TOML, YAML and JSON file parses; LF line ends; names that work on Windows; ASCII where needed."""
    for path in project.rglob("*"):
        name = path.relative_to(project)
        assert not set(path.name) & set('<>:"\\|?*') and path.name.split(".")[0].upper() not in WINDOWS_RESERVED, name
        assert not path.name.endswith((" ", ".")), name
        if not path.is_file():
            continue
        data = path.read_bytes()
        assert b"\r" not in data, f"{name}: CR line ends"
        text = data.decode("utf-8")
        if path.name in ASCII_FILES:
            assert text.isascii(), f"{name}: not ASCII"
        if path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in (".yml", ".yaml"):
            assert yaml.load(text, Loader=CloudFormationLoader) is not None
        elif path.suffix == ".py":
            compile(text, str(path), "exec")


def python_bin_dir(version: str) -> Path | None:
    """A directory holding `python<version>`: PATH first, then pyenv's versions."""
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "--version"], capture_output=True).returncode == 0:
        return Path(found).parent
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for candidate in sorted(pyenv_root.glob(f"versions/{version}.*/bin/python{version}"), reverse=True):
        return candidate.parent
    return None


def project_env(python_version: str = DEFAULT_PYTHON) -> dict[str, str]:
    """Environment for a generated project's commands: its Python on PATH, SAM CLI shared, no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST_", "PIP_REQUIRE"))}
    bin_dir = python_bin_dir(python_version)
    if bin_dir is None:
        pytest.fail(f"python{python_version} is needed to test projects for that runtime; install it (pyenv, apt)")
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    env["SAM_CLI_TELEMETRY"] = "0"
    for tool in ("sam", "checkov"):  # shared installs, so that each project does not install its own
        found = os.environ.get(tool.upper()) or shutil.which(tool)
        if found:
            env[tool.upper()] = found
    return env


def run(command: list[str] | str, cwd: Path, env: dict | None = None, timeout: int = 900, check: bool = True):
    """Run a command; on failure show its output so the test report says what broke."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        shell=isinstance(command, str),
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"`{command if isinstance(command, str) else ' '.join(command)}` exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
        )
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    """(status, headers, body bytes) of one HTTP request; 4xx/5xx are returned, not raised."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextlib.contextmanager
def serving(project: Path, env: dict, command: list[str] | None = None, port: int | None = None):
    """Start `make run` (or `command`) on a free port, wait for /health, yield the base URL, then stop it."""
    port = port or free_port()
    command = command or ["make", "run", f"PORT={port}"]
    log = project / f"serve-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            try:
                if http("GET", base + "/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer /health within 60 s:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)
        yield base
    finally:
        stop_process_group(process)


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop a process started with start_new_session=True and everything it started (make -> server -> workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def installed_projects(tmp_path_factory):
    """Projects baked with default answers and installed with `make install`, one per target, made on demand."""
    cache: dict[str, Path] = {}

    def get(target: str) -> Path:
        if target not in cache:
            project = bake(tmp_path_factory.mktemp(target), deploy_target=target)
            run(["make", "install"], project, project_env())
            cache[target] = project
        return cache[target]

    return get
