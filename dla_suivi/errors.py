"""Error pages that never need the database (it may be the thing that is down).

The 503 page says "the service is momentarily unavailable": it is only for a
database that cannot answer (down, unreachable, or busy: a lock or a timeout).
Any other database error is our bug or a value the database refused (a number
out of range, a query too large): a 500, logged with its traceback, so that it
is fixed instead of passing for an outage.
"""

import logging
import sys

from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

# PostgreSQL SQLSTATE classes and codes of a database that cannot answer now:
# connection exceptions (08), insufficient resources (53), operator intervention
# (57: shutdown, statement timeout), lock not available, serialization and deadlock.
_BUSY_SQLSTATE_CLASSES = ("08", "53", "57")
_BUSY_SQLSTATES = {"55P03", "40001", "40P01"}
# SQLite reports lock contention only in the message.
_BUSY_SQLITE_MESSAGES = ("database is locked", "database table is locked")
_PROBE_TIMEOUT_SECONDS = 2


def server_error(request: HttpRequest) -> HttpResponse:
    _type, error, _tb = sys.exc_info()
    if isinstance(error, DatabaseError) and is_outage(error):
        logger.error("Database unavailable: %s", error)
        template = loader.get_template("503.html")
        return HttpResponse(template.render(), status=503)
    return HttpResponseServerError(loader.get_template("500.html").render())


def is_outage(error: DatabaseError) -> bool:
    """Whether ``error`` means the database cannot answer, rather than refused a query."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False  # data, integrity and programming errors come from the query
    if _is_busy(error):
        return True
    # The same class covers "connection refused" and, on SQLite, "expression tree is
    # too large": ask the database itself, on a connection of its own.
    return not all(_answers(alias) for alias in connections)


def _is_busy(error: DatabaseError) -> bool:
    sqlstate = getattr(error.__cause__, "sqlstate", None) or ""
    if sqlstate.startswith(_BUSY_SQLSTATE_CLASSES) or sqlstate in _BUSY_SQLSTATES:
        return True
    return str(error).startswith(_BUSY_SQLITE_MESSAGES)


def _answers(alias: str = DEFAULT_DB_ALIAS) -> bool:
    settings = dict(connections.settings[alias])
    if settings["ENGINE"] == "django.db.backends.postgresql":
        options = {**settings.get("OPTIONS", {}), "connect_timeout": _PROBE_TIMEOUT_SECONDS}
        settings["OPTIONS"] = options
    probe = connections[alias].__class__(settings, alias)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False
    finally:
        # Django keeps an in-memory SQLite connection open on close(): close it here.
        if probe.connection is not None:
            probe.connection.close()
