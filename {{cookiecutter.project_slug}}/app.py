"""Entry point for gunicorn and Azure App Service, which look for a module-level `app` in app.py."""

import sys
from pathlib import Path

# The package lives in src/. Putting it on the path here, rather than in a server setting, lets every launcher
# find it: App Service's default gunicorn command, `gunicorn --check-config`, `flask --app app run`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from {{ cookiecutter.__module_name }}.web import create_app

app = create_app()
