/*
 * Keyboard shortcuts. Each letter presses the control marked data-shortcut="<key>" (so the
 * keys do exactly what the buttons do, and say so when a button is disabled); j/k step
 * through the claims; ? opens the help; Escape drops the selection; Ctrl+Enter (Cmd+Enter)
 * sends the form of the text area being typed in.
 */
import { flash } from "./flash.js";
import { navigating, onNavigationDone, openClaimAt, step } from "./review.js";
import { clearSelection, hasSelection } from "./selection.js";

const SHORTCUTS = "jkcxeav";

// A key that acts on "the current claim", pressed while j/k are still opening another one,
// waits for that panel to arrive rather than act on the claim being left.
let queuedKey = null;

function toggleHelp() {
  const help = document.getElementById("shortcut-help");
  if (!help) return;
  if (help.open) help.close();
  else help.showModal();
}

function runShortcut(key) {
  if ((key === "j" || key === "k") && step(key === "j" ? 1 : -1)) return;
  const el = document.querySelector('[data-shortcut="' + key + '"]');
  if (!el) return;
  if (el.matches("select, input, textarea")) {
    el.scrollIntoView({ block: "center" });
    el.focus();
  } else if (el.disabled) {
    flash("Nothing to do: " + el.textContent.trim().replace(/\s+\S$/, "") + " is not available.");
  } else {
    el.click();
  }
}

function runQueuedKey() {
  const key = queuedKey;
  queuedKey = null;
  if (key) runShortcut(key);
}

function onKeydown(ev) {
  const target = ev.target instanceof Element ? ev.target : null;
  if (ev.defaultPrevented) return;
  // Ctrl+Enter (Cmd+Enter) in a text area sends its form: plain Enter is a new line.
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && target && target.form) {
    ev.preventDefault();
    target.form.requestSubmit();
    return;
  }
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  // Enter or Space on a claim's start in the text opens it, as a click does.
  const claimStart = target && target.closest("#article-text [data-claim-start]");
  if (claimStart && (ev.key === "Enter" || ev.key === " ")) {
    ev.preventDefault();
    openClaimAt(claimStart, claimStart.dataset.claimStart);
    return;
  }
  if (target && target.closest("input, textarea, select, [contenteditable]")) return;
  const help = document.getElementById("shortcut-help");
  if (ev.key === "?") {
    ev.preventDefault();
    toggleHelp();
    return;
  }
  if (ev.key === "Escape") {
    if (hasSelection()) clearSelection();
    return;
  }
  if ((help && help.open) || ev.key.length !== 1 || !SHORTCUTS.includes(ev.key)) return;
  ev.preventDefault();
  if (navigating() && !"jk".includes(ev.key)) {
    queuedKey = ev.key;
    return;
  }
  runShortcut(ev.key);
}

/** Click handler (see main.js): the "Shortcuts ?" button opens the help as ? does. */
export function onHelpClick(target) {
  if (!target.closest('[data-shortcut="?"]')) return false;
  toggleHelp();
  return true;
}

export function installShortcuts() {
  onNavigationDone(runQueuedKey);
  document.addEventListener("keydown", onKeydown);
}
