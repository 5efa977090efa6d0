"""The HTTP routes. Request and response shapes come from `schemas`, which also feed /openapi.json."""

from flask_openapi3 import APIBlueprint, Tag

from . import DESCRIPTION, SERVICE_NAME, __version__
from .change import make_change
from .schemas import ChangeRequest, ChangeResponse, ErrorResponse, Health, ServiceInfo

api = APIBlueprint("api", __name__)
service = Tag(name="service")
change = Tag(name="change")
ERRORS = {400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse}


@api.get("/health", tags=[service], responses={200: Health})
def health():
    """Liveness: answers without touching any dependency."""
    return Health().model_dump()


@api.get("/", tags=[service], responses={200: ServiceInfo})
def info():
    """The service's name and version."""
    return ServiceInfo(name=SERVICE_NAME, description=DESCRIPTION, version=__version__).model_dump()


@api.post("/api/change", tags=[change], responses={200: ChangeResponse, **ERRORS})
def make_change_for(body: ChangeRequest):
    """The fewest coins that make up a dollar amount."""
    return ChangeResponse.from_change(make_change(body.cents)).model_dump()
