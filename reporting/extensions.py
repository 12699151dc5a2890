"""Panels that apps above reporting add to the dashboards and the PDF report.

``pilotage`` shows planned vs achieved objectives and territorial coverage on the
same pages as the statistics, but reporting does not import it: an app contributes
through a ``reporting_panels`` module, found the way the home page finds its
sections (``dla_suivi.views.home_sections``). The module has:

- ``build(query, names) -> dict``: its figures for the query's year and territory,
  JSON-able, computed with the other figures and frozen with a report;
- ``render(panel, data, *, public, pdf) -> list[dict]``: items ``{"template": ...}``
  the dashboard and the PDF include, in that order (``public``: small cells hidden).
"""

from __future__ import annotations

import functools
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "reporting_panels"


@functools.cache
def _contributors() -> tuple[tuple[str, ModuleType], ...]:
    return tuple(
        (config.label, import_module(f"{config.name}.{MODULE}"))
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, MODULE)
    )


def build(query: Any, names: Any) -> dict[str, Any]:
    return {label: module.build(query, names) for label, module in _contributors()}


def render(data: dict, *, public: bool = False, pdf: bool = False) -> list[dict]:
    """What to show, from figures built (and perhaps frozen) earlier; older data has none."""
    panels = data.get("panels") or {}
    items: list[dict] = []
    for label, module in _contributors():
        if label in panels:
            items.extend(module.render(panels[label], data, public=public, pdf=pdf))
    return items
