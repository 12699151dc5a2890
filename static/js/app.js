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
