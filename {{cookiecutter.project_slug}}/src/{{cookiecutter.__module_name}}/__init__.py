"""The service: domain logic shared by every deploy target, plus this target's web adapter."""

SERVICE_NAME = {{ cookiecutter.project_name | pystr }}
DESCRIPTION = {{ cookiecutter.description | pystr }}
__version__ = "0.1.0"
