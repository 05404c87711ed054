// Safety culture pages. After a form is posted, a page marked
// data-replace-history="<address>" swaps its history entry for a plain visit to
// that address: reloading it, or coming Back to it, then asks for the page again
// instead of offering to resubmit the form (which, on the links page, would
// otherwise look like making more links).
const area = document.querySelector("[data-replace-history]");
if (area && window.history.replaceState) {
  window.history.replaceState(null, "", area.dataset.replaceHistory);
}
