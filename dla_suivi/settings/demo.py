"""`make demo`: the product as people will meet it, on the demo data.

The development settings without debug: French 404/403/500 pages instead of Django's
debug page. Static files are served by WhiteNoise (from the apps and static/, no
collectstatic), as runserver stops serving them once DEBUG is off.
"""

from .dev import *  # noqa: F403

DEBUG = False
