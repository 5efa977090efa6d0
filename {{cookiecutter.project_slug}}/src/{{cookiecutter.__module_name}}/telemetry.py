"""Azure Monitor (Application Insights): requests, dependencies, logs and exceptions, sent when it is configured.

App Service sets APPLICATIONINSIGHTS_CONNECTION_STRING when Application Insights is turned on for the app (or set it
yourself as an app setting). Without it nothing is sent and the SDK is not even imported.
"""

import os


def configure_azure_monitor_if_set() -> bool:
    """Send telemetry to Application Insights when its connection string is set; return whether it is on.

    Call it before importing the web module: the distro instruments Flask by replacing `flask.Flask`, so only app
    classes defined afterwards (flask_openapi3's OpenAPI subclasses Flask when it is imported) are traced.
    """
    if not os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING"):
        return False
    # Imported here: the SDK and its instrumentations take a noticeable time to import, which an app that does not
    # use them should not pay at every start.
    from azure.monitor.opentelemetry import configure_azure_monitor

    configure_azure_monitor()
    return True
