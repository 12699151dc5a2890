import os

from .base import *  # noqa: F403
from .env import env_bool, env_str

SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
# Debug on unless DEBUG=false (e.g. for the web scan of scripts/scan).
DEBUG = env_bool("DEBUG") if os.environ.get("DEBUG") else True
# Serve static files from the apps and static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
