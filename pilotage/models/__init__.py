from .conventions import Contribution, Convention, ConventionYear, Depassement
from .dla import DlaPilotage
from .documents import PilotageDocument, PilotageDocumentKind
from .objectifs import SHARE_KINDS, ComitePilotage, Objective, ObjectiveKind, objective_label
from .partage import PartageCentre
from .reference import EtablissementsEss

__all__ = [
    "SHARE_KINDS",
    "ComitePilotage",
    "Contribution",
    "Convention",
    "ConventionYear",
    "Depassement",
    "DlaPilotage",
    "EtablissementsEss",
    "Objective",
    "ObjectiveKind",
    "PartageCentre",
    "PilotageDocument",
    "PilotageDocumentKind",
    "objective_label",
]
