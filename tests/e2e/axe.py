"""axe-core (bundled in axe-playwright-python) run on a page; serious and critical fail."""

import json
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS

BLOCKING = {"serious", "critical"}
_axe = Axe()


def audit(page: Page, name: str) -> list[dict]:
    """Run every axe rule (WCAG 2.x A/AA and best practices); keep a JSON trace per page."""
    results = _axe.run(page, options={"resultTypes": ["violations"]}).response
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],
        }
        for v in results["violations"]
    ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    trace = {
        "page": name,
        "url": page.url,
        "axe": results["testEngine"]["version"],
        "violations": violations,
    }
    Path(ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps(trace, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return [v for v in violations if v["impact"] in BLOCKING]
