"""Admin history pages: an id typed in the URL that cannot be a primary key is a 404."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.accompagnements.factories import AccompagnementFactory
from tests.dossiers.factories import case_document
from webinput.admin_history import HistoryAdmin

NOT_IDS = ["abc", "1.5", "²", "-1", "99999999999999999999999"]


def _history_admins():
    return sorted(
        (model._meta.label_lower.replace(".", "_"), model)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, HistoryAdmin)
    )


def test_every_admin_with_a_simple_history_uses_the_checked_one():
    from simple_history.admin import SimpleHistoryAdmin

    plain = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, HistoryAdmin)
    ]
    assert plain == []
    assert {name for name, _ in _history_admins()} >= {"structures_structure", "dossiers_document"}


@pytest.mark.parametrize("not_an_id", NOT_IDS)
def test_history_of_a_non_id_is_a_404(personas, client_for, not_an_id):
    client = client_for(personas.admin)
    for name, _ in _history_admins():
        url = reverse(f"admin:{name}_history", args=[not_an_id])
        assert client.get(url).status_code == 404, url


def test_a_version_of_a_non_id_is_a_404_and_real_ones_still_open(personas, client_for):
    client = client_for(personas.admin)
    case = AccompagnementFactory(officer=personas.officer_a)
    structure, document = case.structure, case_document(case)
    for obj, name in ((structure, "structures_structure"), (document, "dossiers_document")):
        version = obj.history.latest().history_id
        assert client.get(reverse(f"admin:{name}_history", args=[obj.pk])).status_code == 200
        assert (
            client.get(reverse(f"admin:{name}_simple_history", args=[obj.pk, version])).status_code
            == 200
        )
        for bad in (("abc", version), (obj.pk, "abc"), (obj.pk, "99999999999999999999999")):
            url = reverse(f"admin:{name}_simple_history", args=bad)
            assert client.get(url).status_code == 404, url
