from unittest import mock

import pytest


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch("dla_suivi.health.database_ok", return_value=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client):
    from kombu import Connection

    from dla_suivi.celery import app

    # A real connection attempt to a port where nothing listens.
    dead = Connection("redis://127.0.0.1:1/0")
    with mock.patch.object(app, "connection_for_write", return_value=dead):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
