// Start the NHS.UK design system's components (header menu, buttons, ...). The body's
// nhsuk-frontend-supported class, which they need, is set before the first paint by the
// inline script at the top of base.html's <body> (portal.core.frontend).
import { initAll } from "../wagtailnhsukfrontend/js/nhsuk-frontend-10.4.2.min.js";

initAll();

// The header's small-screen "More" menu: the design system's Escape handler closes
// it but leaves focus on a link that is now hidden, so give focus back to the
// toggle; and close the menu when keyboard focus moves on out of it.
const menuOf = (element) => (element && element.closest ? element.closest(".nhsuk-header__menu") : null);
const toggleOf = (menu) => menu.querySelector(".nhsuk-header__menu-toggle");

document.addEventListener("keydown", (event) => {
  const menu = menuOf(event.target);
  if (event.key !== "Escape" || !menu) return;
  window.setTimeout(() => {
    const toggle = toggleOf(menu);
    if (toggle && toggle.getAttribute("aria-expanded") !== "true") toggle.focus();
  });
});

document.addEventListener("focusout", (event) => {
  const menu = menuOf(event.target);
  const next = event.relatedTarget;
  if (!menu || !next || menu.contains(next)) return;
  const toggle = toggleOf(menu);
  if (toggle && toggle.getAttribute("aria-expanded") === "true") toggle.click();
});

// Listing and search filters and the roadmap's long sections (details marked data-open-on-wide): on a
// phone they would fill the first screens, so they are served closed and opened here only
// where there is room. Opening (not closing) after load
// keeps a phone's page from jumping as it loads.
if (window.matchMedia("(min-width: 48.0625em)").matches) {
  document.querySelectorAll("details[data-open-on-wide]").forEach((details) => {
    details.open = true;
  });
}

// After a filter is applied or removed the page reloads with focus at the top and
// the new count unannounced: a form, or any link inside an element, marked
// data-focus-after="<id>" asks for focus to land on that element (the result
// count) on the next page.
const FOCUS_KEY = "portal-focus-after";
const remember = (id) => {
  try {
    window.sessionStorage.setItem(FOCUS_KEY, id);
  } catch {
    // Storage may be switched off; focus then stays where the browser puts it.
  }
};
document.addEventListener("click", (event) => {
  const link = event.target.closest ? event.target.closest("a[href]") : null;
  const area = link ? link.closest("[data-focus-after]") : null;
  if (area) remember(area.dataset.focusAfter);
});
document.addEventListener("submit", (event) => {
  if (event.target.dataset && event.target.dataset.focusAfter) remember(event.target.dataset.focusAfter);
});
try {
  const id = window.sessionStorage.getItem(FOCUS_KEY);
  window.sessionStorage.removeItem(FOCUS_KEY);
  const target = id ? document.getElementById(id) : null;
  if (target) {
    target.setAttribute("tabindex", "-1");
    target.focus();
  }
} catch {
  // As above: without storage the page simply opens at the top.
}
