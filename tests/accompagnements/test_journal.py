"""The transition journal is append-only."""

import pytest
from django.db.models.deletion import ProtectedError

from accompagnements.models import TransitionLog
from accompagnements.services import advance
from tests.accompagnements.factories import AccompagnementFactory


@pytest.fixture
def log(personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    advance(case, "start_diagnostic", by=personas.officer_a, comment="Premier rendez-vous.")
    return TransitionLog.objects.get(accompagnement=case)


def test_journal_row_cannot_be_edited(log):
    log.comment = "Réécrit"
    with pytest.raises(TypeError, match="ne peut pas être modifié"):
        log.save()
    assert TransitionLog.objects.get(pk=log.pk).comment == "Premier rendez-vous."


def test_journal_row_cannot_be_deleted(log):
    with pytest.raises(TypeError, match="ne peut pas être supprimé"):
        log.delete()
    assert TransitionLog.objects.filter(pk=log.pk).exists()


def test_journal_cannot_be_bulk_updated_or_deleted(log):
    with pytest.raises(TypeError):
        TransitionLog.objects.filter(pk=log.pk).update(comment="x")
    with pytest.raises(TypeError):
        TransitionLog.objects.all().delete()
    assert TransitionLog.objects.get(pk=log.pk).comment == "Premier rendez-vous."


def test_journaled_user_and_case_cannot_be_deleted(log):
    with pytest.raises(ProtectedError):
        log.user.delete()
    with pytest.raises(ProtectedError):
        log.accompagnement.delete()
