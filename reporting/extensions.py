"""Panels that apps above reporting add to the dashboards and the PDF report.

``pilotage`` shows planned vs achieved objectives and territorial coverage on the
same pages as the statistics, but reporting does not import it: an app contributes
through a ``reporting_panels`` module, found the way the home page finds its
sections (``dla_suivi.views.home_sections``). The module has:

- ``build(query, names) -> dict``: its figures for the query's year and territory,
  JSON-able, computed with the other figures and frozen with a report;
- ``render(panel, data, *, public, pdf) -> list[dict]``: items ``{"template": ...}``
  the dashboard and the PDF include, in that order (``public``: small cells hidden);
- optionally ``summarise(query, names) -> dict``: the costly, data-derived part of its
  figures for one territory and year, JSON-able, which ``reporting.summaries`` stores
  with the territory's figures and keeps up to date; ``build`` then receives it as
  ``summary`` (``None`` when there is none: it computes everything itself).
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


def build(query: Any, names: Any, summaries: dict | None = None) -> dict[str, Any]:
    """Each app's panel; ``summaries``: what ``summarise`` stored for the territory."""
    built = {}
    for label, module in _contributors():
        if summaries is not None and hasattr(module, "summarise"):
            built[label] = module.build(query, names, summary=summaries.get(label))
        else:
            built[label] = module.build(query, names)
    return built


def summarise(query: Any, names: Any) -> dict[str, Any]:
    """What each app stores with a territory's maintained figures (``reporting.summaries``)."""
    return {
        label: module.summarise(query, names)
        for label, module in _contributors()
        if hasattr(module, "summarise")
    }


def render(data: dict, *, public: bool = False, pdf: bool = False) -> list[dict]:
    """What to show, from figures built (and perhaps frozen) earlier; older data has none."""
    panels = data.get("panels") or {}
    items: list[dict] = []
    for label, module in _contributors():
        if label in panels:
            items.extend(module.render(panels[label], data, public=public, pdf=pdf))
    return items
