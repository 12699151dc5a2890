import pytest


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("officer_a", "Mes accompagnements"),
        ("coordinator", "Vue d'ensemble de la région"),
        ("national", "Vue d'ensemble nationale"),
        ("admin", "Vue d'ensemble nationale"),
    ],
)
def test_each_role_lands_on_its_home_page(personas, client_for, persona, heading):
    response = client_for(getattr(personas, persona)).get("/")
    assert response.status_code == 200
    assert heading in response.text


def test_login_then_lands_on_home(personas, client):
    response = client.post(
        "/connexion/", {"username": "alice", "password": "motdepasse-test"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Mes accompagnements" in response.text


def test_wrong_password_gives_a_french_error(personas, client):
    response = client.post("/connexion/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.text


def test_pages_carry_a_csp_without_inline_scripts(personas, client_for):
    response = client_for(personas.officer_a).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.text


def test_pages_are_french_with_a_skip_link(personas, client_for):
    response = client_for(personas.coordinator).get("/")
    assert '<html lang="fr">' in response.text
    assert 'href="#contenu"' in response.text
