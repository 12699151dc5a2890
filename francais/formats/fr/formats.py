"""French formats: Django's, with abbreviated months and « à » before the time.

``30 nov. 2026`` and ``30 nov. 2026 à 12:02`` (``N`` is the abbreviated month);
input formats unchanged."""

from django.conf.locale.fr.formats import *  # noqa: F403

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y à H:i"
SHORT_DATETIME_FORMAT = "d/m/Y à H:i"
YEAR_MONTH_FORMAT = "F Y"
