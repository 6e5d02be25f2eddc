/* The colour toggle of the lean pages (overrides/lean.html), which load no Material script.
 *
 * `paperfeed build` writes this file to assets/paperfeed/palette.js with the palettes of
 * mkdocs.yml in place of the empty list below (src/paperfeed/publish/lean.py). It runs where
 * Material runs its inline palette script (in the header, before the page is painted): it
 * restores the reader's choice, then builds the toggle with Material's markup, behaviour and
 * stored value ("__palette"), so light or dark follows the reader across all pages.
 */
(() => {
  "use strict";
  const script = document.currentScript;
  const root = new URL("../../", script.src); // this file is <site>/assets/paperfeed/palette.js
  if (typeof window.__md_get !== "function") {
    // Material's helpers (partials/javascripts/base.html), which lean pages leave out
    window.__md_scope = root;
    window.__md_get = (key, storage = localStorage, scope = root) => JSON.parse(storage.getItem(scope.pathname + "." + key));
    window.__md_set = (key, value, storage = localStorage, scope = root) => {
      try { storage.setItem(scope.pathname + "." + key, JSON.stringify(value)); } catch (e) { /* private mode */ }
    };
  }
  document.documentElement.classList.replace("no-js", "js");
  // [media, scheme, primary, accent, toggle name] for each palette of mkdocs.yml
  const palettes = /* PALETTES */ []
    .map(([media, scheme, primary, accent, name]) => ({ media, scheme, primary, accent, name }));
  if (!palettes.length) return;

  const form = document.createElement("form");
  form.className = "md-header__option";
  const inputs = palettes.map((p, i) => {
    const input = form.appendChild(document.createElement("input"));
    Object.assign(input, { className: "md-option", type: "radio", name: "__palette", id: `__palette_${i}` });
    for (const key of ["media", "scheme", "primary", "accent"]) input.setAttribute(`data-md-color-${key}`, p[key]);
    if (p.name) {
      input.setAttribute("aria-label", p.name);
      const label = form.appendChild(document.createElement("label"));
      Object.assign(label, { className: "md-header__button md-icon", title: p.name, hidden: true });
      label.htmlFor = `__palette_${(i + 1) % palettes.length}`;
      label.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true"><use href="${new URL(`assets/paperfeed/icons.svg#palette-${i}`, root)}"></use></svg>`;
    } else {
      input.setAttribute("aria-hidden", "true");
    }
    return input;
  });
  script.before(form);

  function apply(index) {
    const input = inputs[Math.max(0, Math.min(index, inputs.length - 1))];
    const color = {};
    for (const key of ["media", "scheme", "primary", "accent"]) color[key] = input.getAttribute(`data-md-color-${key}`);
    for (const key of ["scheme", "primary", "accent"]) document.body.setAttribute(`data-md-color-${key}`, color[key]);
    for (const other of inputs) {
      const label = other.nextElementSibling;
      if (label instanceof HTMLLabelElement) label.hidden = other !== input;
    }
    input.checked = true;
    return { index: inputs.indexOf(input), color };
  }
  const saved = __md_get("__palette");
  apply(saved && Number.isInteger(saved.index) ? saved.index
    : Math.max(0, inputs.findIndex((i) => matchMedia(i.getAttribute("data-md-color-media")).matches)));
  inputs.forEach((input, i) => input.addEventListener("change", () => __md_set("__palette", apply(i))));
})();
