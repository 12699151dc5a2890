"""Production installs the runtime group only (Dockerfile: ``uv sync --no-dev``): every
module it may load must import nothing that only the dev group brings."""

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Loaded only by `make demo`, the tests and the benchmarks, which install the dev group.
DEV_ONLY = ("demo.", "benchmarks.", "tests.")
ALWAYS_LOADED = ("demo", "demo.apps")

SCRIPT = """
import importlib, importlib.abc, json, sys

blocked = set(json.loads(sys.argv[1]))


class DevOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in blocked:
            raise ModuleNotFoundError(f"{name} comes from the dev group only", name=name)
        return None


sys.meta_path.insert(0, DevOnly())
import django

django.setup()
for module in json.loads(sys.argv[2]):
    importlib.import_module(module)
"""


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions() -> set[str]:
    """The project's runtime dependencies and theirs, extras included, from uv.lock."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    packages = {_normalise(p["name"]): p for p in lock["package"]}
    todo = list(packages["dla-suivi"]["dependencies"])
    seen: set[tuple[str, str]] = set()
    names: set[str] = set()
    while todo:
        dependency = todo.pop()
        name = _normalise(dependency["name"])
        for extra in ["", *dependency.get("extra", [])]:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            names.add(name)
            package = packages[name]
            if extra:
                todo += package.get("optional-dependencies", {}).get(extra, [])
            else:
                todo += package.get("dependencies", [])
    return names


def dev_only_modules() -> list[str]:
    runtime = runtime_distributions()
    return sorted(
        module
        for module, distributions in importlib.metadata.packages_distributions().items()
        if not any(_normalise(d) in runtime for d in distributions)
    )


def production_modules() -> list[str]:
    from django.conf import settings

    local = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    modules = []
    for package in [*local, "dla_suivi", "tabular"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if name in ALWAYS_LOADED or not name.startswith(DEV_ONLY):
                modules.append(name)
    return [m for m in modules if not m.startswith("dla_suivi.settings.")]


def test_faker_honcho_and_the_test_tools_are_dev_only():
    blocked = dev_only_modules()
    assert {"faker", "honcho", "factory", "pytest", "hypothesis"} <= set(blocked)
    assert "openpyxl" not in blocked  # tabular reads XLSX uploads in production


def test_production_loads_every_module_without_the_dev_group():
    modules = production_modules()
    assert "tabular.read" in modules
    assert "demo.apps" in modules
    assert "demo.runner" not in modules
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dla_suivi.settings.prod",
        "SECRET_KEY": "dependency-check",
    }
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(dev_only_modules()), json.dumps(modules)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
