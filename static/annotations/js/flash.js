/*
 * The page's flash box (#flash, also filled by the server): where the behaviours here say
 * why a key or button did nothing.
 */

export function flash(message) {
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

/** Click handler (see main.js): its Dismiss button empties the box. */
export function onFlashClick(target) {
  if (!target.closest('[data-dismiss="flash"]')) return false;
  const box = document.getElementById("flash");
  box.className = "flash";
  box.innerHTML = "";
  return true;
}
