"""Error pages that never need the database (it may be the thing that is down)."""

import logging
import sys

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)


def server_error(request):
    _type, error, _tb = sys.exc_info()
    if isinstance(error, DatabaseError):
        logger.error("Database unavailable: %s", error)
        template = loader.get_template("503.html")
        return HttpResponse(template.render(), status=503)
    return HttpResponseServerError(loader.get_template("500.html").render())
