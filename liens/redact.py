"""A logging filter that masks secrets found in URLs (personal links, password resets)."""

import logging
import re

SECRET_PATHS = re.compile(r"(/lien/|/mot-de-passe/reinitialiser/)[^\s\"'?]+")


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if SECRET_PATHS.search(message):
            record.msg = SECRET_PATHS.sub(r"\1[masqué]", message)
            record.args = ()
        return True
