"""The cahier des charges as an OpenDocument text that officers adapt in their word processor."""

import io

from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TextProperties
from odf.text import H, P


def _styles(document: OpenDocumentText) -> dict[str, Style]:
    styles = {}
    for name, size, bold in (("Titre", "18pt", True), ("Titre 2", "13pt", True)):
        style = Style(name=name, family="paragraph")
        style.addElement(TextProperties(fontsize=size, fontweight="bold" if bold else "normal"))
        style.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.2cm"))
        document.styles.addElement(style)
        styles[name] = style
    return styles


def _paragraphs(text: str) -> list[P]:
    return [P(text=line) for line in (text or "—").splitlines() or ["—"]]


def cahier_des_charges_odt(context: dict) -> bytes:
    ingenierie = context["ingenierie"]
    document = OpenDocumentText()
    styles = _styles(document)
    body = document.text

    def heading(text: str, level: int = 2) -> None:
        style = styles["Titre" if level == 1 else "Titre 2"]
        body.addElement(H(outlinelevel=level, stylename=style, text=text))

    heading(f"Cahier des charges – {ingenierie}", 1)
    body.addElement(P(text=f"DLA commanditaire : {ingenierie.dla}"))
    kind, theme = ingenierie.get_kind_display(), ingenierie.get_theme_display()
    body.addElement(P(text=f"Ingénierie {kind} · thème : {theme}"))
    heading("Structure(s) accompagnée(s)")
    for case in context["cases"]:
        structure = case.structure
        body.addElement(
            P(text=f"{structure} – {structure.commune} ({structure.get_legal_form_display()})")
        )
    heading("Contexte et objectifs de la mission")
    for paragraph in _paragraphs(ingenierie.terms_of_reference):
        body.addElement(paragraph)
    heading("Moyens et calendrier")
    facts = [
        ("Jours de prestation", ingenierie.days),
        ("Tarif journalier (€ HT)", ingenierie.daily_rate),
        ("Coût total (€)", ingenierie.cost),
        ("Début", ingenierie.start_on and f"{ingenierie.start_on:%d/%m/%Y}"),
        ("Fin", ingenierie.end_on and f"{ingenierie.end_on:%d/%m/%Y}"),
    ]
    for label, value in facts:
        body.addElement(P(text=f"{label} : {value if value not in (None, '') else 'à préciser'}"))
    heading("Réponse attendue")
    body.addElement(
        P(
            text="Une proposition précisant la compréhension de la demande, la démarche, le "
            "nombre de jours, le tarif journalier et le coût total, et les références."
        )
    )
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
