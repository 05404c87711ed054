// Long roadmap sections (the driver diagram, what changed this quarter, the milestone
// filters) are served as closed <details>, so that on a phone the ways in come first and
// each section opens with a tap; that works for everyone, with or without JavaScript.
// Where there is room for them, portal.js (on every page) opens the ones marked
// data-open-on-wide. This module opens a closed section when a link points at something
// inside it (/roadmap/#change-idea-12). No inline styles or scripts, so it works under a
// strict CSP.

function openTarget() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  let opened = false;
  for (let details = target.closest("details"); details; details = details.parentElement.closest("details")) {
    if (!details.open) {
      details.open = true;
      opened = true;
    }
  }
  if (opened) target.scrollIntoView();
}

openTarget();
window.addEventListener("hashchange", openTarget);
