/*
 * Text selection → character offsets into the original text.
 *
 * The server stores Unicode code points; JavaScript strings count UTF-16 code units, so an
 * emoji is 1 on the server and 2 here. Every segment of the article text carries data-start
 * (its code-point offset in the original text); an offset in the browser is the segment's
 * data-start plus the code points before the caret inside that segment. The server writes a
 * CR as &#13; so the HTML parser keeps it: the rendered text is the original text exactly.
 */

/** Count code points, not UTF-16 units: for…of walks a string by code point. */
export function codePoints(s) {
  let n = 0;
  for (const _ of s) n += 1; // eslint-disable-line no-unused-vars
  return n;
}

/** A DOM boundary point inside ``root`` → code-point offset into the original text. */
export function pointToOffset(root, node, offset) {
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

/** The current selection within ``root`` (the article or a source's text) as
 * {start, end, text, root}: offsets into that text, whitespace trimmed, ``root`` its id. */
export function selectionIn(root) {
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
