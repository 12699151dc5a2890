import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_officer_logs_in_and_lands_on_their_home(page, personas):
    login(page, personas.officer_a)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes accompagnements")
    screenshot(page, "accueil-officer")
