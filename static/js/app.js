// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("htmx:afterSwap", (event) => {
  // After a table refresh, tell assistive technologies that the results changed.
  const region = event.detail.target.closest("[aria-live]");
  if (region) region.setAttribute("aria-busy", "false");
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const region = event.detail.target.closest && event.detail.target.closest("[aria-live]");
  if (region) region.setAttribute("aria-busy", "true");
});
document.addEventListener("DOMContentLoaded", () => {
  // A form came back with errors: put the focus on the first field in error, so that its
  // label and message (tied by aria-describedby) are read out.
  const invalid = document.querySelector("main [aria-invalid='true']");
  if (invalid) invalid.focus();
});
document.addEventListener("submit", (event) => {
  // Destructive actions (remove, abandon, réorientation) ask once more before going.
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// Small screens: the navigation folds behind a menu button. Without JavaScript the button
// stays hidden and the menu open (the CSS only folds it when the button is shown).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".site-nav__toggle");
  const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) return;
  const show = (open) => {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("site-nav__menu--open", open);
  };
  toggle.hidden = false;
  toggle.addEventListener("click", () => show(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      show(false);
      toggle.focus();
    }
  });
});
