/*
 * Reviewer workbench behaviour: text selection → character offsets, keyboard shortcuts and a
 * little htmx glue. Everything here is an enhancement: every control is also a real form or
 * link that works without it.
 *
 * Offsets: the server stores Unicode code points; JavaScript strings count UTF-16 code units,
 * so an emoji is 1 on the server and 2 here. Every segment of the article text carries
 * data-start (its code-point offset in the original text); an offset in the browser is the
 * segment's data-start plus the code points before the caret inside that segment.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  /** Count code points, not UTF-16 units: for…of walks a string by code point. */
  function codePoints(s) {
    let n = 0;
    for (const _ of s) n += 1; // eslint-disable-line no-unused-vars
    return n;
  }

  const articleEl = () => document.getElementById("article-text");
  const panelEl = () => document.getElementById("claim-panel");

  /** A DOM boundary point inside the article text → code-point offset into the original. */
  function pointToOffset(root, node, offset) {
    if (node.nodeType === Node.TEXT_NODE && node.parentElement) {
      const seg = node.parentElement.closest("[data-start]");
      if (seg && root.contains(seg)) {
        let before = "";
        for (let n = seg.firstChild; n && n !== node; n = n.nextSibling) before += n.textContent;
        return Number(seg.dataset.start) + codePoints(before + node.data.slice(0, offset));
      }
    }
    // An element boundary (a selection ending between segments): count everything before it.
    // The rendered text is the original text exactly, so this agrees with data-start.
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  /** The current selection within the article as {start, end, text}, whitespace trimmed. */
  function selectionInArticle() {
    return selectionIn(articleEl());
  }

  /** The current selection within ``root`` (the article or a source's text), offsets into
   * that text, with ``root`` set to its id. */
  function selectionIn(root) {
    const sel = window.getSelection();
    if (!root || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0).cloneRange();
    if (!range.intersectsNode(root)) return null;
    if (!root.contains(range.startContainer)) range.setStart(root, 0);
    if (!root.contains(range.endContainer)) range.setEnd(root, root.childNodes.length);
    let start = pointToOffset(root, range.startContainer, range.startOffset);
    let end = pointToOffset(root, range.endContainer, range.endOffset);
    const raw = range.toString();
    start += codePoints(raw) - codePoints(raw.trimStart());
    end -= codePoints(raw) - codePoints(raw.trimEnd());
    if (end <= start) return null;
    return { start: start, end: end, text: raw.trim(), root: root.id };
  }

  /** The selection a form acts on: in the text it names with data-selection-root (a source),
   * else in the article; the live one, or the last one kept for that same text. */
  function selectionFor(form) {
    const rootId = (form && form.dataset.selectionRoot) || "article-text";
    const live = selectionIn(document.getElementById(rootId));
    if (live) return live;
    return lastSelection && lastSelection.root === rootId ? lastSelection : null;
  }

  // The last non-empty selection in the article. Kept when the selection collapses (clicking a
  // button collapses it) until it is used, cleared, or replaced.
  let lastSelection = null;

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

  function clearSelection() {
    lastSelection = null;
    const sel = window.getSelection();
    if (sel) sel.removeAllRanges();
    showSelection();
  }

  let selectionTimer = null;
  document.addEventListener("selectionchange", function () {
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
  });

  function flash(message) {
    const box = document.getElementById("flash");
    if (!box) return;
    box.className = "flash flash-error";
    box.innerHTML = "";
    const p = document.createElement("p");
    p.textContent = message;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "link";
    close.dataset.dismiss = "flash";
    close.textContent = "Dismiss";
    box.append(p, close);
  }

  function setValue(form, name, value) {
    const input = form.querySelector('[name="' + name + '"]');
    if (input) input.value = value;
  }

  // Forms that act on the selection get its offsets just before they are sent. This runs in
  // the capture phase, before htmx (listening on the form) reads the values.
  document.addEventListener(
    "submit",
    function (ev) {
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
    },
    true,
  );

  document.addEventListener("click", function (ev) {
    const target = ev.target instanceof Element ? ev.target : null;
    if (!target) return;

    const fill = target.closest("[data-fill-slot]");
    if (fill) {
      const part = fill.dataset.fillSlot;
      const form = fill.closest("form");
      const current = selectionFor(null);
      if (!current) {
        flash("Select the " + part + " in the article first.");
        return;
      }
      setValue(form, part + "_start", current.start);
      setValue(form, part + "_end", current.end);
      const out = form.querySelector('[data-slot-text="' + part + '"]');
      if (out) out.textContent = "“" + current.text + "”";
      clearSelection();
      return;
    }

    const submit = target.closest("[data-submit]");
    if (submit) {
      const form = document.getElementById(submit.dataset.submit);
      if (form) form.requestSubmit();
      else flash("Open a claim first.");
      return;
    }

    if (target.closest("[data-clear-selection]")) {
      clearSelection();
      return;
    }

    if (target.closest('[data-dismiss="flash"]')) {
      const box = document.getElementById("flash");
      box.className = "flash";
      box.innerHTML = "";
      return;
    }

    // A link to a source opens it (a closed <details> hides the text to select in).
    const toSource = target.closest('a[href^="#source-"]');
    if (toSource) {
      const details = document.getElementById(toSource.getAttribute("href").slice(1));
      if (details && details.tagName === "DETAILS") details.open = true;
    }

    if (target.closest('[data-shortcut="?"]')) {
      toggleHelp();
      return;
    }

    const addSource = target.closest("[data-add-source]");
    if (addSource) {
      addSourceForm();
      return;
    }

    // A click on a claim in the text opens it; clicking again cycles through nested claims.
    const seg = target.closest("#article-text [data-claim]");
    if (seg) {
      const sel = window.getSelection();
      if (sel && !sel.isCollapsed) return;
      openClaimAt(seg, seg.dataset.claim);
    }
  });

  function openClaimAt(seg, preferred) {
    const ids = seg.dataset.claims.split(" ");
    const currentId = panelEl() ? panelEl().dataset.claimId : null;
    let id = preferred;
    if (currentId && ids.length > 1 && ids.includes(currentId)) {
      id = ids[(ids.indexOf(currentId) + 1) % ids.length];
    }
    openClaim(id);
  }

  // One panel request at a time: further j/k presses only move the target, and the panel
  // catches up when the request in flight lands.
  let navBusy = false;

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
    htmx.ajax("GET", url, { target: "#claim-panel", swap: "outerHTML" }).then(landed, landed);
  }

  function toggleHelp() {
    const help = document.getElementById("shortcut-help");
    if (!help) return;
    if (help.open) help.close();
    else help.showModal();
  }

  const SHORTCUTS = "jkcxeav";

  // j/k walk the claim order held by the text, counting from where the last key press was
  // heading (not from the panel still on screen), so pressing j twice moves two claims even
  // before the first answer arrives. Keys that act on "the current claim" wait for the panel
  // to arrive rather than act on the claim being left.
  let navTarget = null;
  let queuedKey = null;

  function step(delta) {
    const root = articleEl();
    const panel = panelEl();
    if (!root || !panel || !panel.dataset.claimId) return false;
    const order = root.dataset.claimOrder.split(" ").filter(Boolean);
    const index = order.indexOf(navTarget || panel.dataset.claimId);
    const next = order[index + delta];
    if (index >= 0 && next) openClaim(next);
    return true;
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

  document.addEventListener("keydown", function (ev) {
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
      if (lastSelection) clearSelection();
      return;
    }
    if ((help && help.open) || ev.key.length !== 1 || !SHORTCUTS.includes(ev.key)) return;
    ev.preventDefault();
    if (navTarget && !"jk".includes(ev.key)) {
      queuedKey = ev.key;
      return;
    }
    runShortcut(ev.key);
  });

  // --- after swaps ------------------------------------------------------------------------

  let shownClaim = null;
  let navOpen = false;

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

  document.addEventListener(
    "toggle",
    function (ev) {
      if (ev.target.id === "claim-nav") navOpen = ev.target.open;
    },
    true,
  );

  function navigationDone() {
    navTarget = null;
    const key = queuedKey;
    queuedKey = null;
    if (key) runShortcut(key);
  }

  // A new claim's panel starts at its top (its claim and flags), not where the previous
  // claim's panel was scrolled to (often its verdict form, far down).
  let panelClaim = panelEl() ? panelEl().dataset.claimId : null;
  document.addEventListener("htmx:afterSwap", function (ev) {
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
  });

  document.addEventListener("htmx:afterSettle", function (ev) {
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
  });

  // A selection that was used is done with. (beforeSwap, not afterRequest: the form that sent
  // the request is usually the one being replaced, and events on it no longer reach here.)
  document.addEventListener("htmx:beforeSwap", function (ev) {
    const elt = ev.detail.requestConfig && ev.detail.requestConfig.elt;
    if (ev.detail.xhr.status < 300 && elt && elt.matches && elt.matches("[data-uses-selection]")) {
      clearSelection();
    }
  });

  function addSourceForm() {
    const template = document.getElementById("source-template");
    const total = document.querySelector('[name="sources-TOTAL_FORMS"]');
    const list = document.getElementById("source-forms");
    if (!template || !total || !list) return;
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const legend = list.lastElementChild.querySelector("legend");
    if (legend) legend.textContent = "Source " + (index + 1);
    const first = list.lastElementChild.querySelector("input, textarea");
    if (first) first.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markCurrent);
  } else {
    markCurrent();
  }

  // Exposed for the browser tests and for debugging offsets by hand.
  window.workbench = {
    selectionInArticle: selectionInArticle,
    selectionIn: selectionIn,
    codePoints: codePoints,
  };
})();
