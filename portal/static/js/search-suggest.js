// Page suggestions under the header search box, as an ARIA 1.2 combobox
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/examples/combobox-autocomplete-list/).
//
// Without JavaScript, or if anything here fails, the box is the plain search
// form it always was: typing and pressing Enter searches. With it, typing two
// or more letters lists up to eight pages from /search/suggest/; the arrow keys
// move through them (aria-activedescendant, focus stays in the box), Enter or
// a click opens one, Escape closes the list, and a status message says how
// many there are. Titles are inserted as text, never as HTML.

const DELAY_MS = 200;
const MIN_LENGTH = 2;

function enhance(input) {
  const form = input.form;
  const endpoint = new URL("suggest/", new URL(form.getAttribute("action") || "/search/", window.location.href));
  const listbox = document.createElement("ul");
  listbox.id = `${input.id}-suggestions`;
  listbox.className = "portal-suggestions";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Suggested pages");
  listbox.hidden = true;
  const status = document.createElement("div");
  status.className = "nhsuk-u-visually-hidden";
  status.setAttribute("role", "status");
  (input.closest(".nhsuk-input-wrapper") || input).after(listbox, status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("autocomplete", "off");

  let options = [];
  let active = -1;
  let timer = null;
  let controller = null;

  const isOpen = () => !listbox.hidden;

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    options.forEach((option) => option.setAttribute("aria-selected", "false"));
    active = -1;
  }

  function open() {
    if (!options.length) return;
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function choose(index) {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  }

  function render(results, searched = false) {
    listbox.replaceChildren();
    options = results.map((item, i) => {
      const option = document.createElement("li");
      option.id = `${listbox.id}-${i}`;
      option.className = "portal-suggestions__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = item.url;
      const title = document.createElement("span");
      title.className = "portal-suggestions__title";
      title.textContent = item.title;
      const type = document.createElement("span");
      type.className = "portal-suggestions__type";
      type.textContent = item.type_label || "";
      option.append(title, " ", type);
      listbox.append(option);
      return option;
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (options.length) {
      open();
      const noun = options.length === 1 ? "page suggested" : "pages suggested";
      status.textContent = `${options.length} ${noun}. Use the up and down arrow keys to choose one, or press Enter to search.`;
    } else {
      close();
      // Say when a search for the typed words suggests nothing, so a screen reader user is not left waiting.
      status.textContent = searched ? "No pages suggested. Press Enter to search all learning." : "";
    }
  }

  async function update() {
    const text = input.value.trim();
    if (text.length < MIN_LENGTH) {
      render([]);
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    const url = new URL(endpoint);
    url.searchParams.set("q", text);
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      if (input.value.trim() === text) render(Array.isArray(data.results) ? data.results : [], true);
    } catch (error) {
      if (error.name !== "AbortError") render([]);
    }
  }

  function go(option) {
    if (option && option.dataset.url) window.location.assign(option.dataset.url);
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, DELAY_MS);
  });

  input.addEventListener("keydown", (event) => {
    switch (event.key) {
      case "ArrowDown":
        if (!options.length) return;
        event.preventDefault();
        open();
        choose(active + 1 < options.length ? active + 1 : 0);
        break;
      case "ArrowUp":
        if (!options.length) return;
        event.preventDefault();
        open();
        choose(active > 0 ? active - 1 : options.length - 1);
        break;
      case "Escape":
        if (isOpen()) {
          event.preventDefault();
          close();
        }
        break;
      case "Enter":
        if (isOpen() && active >= 0) {
          event.preventDefault();
          go(options[active]);
        }
        break;
      default:
        break;
    }
  });

  input.addEventListener("blur", () => window.setTimeout(close, 150));
  // Keep focus in the box while the pointer is on the list, so a click can land.
  listbox.addEventListener("mousedown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => go(event.target.closest("[role='option']")));
}

const box = document.getElementById("search-field");
if (box && box.form && "fetch" in window) {
  enhance(box);
}
