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
