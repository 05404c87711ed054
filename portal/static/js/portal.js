// Start the NHS.UK design system's components (header menu, buttons, ...).
import { initAll } from "../wagtailnhsukfrontend/js/nhsuk-frontend-10.4.2.min.js";

document.body.classList.add("nhsuk-frontend-supported");
initAll();
