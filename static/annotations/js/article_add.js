/*
 * The add-article page: "Add another source" clones the empty source form from its
 * <template> and bumps the formset's TOTAL_FORMS, as Django formsets expect.
 */

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

/** Click handler (see main.js). */
export function onAddSourceClick(target) {
  if (!target.closest("[data-add-source]")) return false;
  addSourceForm();
  return true;
}
