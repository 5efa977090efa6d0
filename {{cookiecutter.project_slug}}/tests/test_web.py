"""What Azure App Service relies on: a module-level `app` in app.py, startup with no settings, gunicorn's config."""

import importlib
import subprocess
import sys
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def test_app_py_exposes_a_module_level_app(monkeypatch):
    for name in ("APPLICATIONINSIGHTS_CONNECTION_STRING", "FLASK_DEBUG", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    module = importlib.import_module("app")
    assert isinstance(module.app, Flask)
    assert module.app.test_client().get("/health").status_code == 200


def test_debug_is_off_by_default(api):
    from app import app

    assert app.debug is False


def test_app_service_warmup_ping_gets_a_json_404(api):
    response = api.request("GET", "/robots933456.txt")
    assert response.status == 404
    assert response.json()["status"] == 404


def test_gunicorn_config_is_valid():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "app:app"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_no_directory_that_app_service_would_misread():
    """Oryx treats a first-level folder with wsgi.py as Django; `az webapp up` skips folders named like env."""
    for path in ROOT.iterdir():
        if path.is_dir() and not path.name.startswith("."):
            assert not (path / "wsgi.py").exists(), path
            assert "env" not in path.name.lower(), path
