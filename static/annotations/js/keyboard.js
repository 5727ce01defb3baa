/*
 * Keyboard-only editing on the review page, for reviewers who never reach for the mouse:
 *
 * - Shift+←/→ move the open claim's end by a character, Ctrl+Shift+←/→ by a word, Shift+↑/↓
 *   by a sentence; with Alt, or after `o` (which switches the edge that moves), its start.
 *   The new span is shown as the text selection and in the selection bar until `e` saves it
 *   (the same correct-span form, version-checked: a colleague's change answers 409) or `a`
 *   adds it as a new claim. With no claim open, or a caret put in the text elsewhere, the
 *   selection starts there instead.
 * - n / f open the next pending claim / the next claim with an open flag, wrapping round.
 * - p (editors) moves to the open claim's publish button and asks for Enter (or p again) to
 *   publish; a correction goes to its note first, sent with Ctrl+Enter.
 * - Ctrl+Z (Cmd+Z) undoes your last change on this article, through the server (and its
 *   audit trail); inside a text field it stays the field's own undo.
 */
import { flash } from "./flash.js";
import { codePoints, selectionIn } from "./offsets.js";
import { navigating, openClaimAt, step } from "./review.js";
import { clearSelection } from "./selection.js";

const articleEl = () => document.getElementById("article-text");
const panelEl = () => document.getElementById("claim-panel");

// The span being edited: {claimId, start, end, edge, range} in code points; ``range`` is the
// Range last shown, so a selection the person changed since (mouse, Escape) starts afresh.
let edit = null;
let defaultEdge = "end";
let chars = { root: null, list: [] };

function textChars(root) {
  if (chars.root !== root) chars = { root: root, list: Array.from(root.textContent) };
  return chars.list;
}

function currentClaimId() {
  const panel = panelEl();
  return panel && panel.dataset.claimId ? panel.dataset.claimId : null;
}

/** The claim's span from its segments in the text (they split exactly at claim bounds). */
function claimSpan(root, id) {
  const segs = root.querySelectorAll('[data-claims~="' + id + '"]');
  if (!segs.length) return null;
  const last = segs[segs.length - 1];
  return {
    start: Number(segs[0].dataset.start),
    end: Number(last.dataset.start) + codePoints(last.textContent),
  };
}

/** Code-point offset → a DOM boundary point in ``root``'s text. */
function pointAt(root, offset) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let base = 0;
  let lastNode = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const length = codePoints(n.data);
    if (offset <= base + length) {
      let units = 0;
      let k = offset - base;
      for (const ch of n.data) {
        if (k === 0) break;
        units += ch.length;
        k -= 1;
      }
      return [n, units];
    }
    base += length;
    lastNode = n;
  }
  return lastNode ? [lastNode, lastNode.data.length] : [root, 0];
}

function sameRange(a, b) {
  return (
    a && b &&
    a.startContainer === b.startContainer && a.startOffset === b.startOffset &&
    a.endContainer === b.endContainer && a.endOffset === b.endOffset
  );
}

function showEdge() {
  const label = document.querySelector("#selection-bar [data-sel-edge]");
  if (!label) return;
  label.hidden = !edit;
  if (edit) {
    label.textContent =
      "Moving the " + edit.edge + " (Shift+arrows; o switches to the " +
      (edit.edge === "end" ? "start" : "end") + ")";
  }
}

function showSpan(root) {
  const range = document.createRange();
  const [sn, so] = pointAt(root, edit.start);
  const [en, eo] = pointAt(root, edit.end);
  range.setStart(sn, so);
  range.setEnd(en, eo);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  edit.range = sel.getRangeAt(0).cloneRange();
  const moving = (edit.edge === "end" ? en : sn).parentElement;
  if (moving) moving.scrollIntoView({ block: "nearest" });
  showEdge();
}

/** Where an edit starts: the selection the person made, a caret put outside the open claim,
 * the claim focused in the text, or the open claim. */
function startEdit(root) {
  const sel = window.getSelection();
  if (edit && sel && sel.rangeCount && sameRange(sel.getRangeAt(0), edit.range)) return edit;
  const edge = edit ? edit.edge : defaultEdge;
  const claimId = currentClaimId();
  const live = selectionIn(root);
  if (live) return { claimId: claimId, start: live.start, end: live.end, edge: edge };
  const focused = document.activeElement && document.activeElement.closest
    ? document.activeElement.closest("#article-text [data-claim-start]")
    : null;
  const id = focused ? focused.dataset.claimStart : claimId;
  // A claim focused in the text but not open yet: open it, so `e` corrects that one.
  if (focused && id !== claimId) openClaimAt(focused, id);
  const span = id ? claimSpan(root, id) : null;
  if (sel && sel.rangeCount && sel.isCollapsed && root.contains(sel.anchorNode)) {
    const caret = caretOffset(root, sel);
    if (caret !== null && (!span || caret < span.start || caret > span.end)) {
      return { claimId: claimId, start: caret, end: caret, edge: "end" };
    }
  }
  if (span) return { claimId: id, start: span.start, end: span.end, edge: edge };
  return null;
}

function caretOffset(root, sel) {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(sel.anchorNode, sel.anchorOffset);
  return codePoints(range.toString());
}

// --- motions, in code points of the article text ----------------------------------------

const WORD = /[\p{L}\p{N}\p{M}]/u;
const JOINER = /[.,'’\-]/u;

function isWord(list, i) {
  if (i < 0 || i >= list.length) return false;
  if (WORD.test(list[i])) return true;
  return JOINER.test(list[i]) && WORD.test(list[i - 1] || "") && WORD.test(list[i + 1] || "");
}

function wordEndAfter(list, p) {
  let i = p;
  while (i < list.length && !isWord(list, i)) i++;
  while (i < list.length && isWord(list, i)) i++;
  return i;
}

function wordEndBefore(list, p) {
  let i = p;
  while (i > 0 && isWord(list, i - 1)) i--;
  while (i > 0 && !isWord(list, i - 1)) i--;
  return i;
}

function wordStartAfter(list, p) {
  let i = p;
  while (i < list.length && isWord(list, i)) i++;
  while (i < list.length && !isWord(list, i)) i++;
  return i;
}

function wordStartBefore(list, p) {
  let i = p;
  while (i > 0 && !isWord(list, i - 1)) i--;
  while (i > 0 && isWord(list, i - 1)) i--;
  return i;
}

// A sentence ends after . ! ? (and a closing quote or bracket) before a space, or at a line end.
function isSentenceEnd(list, i) {
  if (i <= 0 || i > list.length) return false;
  if (i === list.length || list[i] === "\n") return list[i - 1] !== "\n";
  let j = i - 1;
  while (j > 0 && /["”’)\]]/u.test(list[j])) j--;
  return /[.!?]/u.test(list[j]) && /\s/u.test(list[i]);
}

function sentenceEndAfter(list, p) {
  let i = p + 1;
  while (i < list.length && !isSentenceEnd(list, i)) i++;
  return Math.min(i, list.length);
}

function sentenceEndBefore(list, p) {
  let i = p - 1;
  while (i > 0 && !isSentenceEnd(list, i)) i--;
  return Math.max(i, 0);
}

function sentenceStart(list, end) {
  let i = end;
  while (i < list.length && /\s/u.test(list[i])) i++;
  return i;
}

function sentenceStartAfter(list, p) {
  let i = p;
  do i = sentenceEndAfter(list, i); while (i < list.length && sentenceStart(list, i) <= p);
  return sentenceStart(list, i);
}

function sentenceStartBefore(list, p) {
  let i = p;
  while (i > 0) {
    i = sentenceEndBefore(list, i);
    const s = i === 0 ? sentenceStart(list, 0) : sentenceStart(list, i);
    if (s < p) return s;
  }
  return 0;
}

const MOTIONS = {
  end: {
    char: (list, p, dir) => p + dir,
    word: (list, p, dir) => (dir > 0 ? wordEndAfter(list, p) : wordEndBefore(list, p)),
    sentence: (list, p, dir) => (dir > 0 ? sentenceEndAfter(list, p) : sentenceEndBefore(list, p)),
  },
  start: {
    char: (list, p, dir) => p + dir,
    word: (list, p, dir) => (dir > 0 ? wordStartAfter(list, p) : wordStartBefore(list, p)),
    sentence: (list, p, dir) =>
      dir > 0 ? sentenceStartAfter(list, p) : sentenceStartBefore(list, p),
  },
};

function moveEdge(ev) {
  const root = articleEl();
  if (!root) return false;
  const started = startEdit(root);
  if (!started) {
    flash("Open a claim first (Tab to it, or j), or put the caret in the text.");
    return true;
  }
  edit = started;
  if (ev.altKey) edit.edge = "start";
  const list = textChars(root);
  const dir = ev.key === "ArrowRight" || ev.key === "ArrowDown" ? 1 : -1;
  const unit = ev.key === "ArrowUp" || ev.key === "ArrowDown" ? "sentence" : ev.ctrlKey ? "word" : "char";
  const motion = MOTIONS[edit.edge][unit];
  if (edit.edge === "end") {
    const floor = edit.start + 1;
    edit.end = Math.max(floor, Math.min(list.length, motion(list, edit.end, dir)));
  } else {
    const ceiling = Math.max(0, edit.end - 1);
    edit.start = Math.min(ceiling, Math.max(0, motion(list, edit.start, dir)));
  }
  showSpan(root);
  return true;
}

function switchEdge() {
  const root = articleEl();
  const started = root ? startEdit(root) : null;
  if (!started) {
    defaultEdge = defaultEdge === "end" ? "start" : "end";
    return;
  }
  edit = started;
  edit.edge = edit.edge === "end" ? "start" : "end";
  defaultEdge = edit.edge;
  if (edit.start < edit.end) showSpan(root);
  showEdge();
}

// --- n / f ----------------------------------------------------------------------------------

// The claim list says each claim's state (its dot's st-<state> class) and open flags ("⚑2").
function stateOf(item) {
  if (item.dataset.state) return item.dataset.state;
  const dot = item.querySelector(".dot");
  const match = dot ? dot.className.match(/\bst-([a-z_]+)/) : null;
  return match ? match[1] : "";
}

function openFlagsOf(item) {
  if (item.dataset.openFlags !== undefined) return Number(item.dataset.openFlags);
  const meta = item.querySelector(".nav-meta");
  const match = meta ? meta.textContent.match(/⚑\s*(\d+)/u) : null;
  return match ? Number(match[1]) : 0;
}

const FINDERS = {
  n: {
    test: (item) => stateOf(item) === "pending",
    none: "No other pending claim: every claim is confirmed, corrected or rejected.",
  },
  f: {
    test: (item) => openFlagsOf(item) > 0,
    none: "No other claim has an open flag.",
  },
};

function jumpTo(key, tries) {
  if (navigating()) {
    // Let the claim being opened land first: "next" counts from it.
    if (tries < 100) setTimeout(() => jumpTo(key, tries + 1), 30);
    return;
  }
  const root = articleEl();
  const current = currentClaimId();
  if (!root || !current) return;
  const order = root.dataset.claimOrder.split(" ").filter(Boolean);
  const here = order.indexOf(current);
  const finder = FINDERS[key];
  for (let k = 1; k < order.length; k++) {
    const index = (here + k) % order.length;
    const item = document.getElementById("nav-" + order[index]);
    if (item && finder.test(item)) {
      step(index - here);
      return;
    }
  }
  flash(finder.none);
}

// --- p: publish, with a confirm step --------------------------------------------------------

function clearPublishPrompt() {
  document.querySelectorAll("[data-publish-prompt]").forEach((e) => e.remove());
}

function publish(target) {
  const form = document.querySelector("#claim-panel .publish-form");
  if (!form) {
    const verdict = document.querySelector("#claim-panel .current-verdict");
    flash(
      verdict
        ? "Nothing to publish here: editors publish a submitted verdict, or their own draft."
        : "This claim has no verdict to publish yet.",
    );
    return;
  }
  const button = form.querySelector("button[type=submit]");
  if (target === button) {
    form.requestSubmit(button);
    return;
  }
  const note = form.querySelector("textarea[name=note]");
  clearPublishPrompt();
  const prompt = document.createElement("p");
  prompt.className = "publish-prompt small";
  prompt.setAttribute("role", "status");
  prompt.dataset.publishPrompt = "";
  prompt.textContent = note
    ? "Say what changed, then Ctrl+Enter publishes the correction. Esc cancels."
    : "Publish this verdict? Enter (or p again) publishes it for the public; Esc cancels.";
  form.append(prompt);
  const field = note || button;
  field.scrollIntoView({ block: "center" });
  field.focus();
}

function cancelPublish() {
  clearPublishPrompt();
  const heading = document.getElementById("claim-heading");
  if (heading) heading.focus({ preventScroll: true });
}

// --- Ctrl+Z ---------------------------------------------------------------------------------

function undo() {
  const form = document.getElementById("undo-form");
  if (form) form.requestSubmit();
}

function typing(target) {
  return Boolean(target && target.closest("input, textarea, select, [contenteditable]"));
}

function onKeydown(ev) {
  if (ev.defaultPrevented) return;
  const target = ev.target instanceof Element ? ev.target : null;
  const help = document.getElementById("shortcut-help");
  if (help && help.open) return;
  if (target && target.closest("[data-publish-prompt], .publish-form") && ev.key === "Escape") {
    ev.preventDefault();
    cancelPublish();
    return;
  }
  if (typing(target)) return;
  if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && !ev.altKey && ev.key.toLowerCase() === "z") {
    ev.preventDefault();
    undo();
    return;
  }
  if (ev.shiftKey && !ev.metaKey && /^Arrow(Left|Right|Up|Down)$/.test(ev.key)) {
    if (moveEdge(ev)) ev.preventDefault();
    return;
  }
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.key.length !== 1) return;
  if (ev.key === "n" || ev.key === "f") {
    ev.preventDefault();
    jumpTo(ev.key, 0);
  } else if (ev.key === "o") {
    ev.preventDefault();
    switchEdge();
  } else if (ev.key === "p") {
    ev.preventDefault();
    publish(target);
  }
}

// A different claim in the panel, or a new text: a span previewed for the old one is dropped
// (so `e` can never move the new claim to the old claim's preview).
function onAfterSwap() {
  const root = articleEl();
  if (edit && (edit.claimId !== currentClaimId() || !root || !root.contains(edit.range.startContainer))) {
    const sel = window.getSelection();
    if (sel && sel.rangeCount && sameRange(sel.getRangeAt(0), edit.range)) clearSelection();
    edit = null;
    showEdge();
  }
  if (chars.root && !document.contains(chars.root)) chars = { root: null, list: [] };
}

export function installKeyboard() {
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("htmx:afterSettle", onAfterSwap);
  document.addEventListener("focusout", (ev) => {
    if (ev.target instanceof Element && ev.target.closest(".publish-form")) {
      setTimeout(() => {
        if (!document.activeElement || !document.activeElement.closest(".publish-form")) {
          clearPublishPrompt();
        }
      }, 0);
    }
  });
}
