// Progressive enhancement for the driver diagram on the roadmap page.
//
// The diagram is served as nested lists with headings (aim, primary drivers,
// secondary drivers, change ideas); that markup stays the source of truth that
// screen readers read. This module only:
//   - marks the diagram as enhanced, so that wide screens show the aim across
//     the top and the three levels under it as connected columns (css/roadmap.css);
//   - adds a button to each primary driver to show or hide its branch, and
//     "Show all" / "Hide all" buttons above the diagram.
// It adds no inline styles or scripts, so it works under a strict CSP.

const LEVELS = ["Primary drivers", "Secondary drivers", "Change ideas"];
// On a phone each primary driver starts closed, so opening the diagram shows its outline first.
const WIDE = window.matchMedia("(min-width: 61.875em)");

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function setExpanded(toggle, branch, expanded) {
  toggle.setAttribute("aria-expanded", String(expanded));
  toggle.querySelector("[data-verb]").textContent = expanded ? "Hide" : "Show";
  branch.hidden = !expanded;
}

// The driver's own words, without the "Primary driver:" label in front of them.
function driverName(heading) {
  if (!heading) return "";
  const parts = [...heading.childNodes].filter((child) => !child.classList?.contains("driver-diagram__level"));
  return parts.map((child) => child.textContent).join("").trim();
}

function addToggle(node, branch) {
  const toggle = element("button", "driver-diagram__toggle");
  toggle.type = "button";
  toggle.setAttribute("aria-controls", branch.id);
  const verb = element("span", "", "Hide");
  verb.dataset.verb = "";
  toggle.append(verb, " secondary drivers and change ideas");
  const hiddenName = element("span", "nhsuk-u-visually-hidden", ` for ${driverName(node.querySelector("h3"))}`);
  toggle.append(hiddenName);
  toggle.addEventListener("click", () => {
    setExpanded(toggle, branch, toggle.getAttribute("aria-expanded") !== "true");
  });
  node.append(toggle);
  const target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  setExpanded(toggle, branch, WIDE.matches || Boolean(target && branch.contains(target)));
  return { toggle, branch };
}

function enhance(diagram) {
  const tree = diagram.querySelector(".driver-diagram__tree");
  if (!tree) return;

  // Restyled lists lose their bullets; say they are lists so every browser still announces them.
  for (const list of diagram.querySelectorAll(".driver-diagram__list")) list.setAttribute("role", "list");

  for (const node of diagram.querySelectorAll(".driver-diagram__node--primary, .driver-diagram__node--secondary")) {
    if (!node.parentElement.querySelector(":scope > .driver-diagram__list")) {
      node.classList.add("driver-diagram__node--leaf");
    }
  }

  const branches = [];
  for (const item of diagram.querySelectorAll(".driver-diagram__list--primary > .driver-diagram__branch--primary")) {
    const node = item.querySelector(":scope > .driver-diagram__node--primary");
    const branch = item.querySelector(":scope > .driver-diagram__list--secondary");
    if (node && branch && branch.id) branches.push(addToggle(node, branch));
  }

  if (branches.length > 1) {
    const controls = element("div", "driver-diagram__controls");
    for (const [label, expanded] of [["Show all branches", true], ["Hide all branches", false]]) {
      const button = element("button", "driver-diagram__toggle", label);
      button.type = "button";
      button.addEventListener("click", () => {
        for (const { toggle, branch } of branches) setExpanded(toggle, branch, expanded);
      });
      controls.append(button);
    }
    tree.before(controls);
  }

  // Column headings for sighted readers on wide screens; each node already says its level.
  const columns = element("div", "driver-diagram__columns");
  columns.setAttribute("aria-hidden", "true");
  for (const level of LEVELS) columns.append(element("span", "", level));
  tree.querySelector(".driver-diagram__list--primary").before(columns);

  diagram.classList.add("driver-diagram--enhanced");
}

for (const diagram of document.querySelectorAll("[data-driver-diagram]")) {
  try {
    enhance(diagram);
  } catch (error) {
    // The nested lists are complete on their own: without the column layout they still read as before.
    diagram.classList.remove("driver-diagram--enhanced");
    console.error("Driver diagram enhancement failed", error);
  }
}
