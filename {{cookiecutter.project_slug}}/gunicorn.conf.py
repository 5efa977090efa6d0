"""gunicorn settings.

gunicorn reads ./gunicorn.conf.py by default, so these apply both to the startup command that `make deploy` sets
(`gunicorn --config gunicorn.conf.py app:app`) and to App Service's built-in `gunicorn ... app:app`.
"""

import os

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
