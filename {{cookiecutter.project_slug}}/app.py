"""Entry point for gunicorn and Azure App Service, which look for a module-level `app` in app.py."""

import sys
from pathlib import Path

# The package lives in src/. Putting it on the path here, rather than in a server setting, lets every launcher
# find it: App Service's default gunicorn command, `gunicorn --check-config`, `flask --app app run`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
{%- if cookiecutter.monitoring %}

from {{ cookiecutter.__module_name }}.telemetry import configure_azure_monitor_if_set

# Before the web module is imported, so that Flask is instrumented when Application Insights is on.
configure_azure_monitor_if_set()

from {{ cookiecutter.__module_name }}.web import create_app  # noqa: E402 - must follow the line above
{%- else %}

from {{ cookiecutter.__module_name }}.web import create_app
{%- endif %}

app = create_app()
