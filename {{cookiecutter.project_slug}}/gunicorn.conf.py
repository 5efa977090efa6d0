"""gunicorn settings.

gunicorn reads ./gunicorn.conf.py by default, so these apply both to the startup command that `make deploy` sets
(`gunicorn --config gunicorn.conf.py app:app`) and to App Service's built-in `gunicorn ... app:app`.
"""

import os
{%- if cookiecutter.monitoring %}
import tempfile
from pathlib import Path
{%- endif %}

# App Service routes traffic to port 8000 unless the PORT/WEBSITES_PORT settings say otherwise.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# The platform default is one sync worker, which serves one request at a time. Several processes use every core;
# WEB_CONCURRENCY overrides the count (an app setting on App Service, an environment variable locally).
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
timeout = 30
graceful_timeout = 20

# App Service's front end terminates TLS and is the only client that reaches the container.
forwarded_allow_ips = "*"

# Logs go to stdout/stderr, which App Service's log stream and `az webapp log tail` show.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
{%- if cookiecutter.monitoring %}

# Prometheus metrics from every worker: each worker writes its counts to files in this directory and /metrics adds
# them up (see metrics.py in the package). App Service runs one container, so a local temporary directory will do,
# by default /tmp/<app name>-prometheus. PROMETHEUS_MULTIPROC_DIR chooses another one; two servers of this app on
# one machine need one each.
METRICS_DIR_NAME = "{{ cookiecutter.project_slug }}-prometheus"
metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or Path(tempfile.gettempdir(), METRICS_DIR_NAME))


def on_starting(server):
    """Runs in the master before any worker imports the app, which is when prometheus_client picks its mode."""
    metrics_dir.mkdir(parents=True, exist_ok=True)
    # Counts left by an earlier run would be added to this one's. Only prometheus_client's own files are removed.
    for leftover in metrics_dir.glob("*.db"):
        leftover.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)


def child_exit(server, worker):
    # Imported here, not at the top: imported in the master before on_starting, prometheus_client would stay in
    # single-process mode in every forked worker. (So do not turn on preload_app, which imports the app early.)
    from prometheus_client import multiprocess

    # Drops the dead worker's live gauges; its counters stay in the totals, as counters should.
    multiprocess.mark_process_dead(worker.pid)
{%- endif %}
