/*
 * The review page: opening claims into the claim panel (a click or Enter on a claim in the
 * text, j/k), marking the current claim in the text and the claim list, and keeping focus
 * and scroll sensible when htmx swaps the panel.
 */

const articleEl = () => document.getElementById("article-text");
const panelEl = () => document.getElementById("claim-panel");

// j/k walk the claim order held by the text, counting from where the last key press was
// heading (not from the panel still on screen), so pressing j twice moves two claims even
// before the first answer arrives. One panel request at a time: further presses only move
// the target, and the panel catches up when the request in flight lands.
let navTarget = null;
let navBusy = false;
let whenNavigated = function () {};

let shownClaim = null;
let navOpen = false;
let panelClaim = null;

/** True while a claim is being opened: keys that act on "the current claim" must wait. */
export function navigating() {
  return Boolean(navTarget);
}

/** ``callback`` runs each time the panel has caught up with the last claim asked for. */
export function onNavigationDone(callback) {
  whenNavigated = callback;
}

function navigationDone() {
  navTarget = null;
  whenNavigated();
}

function openClaim(id) {
  const root = articleEl();
  if (!root || !window.htmx) return;
  navTarget = String(id);
  if (navBusy) return;
  navBusy = true;
  const requested = navTarget;
  const url = root.dataset.claimUrl.replace(/0\/$/, requested + "/");
  const landed = function () {
    navBusy = false;
    history.replaceState(null, "", root.dataset.reviewUrl + "?claim=" + requested);
    if (navTarget && navTarget !== requested) openClaim(navTarget);
    else navigationDone();
  };
  window.htmx.ajax("GET", url, { target: "#claim-panel", swap: "outerHTML" }).then(landed, landed);
}

/** Open the claim ``preferred`` at ``seg``; again on the same segment cycles through the
 * claims nested there. */
export function openClaimAt(seg, preferred) {
  const ids = seg.dataset.claims.split(" ");
  const currentId = panelEl() ? panelEl().dataset.claimId : null;
  let id = preferred;
  if (currentId && ids.length > 1 && ids.includes(currentId)) {
    id = ids[(ids.indexOf(currentId) + 1) % ids.length];
  }
  openClaim(id);
}

/** Move ``delta`` claims along the text's order. False when there is no claim panel to move
 * from (the key then falls through to its other meaning, if any). */
export function step(delta) {
  const root = articleEl();
  const panel = panelEl();
  if (!root || !panel || !panel.dataset.claimId) return false;
  const order = root.dataset.claimOrder.split(" ").filter(Boolean);
  const index = order.indexOf(navTarget || panel.dataset.claimId);
  const next = order[index + delta];
  if (index >= 0 && next) openClaim(next);
  return true;
}

function markCurrent() {
  const panel = panelEl();
  const id = panel ? panel.dataset.claimId : null;
  document
    .querySelectorAll("#article-text .current")
    .forEach((e) => e.classList.remove("current"));
  document
    .querySelectorAll("#claim-nav [aria-current]")
    .forEach((e) => e.removeAttribute("aria-current"));
  const nav = document.getElementById("claim-nav");
  if (nav && navOpen) nav.open = true;
  if (!id) return;
  const segs = document.querySelectorAll('#article-text [data-claims~="' + id + '"]');
  segs.forEach((e) => e.classList.add("current"));
  const item = document.getElementById("nav-" + id);
  if (item) item.setAttribute("aria-current", "true");
  if (id !== shownClaim && segs.length) {
    if (shownClaim !== null) segs[0].scrollIntoView({ block: "nearest", behavior: "smooth" });
    shownClaim = id;
  }
}

// The claim list is swapped out of band with the panel: remember whether it was open.
function onToggle(ev) {
  if (ev.target.id === "claim-nav") navOpen = ev.target.open;
}

// A new claim's panel starts at its top (its claim and flags), not where the previous
// claim's panel was scrolled to (often its verdict form, far down).
function onAfterSwap(ev) {
  const panel = panelEl();
  const id = panel ? panel.dataset.claimId : null;
  if (id && id !== panelClaim) {
    const column = panel.closest(".panel-col");
    if (column) column.scrollTop = 0;
  }
  panelClaim = id;
  // After a form in the panel was saved, htmx has put focus back into the new copy of the
  // field (same id), where j/k would type letters: the next step starts at the heading.
  // (Here, not after settling: a key pressed in between would still land in the field.)
  const active = document.activeElement;
  const saved =
    ev.detail.xhr && ev.detail.xhr.status < 300 && ev.detail.requestConfig &&
    ev.detail.requestConfig.verb === "post";
  const heading = document.getElementById("claim-heading");
  if (saved && heading && active && active.matches("#claim-panel :is(input, textarea, select)")) {
    heading.focus({ preventScroll: true });
  }
}

function onAfterSettle() {
  markCurrent();

  // The control that had focus was replaced: keep keyboard users in the panel.
  const active = document.activeElement;
  if (!active || active === document.body) {
    const heading = document.getElementById("claim-heading");
    const alert = document.querySelector("#claim-panel [role=alert]");
    const target = alert ? alert : heading;
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: !alert });
    }
  }
}

/** Click handler (see main.js): a link to a source opens it, since a closed <details> hides
 * the text to select in. Never ends the click's handling. */
export function onSourceLinkClick(target) {
  const toSource = target.closest('a[href^="#source-"]');
  if (toSource) {
    const details = document.getElementById(toSource.getAttribute("href").slice(1));
    if (details && details.tagName === "DETAILS") details.open = true;
  }
  return false;
}

/** Click handler (see main.js): a click on a claim in the text opens it; clicking again
 * cycles through nested claims. A click that ends a selection is left alone. */
export function onClaimClick(target) {
  const seg = target.closest("#article-text [data-claim]");
  if (!seg) return false;
  const sel = window.getSelection();
  if (sel && !sel.isCollapsed) return true;
  openClaimAt(seg, seg.dataset.claim);
  return true;
}

export function installReview() {
  panelClaim = panelEl() ? panelEl().dataset.claimId : null;
  document.addEventListener("toggle", onToggle, true);
  document.addEventListener("htmx:afterSwap", onAfterSwap);
  document.addEventListener("htmx:afterSettle", onAfterSettle);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markCurrent);
  } else {
    markCurrent();
  }
}
