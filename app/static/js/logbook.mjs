// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();

// Parts of a page that htmx swaps in get the same behaviour as the first load
// (error summaries take focus, buttons guard against double clicks).
document.addEventListener("htmx:load", (event) => {
  if (event.target !== document.body) {
    initAll(event.target);
  }
});
