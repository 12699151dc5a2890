"""docs/indicators.md is generated from the registry, so the three never disagree."""

from .indicators import SOURCES, SmallCells, by_theme


def indicators_markdown() -> str:
    lines = [
        "# Dictionnaire des indicateurs",
        "",
        "<!-- Généré depuis reporting/indicators : "
        '`python manage.py shell -c "from reporting.docs import write; write()"`. -->',
        "",
        "Chaque indicateur a une définition et un seul calcul (une agrégation en base), "
        "paramétré par l'année et le territoire (national, région, département) et toujours "
        "restreint à ce que la personne qui demande peut lire. Le tableau de bord, les exports "
        "et le rapport PDF lisent ces mêmes chiffres ; la page « Définition des indicateurs » "
        "et l'annexe du rapport sont produites depuis le même registre.",
        "",
        "Secret statistique : sous le niveau régional, « comptage » masque les valeurs de 1 à 4 ; "
        "« base » masque la case quand le territoire compte moins de 5 structures accompagnées.",
        "",
    ]
    for theme, indicators in by_theme():
        lines += [f"## {theme}", "", "| Code | Indicateur | Unité | Population | Secret |"]
        lines += ["|---|---|---|---|---|"]
        for i in indicators:
            secret = "comptage" if i.small_cells == SmallCells.COUNT else "base"
            label = i.label
            lines.append(
                f"| `{i.code}` | {label} | {i.unit} | {SOURCES[i.source].label} | {secret} |"
            )
        lines.append("")
        for i in indicators:
            lines += [f"- **`{i.code}`** — {i.definition}"]
        lines.append("")
    return "\n".join(lines)


def write(path="docs/indicators.md"):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(indicators_markdown())
