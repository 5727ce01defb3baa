/*
 * The claim panel on a phone (issue 12). On a narrow screen the panel sits below the text,
 * far from the claim tapped; so a tap on a claim (in the text, the claim list or the flag
 * summary) opens the panel as an overlay over the text, and its close button or Escape
 * closes it back to the claim in the text. Wide screens are left exactly as they were.
 * Kept apart from the keyboard shortcuts: its one key (Escape) only acts while it is open.
 */

const NARROW = window.matchMedia("(max-width: 700px)");
const OPEN = "panel-open";
const OPENERS = "#article-text [data-claim], #claim-nav a, #flag-summary a";

const column = () => document.querySelector(".panel-col");

function isOpen() {
  return document.body.classList.contains(OPEN);
}

function open() {
  const col = column();
  if (!col || !NARROW.matches) return;
  document.body.classList.add(OPEN);
  col.setAttribute("role", "dialog");
  col.setAttribute("aria-modal", "true");
  col.scrollTop = 0;
}

function close() {
  const col = column();
  document.body.classList.remove(OPEN);
  if (col) {
    col.removeAttribute("role");
    col.removeAttribute("aria-modal");
  }
  // Back to the text, at the claim that was open.
  const current = document.querySelector("#article-text .current");
  if (current) {
    current.scrollIntoView({ block: "center" });
    const start = current.closest("[data-claim-start]") || current;
    if (start.hasAttribute("tabindex")) start.focus({ preventScroll: true });
  }
}

function onClick(ev) {
  const target = ev.target instanceof Element ? ev.target : null;
  if (!target) return;
  if (target.closest("[data-panel-close]")) {
    close();
    return;
  }
  if (!NARROW.matches || !target.closest(OPENERS)) return;
  const sel = window.getSelection();
  if (sel && !sel.isCollapsed && target.closest("#article-text")) return; // a selection, not a tap
  open();
}

function onKeydown(ev) {
  if (ev.key === "Escape" && isOpen()) {
    ev.preventDefault();
    close();
  }
}

function addCloseButton() {
  const col = column();
  if (!col || col.querySelector("[data-panel-close]")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "panel-close";
  button.dataset.panelClose = "";
  button.setAttribute("aria-label", "Close the claim and go back to the text");
  button.textContent = "× Close";
  col.prepend(button);
}

export function installPhonePanel() {
  if (!column()) return;
  addCloseButton();
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeydown, true);
  // Turning the phone (or widening the window) past the breakpoint drops the overlay.
  NARROW.addEventListener("change", () => {
    if (!NARROW.matches && isOpen()) close();
  });
}
