"""The public register of companies (API Recherche d'entreprises): lookups that prefill
structures, the import preview's "vérifié au répertoire" column and the weekly re-check.

The register only ever proposes: nothing is saved until a person confirms a form, and
the register being down or slow never stops anyone typing a structure by hand.
"""

from .client import RegisterUnavailable, enabled, find_siret, search
from .mapping import Entry

__all__ = ["Entry", "RegisterUnavailable", "enabled", "find_siret", "search"]
