"""Entry point for gunicorn and Azure App Service, which look for a module-level `app` in app.py."""

from {{ cookiecutter.__module_name }}.web import create_app

app = create_app()
