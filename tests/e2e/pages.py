"""Small helpers to drive the app's forms the way a person does: by label, then submit."""

import re

from playwright.sync_api import Locator, Page, expect


def fill_form(form: Locator, values: dict[str, str | int]) -> None:
    """Fill fields by their ``name``: text, date and number inputs, textareas and selects."""
    for name, value in values.items():
        field = form.locator(f'[name="{name}"]')
        tag = field.evaluate("el => el.tagName.toLowerCase()")
        if tag == "select":
            field.select_option(str(value))
        else:
            field.fill(str(value))


def submit(form: Locator, button: str | None = None) -> None:
    """Submit and wait for the next page (every form here posts and redirects)."""
    target = (
        form.get_by_role("button", name=button, exact=True)
        if button
        else form.locator('button[type="submit"]').first
    )
    with form.page.expect_navigation():
        target.click()


def transition(page: Page, name: str, **values) -> None:
    """Take one transition from the case page through its own form."""
    form = page.locator(f'form[action$="/transition/{name}/"]')
    expect(form).to_be_visible()
    fill_form(form, {f"{name}-{key}": value for key, value in values.items()})
    submit(form)


def expect_state(page: Page, label: str) -> None:
    expect(page.locator("h1 .badge--state")).to_have_text(re.compile(label, re.I))
