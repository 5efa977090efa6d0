"""Logs, metrics and traces for every Lambda function, with one metrics namespace.

The CloudWatch alarms and dashboard in template.yaml name the same namespace and metric names; a test checks
that they match what the code emits.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer

METRICS_NAMESPACE = "{{ cookiecutter.project_slug }}"

logger = Logger()  # JSON logs; service name from POWERTOOLS_SERVICE_NAME
tracer = Tracer()  # X-Ray; switched off outside Lambda
metrics = Metrics(namespace=METRICS_NAMESPACE)  # embedded metric format, written with the logs
