/*
 * Reviewer workbench behaviour, one module per behaviour; this entry wires them. Everything
 * is an enhancement: every control is also a real form or link that works without it.
 * Loaded as <script type="module">, so it runs once the page is parsed, after htmx.
 */
import { onAddSourceClick } from "./article_add.js";
import { onClaimReviewedInput } from "./claim_reviewed.js";
import { onFlashClick } from "./flash.js";
import { installKeyboard } from "./keyboard.js";
import { codePoints, selectionIn } from "./offsets.js";
import { installPhonePanel } from "./phone_panel.js";
import { installReview, onClaimClick, onSourceLinkClick } from "./review.js";
import { installShortcuts, onHelpClick } from "./shortcuts.js";
import { installSelection, onSelectionClick, selectionInArticle } from "./selection.js";

// One click listener, asking each behaviour in turn until one says the click was its own:
// the order decides what a click on nested controls means.
const clickHandlers = [
  onSelectionClick,
  onFlashClick,
  onSourceLinkClick,
  onHelpClick,
  onAddSourceClick,
  onClaimClick,
];

document.addEventListener("click", function (ev) {
  const target = ev.target instanceof Element ? ev.target : null;
  if (!target) return;
  for (const handle of clickHandlers) {
    if (handle(target)) return;
  }
});

document.addEventListener("input", function (ev) {
  onClaimReviewedInput(ev.target);
});

installSelection();
installShortcuts();
installReview();
installPhonePanel(); // the claim panel as an overlay on a phone (issue 12)
installKeyboard();

// Exposed for the browser tests and for debugging offsets by hand.
window.workbench = {
  selectionInArticle: selectionInArticle,
  selectionIn: selectionIn,
  codePoints: codePoints,
};
