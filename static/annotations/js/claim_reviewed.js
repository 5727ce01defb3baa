/*
 * The verdict form's "claim reviewed" field: counts its characters as they are typed and
 * says when the wording is over the 75 Google asks for. The server renders the same count
 * and warning, so without JavaScript the form says it after saving.
 */

const SOFT_LIMIT_FIELD = "textarea[data-soft-limit]";

/** Input listener (see main.js): update the hint of a field with a soft limit. */
export function onClaimReviewedInput(target) {
  if (!(target instanceof Element) || !target.matches(SOFT_LIMIT_FIELD)) return false;
  const hint = document.getElementById(target.getAttribute("aria-describedby") || "");
  if (!hint) return true;
  // Characters as the server counts them (code points), after its whitespace collapse.
  const length = [...target.value.trim().split(/\s+/).join(" ")].length;
  const over = length > Number(target.dataset.softLimit);
  const count = hint.querySelector("[data-char-count]");
  if (count) count.textContent = String(length);
  const warning = hint.querySelector("[data-over-limit]");
  if (warning) warning.hidden = !over;
  hint.classList.toggle("over-limit", over);
  return true;
}
