"""HTML written in Python (dashboards' figures, the timeline, the workboard's cards):
the escaping the templates' auto-escape does, without its per-call costs."""

import html


def escaped(value: object) -> str:
    """What ``conditional_escape`` writes (markup kept, anything else escaped as Django's
    ``escape`` does), without its lazy-argument wrappers: pages writing hundreds of
    texts (1,200 cells a national dashboard, 500 a heavy case's timeline)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
