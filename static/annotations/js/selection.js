/*
 * The reviewer's selection: kept while they click a button (which collapses it), shown in the
 * selection bar, and written into the start/end fields of the form that acts on it.
 */
import { flash } from "./flash.js";
import { selectionIn } from "./offsets.js";

// The last non-empty selection in the article or a source. Kept when the selection collapses
// (clicking a button collapses it) until it is used, cleared, or replaced.
let lastSelection = null;
let selectionTimer = null;

/** The current selection within the article as {start, end, text, root}, whitespace trimmed. */
export function selectionInArticle() {
  return selectionIn(document.getElementById("article-text"));
}

/** The selection a form acts on: in the text it names with data-selection-root (a source),
 * else in the article; the live one, or the last one kept for that same text. */
function selectionFor(form) {
  const rootId = (form && form.dataset.selectionRoot) || "article-text";
  const live = selectionIn(document.getElementById(rootId));
  if (live) return live;
  return lastSelection && lastSelection.root === rootId ? lastSelection : null;
}

export function hasSelection() {
  return Boolean(lastSelection);
}

function showSelection() {
  const bar = document.getElementById("selection-bar");
  if (!bar) return;
  bar.hidden = !lastSelection;
  if (!lastSelection) return;
  const text = lastSelection.text;
  const where = lastSelection.root === "article-text" ? "" : " in the source";
  bar.querySelector("[data-sel-range]").textContent =
    lastSelection.start + "–" + lastSelection.end + where;
  bar.querySelector("[data-sel-text]").textContent =
    text.length > 90 ? text.slice(0, 60) + " … " + text.slice(-25) : text;
}

export function clearSelection() {
  lastSelection = null;
  const sel = window.getSelection();
  if (sel) sel.removeAllRanges();
  showSelection();
}

function setValue(form, name, value) {
  const input = form.querySelector('[name="' + name + '"]');
  if (input) input.value = value;
}

function onSelectionChange() {
  clearTimeout(selectionTimer);
  selectionTimer = setTimeout(function () {
    let current = selectionInArticle();
    if (!current) {
      for (const source of document.querySelectorAll(".source-text[id]")) {
        current = current || selectionIn(source);
      }
    }
    if (current) {
      lastSelection = current;
      showSelection();
    }
  }, 60);
}

// Forms that act on the selection get its offsets just before they are sent. This runs in
// the capture phase, before htmx (listening on the form) reads the values.
function onSubmit(ev) {
  const form = ev.target;
  if (!form.matches("[data-uses-selection]")) return;
  if (ev.submitter && ev.submitter.hasAttribute("data-manual")) return;
  const current = selectionFor(form);
  if (!current) {
    ev.preventDefault();
    ev.stopPropagation();
    flash(
      form.dataset.selectionRoot
        ? "Select the text in the source first (open it under Sources), then try again."
        : "Select text in the article first, then try again.",
    );
    return;
  }
  setValue(form, "start", current.start);
  setValue(form, "end", current.end);
}

// A selection that was used is done with. (beforeSwap, not afterRequest: the form that sent
// the request is usually the one being replaced, and events on it no longer reach here.)
function onBeforeSwap(ev) {
  const elt = ev.detail.requestConfig && ev.detail.requestConfig.elt;
  if (ev.detail.xhr.status < 300 && elt && elt.matches && elt.matches("[data-uses-selection]")) {
    clearSelection();
  }
}

/** Click handler (see main.js): "Use selection" for an attribution part, the selection bar's
 * buttons. True when the click was one of these. */
export function onSelectionClick(target) {
  const fill = target.closest("[data-fill-slot]");
  if (fill) {
    const part = fill.dataset.fillSlot;
    const form = fill.closest("form");
    const current = selectionFor(null);
    if (!current) {
      flash("Select the " + part + " in the article first.");
      return true;
    }
    setValue(form, part + "_start", current.start);
    setValue(form, part + "_end", current.end);
    const out = form.querySelector('[data-slot-text="' + part + '"]');
    if (out) out.textContent = "“" + current.text + "”";
    clearSelection();
    return true;
  }

  const submit = target.closest("[data-submit]");
  if (submit) {
    const form = document.getElementById(submit.dataset.submit);
    if (form) form.requestSubmit();
    else flash("Open a claim first.");
    return true;
  }

  if (target.closest("[data-clear-selection]")) {
    clearSelection();
    return true;
  }
  return false;
}

export function installSelection() {
  document.addEventListener("selectionchange", onSelectionChange);
  document.addEventListener("submit", onSubmit, true);
  document.addEventListener("htmx:beforeSwap", onBeforeSwap);
}
