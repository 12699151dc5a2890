"""docs/indicators.md is generated from the registry, so the three never disagree."""

from .indicators import SOURCES, by_theme


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
        "Année : l'année civile du fuseau du produit (Europe/Paris). Les chiffres d'activité et "
        "de sortie viennent du journal des transitions (événements datés de l'année), jamais "
        "de l'état actuel des accompagnements ; les caractéristiques des structures sont "
        "celles du 31 décembre. Détails : docs/statistics.md.",
        "",
        "Secret statistique (publications : rapports PDF, exports) : sous le niveau national, "
        "toute case qui repose sur 1 à 4 structures est masquée (« s »), qu'il s'agisse d'un "
        "comptage, d'une somme, d'une médiane ou d'une part ; des cases complémentaires sont "
        "masquées pour qu'aucune ne se retrouve par différence (colonne « Additif » : la "
        "valeur d'un territoire est la somme de celles de ses sous-territoires).",
        "",
    ]
    for theme, indicators in by_theme():
        lines += [f"## {theme}", "", "| Code | Indicateur | Unité | Population | Additif |"]
        lines += ["|---|---|---|---|---|"]
        for i in indicators:
            additive = "oui" if i.additive else "non"
            lines.append(
                f"| `{i.code}` | {i.label} | {i.unit} | {SOURCES[i.source].label} | {additive} |"
            )
        lines.append("")
        for i in indicators:
            lines += [f"- **`{i.code}`** — {i.definition}"]
        lines.append("")
    return "\n".join(lines)


def write(path="docs/indicators.md"):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(indicators_markdown())
