"""The service: domain logic shared by every deploy target, plus this target's web adapter."""

{{ cookiecutter.project_name | pyassign("SERVICE_NAME") }}
{{ cookiecutter.description | pyassign("DESCRIPTION") }}
__version__ = "0.1.0"
