"""From the register's answer (documented format of /search) to what a structure holds."""

from dataclasses import dataclass

from ..models import LegalForm

# INSEE legal categories (nature_juridique, level III) → our legal forms. Anything else is
# "autre": the officer picks the form; the INSEE code is shown beside it.
LEGAL_FORMS = {
    "9210": LegalForm.ASSOCIATION,  # association non déclarée
    "9220": LegalForm.ASSOCIATION,  # association déclarée
    "9221": LegalForm.ASSOCIATION,  # association déclarée d'insertion par l'économique
    "9222": LegalForm.ASSOCIATION,  # association intermédiaire
    "9223": LegalForm.GROUPEMENT_EMPLOYEURS,  # groupement d'employeurs
    "9230": LegalForm.ASSOCIATION,  # association reconnue d'utilité publique
    "9260": LegalForm.ASSOCIATION,  # association de droit local (Alsace-Moselle)
    "5458": LegalForm.SCOP,  # SARL coopérative ouvrière de production
    "5558": LegalForm.SCOP,  # SA coopérative ouvrière de production à conseil d'administration
    "5658": LegalForm.SCOP,  # SA coopérative ouvrière de production à directoire
    # "Autre SARL / SA coopérative": where the répertoire files SCIC (to be confirmed).
    "5460": LegalForm.SCIC,
    "5560": LegalForm.SCIC,
    "5660": LegalForm.SCIC,
    "5451": LegalForm.AUTRE_COOPERATIVE,
    "5453": LegalForm.AUTRE_COOPERATIVE,
    "5459": LegalForm.AUTRE_COOPERATIVE,
    "5551": LegalForm.AUTRE_COOPERATIVE,
    "5553": LegalForm.AUTRE_COOPERATIVE,
    "5559": LegalForm.AUTRE_COOPERATIVE,
    "6317": LegalForm.AUTRE_COOPERATIVE,  # société coopérative agricole
    "8210": LegalForm.MUTUELLE,
    "8250": LegalForm.MUTUELLE,  # assurance mutuelle agricole
    "8290": LegalForm.MUTUELLE,  # autre organisme mutualiste
    "9300": LegalForm.FONDATION,
}

# INSEE headcount bands (tranche_effectif_salarie).
HEADCOUNT_BANDS = {
    "NN": "non employeuse",
    "00": "0 salarié",
    "01": "1 ou 2 salariés",
    "02": "3 à 5 salariés",
    "03": "6 à 9 salariés",
    "11": "10 à 19 salariés",
    "12": "20 à 49 salariés",
    "21": "50 à 99 salariés",
    "22": "100 à 199 salariés",
    "31": "200 à 249 salariés",
    "32": "250 à 499 salariés",
    "41": "500 à 999 salariés",
    "42": "1 000 à 1 999 salariés",
    "51": "2 000 à 4 999 salariés",
    "52": "5 000 à 9 999 salariés",
    "53": "10 000 salariés et plus",
}


@dataclass(frozen=True)
class Entry:
    """One establishment of the register, as a structure would record it."""

    siren: str
    siret: str
    name: str
    address: str
    postal_code: str
    commune: str
    nature_juridique: str
    legal_form: str
    naf_code: str
    headcount_band: str
    is_ess: bool
    rna: str
    is_siege: bool
    # The establishment is closed ("F"), or the whole legal unit has ceased ("C").
    closed: bool

    @property
    def headcount_label(self) -> str:
        return HEADCOUNT_BANDS.get(self.headcount_band, "non renseignée")

    @property
    def legal_form_label(self) -> str:
        return LegalForm(self.legal_form).label if self.legal_form else "à choisir"

    def as_initial(self) -> dict:
        """Initial values of the structure form (the officer checks them before saving)."""
        initial = {
            "name": self.name,
            "siret": self.siret,
            "address": self.address,
            "postal_code": self.postal_code,
            "commune": self.commune,
            "naf_code": self.naf_code,
        }
        if self.legal_form:
            initial["legal_form"] = self.legal_form
        if self.rna:
            initial["rna"] = self.rna
        return {key: value for key, value in initial.items() if value}


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value else ""


def _street(etablissement: dict) -> str:
    """The street part of the address; the register's ``adresse`` also carries the commune."""
    parts = [
        etablissement.get("complement_adresse"),
        etablissement.get("numero_voie"),
        etablissement.get("indice_repetition"),
        etablissement.get("type_voie"),
        etablissement.get("libelle_voie"),
    ]
    street = _text(" ".join(p for p in parts if p))
    return street or _text(etablissement.get("adresse"))


def entry(result: dict, siret: str = "") -> Entry:
    """The establishment ``siret`` of a search result (its head office when not given)."""
    siege = result.get("siege") or {}
    etablissement = siege
    if siret and siege.get("siret") != siret:
        etablissement = next(
            (e for e in result.get("matching_etablissements") or [] if e.get("siret") == siret),
            siege,
        )
    complements = result.get("complements") or {}
    nature = _text(result.get("nature_juridique"))
    rna = _text(complements.get("identifiant_association"))
    return Entry(
        siren=_text(result.get("siren")),
        siret=_text(etablissement.get("siret")),
        name=_text(result.get("nom_raison_sociale") or result.get("nom_complet")),
        address=_street(etablissement),
        postal_code=_text(etablissement.get("code_postal")),
        commune=_text(etablissement.get("libelle_commune")),
        nature_juridique=nature,
        legal_form=LEGAL_FORMS.get(nature, ""),
        naf_code=_text(
            etablissement.get("activite_principale") or result.get("activite_principale")
        ),
        headcount_band=_text(
            etablissement.get("tranche_effectif_salarie") or result.get("tranche_effectif_salarie")
        ),
        is_ess=bool(complements.get("est_ess")),
        rna=rna if rna.startswith("W") else "",
        is_siege=bool(etablissement.get("est_siege")) or etablissement is siege,
        closed=etablissement.get("etat_administratif") == "F"
        or result.get("etat_administratif") == "C",
    )
