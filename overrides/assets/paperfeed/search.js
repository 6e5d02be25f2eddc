/* paperfeed search: the header's search box (Material's search dialog markup, paperfeed's
 * engine in search-index.js). Everything from the index is shown with textContent, never
 * as markup. Every page loads it, so it also makes the links that only work with it, or
 * that would cost every paper's page their bytes: authors' search links, the note template.
 */
import { Index, authorQuery, normalize, shortWords, stem, words } from "./search-index.js";

// -- the search box -----------------------------------------------------------
const PAGE = 10;
// Search when typing pauses: a fast typist's unfinished words would each fetch shards and
// results nobody reads. Enter and the filters search at once.
const PAUSE_MS = 100;

function marked(parent, text, query, stopwords) {
  // wrap the query's words in <mark>, built from text nodes only
  const pieces = text.split(/([\p{L}\p{N}]+)/u);
  for (const piece of pieces) {
    const [w] = words(piece, stopwords);
    if (w && query.some((q) => w.startsWith(q))) {
      parent.appendChild(document.createElement("mark")).textContent = piece;
    } else if (piece) {
      parent.appendChild(document.createTextNode(piece));
    }
  }
}

function element(tag, attrs = {}, text) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

// Material 9.x's search dialog markup (partials/search.html), with paperfeed's filters
function dialog(box, site) {
  const icon = (name) => `<svg viewBox="0 0 24 24" aria-hidden="true"><use href="${new URL(`assets/paperfeed/icons.svg#${name}`, site)}"></use></svg>`;
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", "Search papers");
  box.innerHTML = `<label class="md-search__overlay" for="__search"></label>
<div class="md-search__inner" role="search">
<form class="md-search__form" name="pf-search">
<input type="text" class="md-search__input" name="q" aria-label="Search papers" placeholder="Search papers" autocapitalize="off" autocorrect="off" autocomplete="off" spellcheck="false" required>
<label class="md-search__icon md-icon" for="__search">${icon("search")}${icon("previous")}</label>
<nav class="md-search__options" aria-label="Search">
<button type="reset" class="md-search__icon md-icon" title="Clear" aria-label="Clear" tabindex="-1">${icon("close")}</button>
</nav>
</form>
<div class="md-search__output">
<div class="md-search__scrollwrap" tabindex="0">
<div class="md-search-result">
<div class="md-search-result__meta pf-search__bar">
<span class="pf-search__count" aria-live="polite">Type to search papers</span>
<span class="pf-search__filters">
<select name="tag" aria-label="Filter by tag"><option value="">All tags</option></select>
<select name="year" aria-label="Filter by year"><option value="">All years</option></select>
<select name="category" aria-label="Filter by arXiv category" hidden><option value="">All categories</option></select>
</span>
</div>
<ol class="md-search-result__list"></ol>
</div>
</div>
</div>
</div>`;
}

function mount(box) {
  const index_url = new URL(box.dataset.pfSearch, location.href); // <site>/search/
  const site = new URL("..", index_url);
  dialog(box, site);
  const toggle = document.getElementById("__search");
  const input = box.querySelector("input[name=q]");
  const list = box.querySelector(".md-search-result__list");
  const meta = box.querySelector(".pf-search__count");
  const tagSelect = box.querySelector("select[name=tag]");
  const yearSelect = box.querySelector("select[name=year]");
  const categorySelect = box.querySelector("select[name=category]");
  const index = new Index(index_url.href);
  let latest = 0, shown = null;

  const open = () => { if (toggle && !toggle.checked) toggle.checked = true; };
  const setAddress = (query) => {
    // the address says the search: it can be shared, and Back comes back to it
    const url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    if (url.href !== location.href) history.replaceState(history.state, "", url);
  };
  const close = () => { if (toggle) toggle.checked = false; input.blur(); setAddress(""); };

  function options(select, items, label) {
    for (const [value, name, count] of items) {
      select.appendChild(element("option", { value: String(value) }, `${name} (${count.toLocaleString("en")})`));
    }
    select.setAttribute("aria-label", label);
  }

  async function prepare() {
    try {
      await index.load();
    } catch (error) {
      meta.textContent = typeof DecompressionStream === "undefined"
        ? "Search needs a newer browser: this one cannot read the search index."
        : "Search is not available: the search index is missing.";
      throw error;
    }
    if (tagSelect.options.length === 1) {
      options(tagSelect, index.manifest.tags, "Filter by tag");
      options(yearSelect, index.manifest.years.map(([y, n]) => [y, y, n]), "Filter by year");
      const categories = index.manifest.categories || [];
      if (categories.length) { // a site with arXiv categories (an arXiv source) offers them
        options(categorySelect, categories.map(([c, n]) => [c, c, n]), "Filter by arXiv category");
        categorySelect.hidden = false;
      }
    }
    if (!input.value) meta.textContent = `Type to search ${index.manifest.docs.toLocaleString("en")} papers`;
  }

  // A result links only to a page of this site: a relative path of plain segments, never a
  // scheme (javascript:), a host (//) or a way up (..), whatever a tampered index says.
  const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)+$/;
  const pageUrl = (u) => (typeof u === "string" && SAFE_PATH.test(u) ? new URL(u, site).href : null);

  // the next page of results: `shown.next` counts the results consumed so far (one that
  // cannot be shown, such as a tampered link, is skipped, never shown twice)
  async function more() {
    const { result, names } = shown;
    const page = result.docs.slice(shown.next, shown.next + PAGE);
    shown.next += page.length;
    const fragments = await Promise.all(page.map((doc) => index.fragment(doc)));
    if (shown.result !== result) return null;
    list.querySelector(".md-search-result__more")?.remove();
    let first = null;
    fragments.forEach((f) => {
      const href = f && pageUrl(f.u);
      if (!href) return;
      const item = list.appendChild(element("li", { class: "md-search-result__item" }));
      const link = item.appendChild(element("a", { href, class: "md-search-result__link", tabindex: "-1" }));
      first = first || link;
      const article = link.appendChild(element("article", { class: "md-search-result__article md-typeset" }));
      article.appendChild(element("div", { class: "md-search-result__icon md-icon" }));
      marked(article.appendChild(element("h1")), f.t, result.query, index.stopwords);
      const meta = article.appendChild(element("p", { class: "pf-search__meta" }, f.a || ""));
      if (f.d) {
        if (f.a) meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(element("span", { class: "pf-search__date" }, f.d));
      }
      marked(article.appendChild(element("p")), f.s, result.query, index.stopwords);
      if (f.g.length) {
        const nav = article.appendChild(element("nav", { class: "md-tags", "aria-label": "Tags" }));
        for (const slug of f.g) nav.appendChild(element("span", { class: "md-tag" }, names.get(slug) || slug));
      }
    });
    const rest = result.docs.length - shown.next;
    if (rest > 0) {
      const li = list.appendChild(element("li", { class: "md-search-result__more" }));
      const button = li.appendChild(element("button", { type: "button", class: "md-search-result__link pf-search__more" },
        rest > PAGE ? `Show ${PAGE} more (${rest.toLocaleString("en")} left)` : `Show the last ${rest}`));
      button.addEventListener("click", () => more().then((link) => link?.focus()));
    }
    return first;
  }

  async function run() {
    const id = ++latest;
    const query = input.value;
    await prepare();
    if (!query.trim()) {
      list.replaceChildren();
      shown = null;
      setAddress("");
      box.dataset.pfShown = query;
      return;
    }
    const result = await index.search(query, { tag: tagSelect.value, year: yearSelect.value,
      category: categorySelect.value });
    if (id !== latest) return; // a newer keystroke has its own search running
    const n = result.docs.length;
    meta.textContent = n === 0 ? "No papers match"
      : `${n.toLocaleString("en")} ${n === 1 ? "paper matches" : "papers match"}` +
        (result.partial ? " some of the words (none has all)" : "");
    list.replaceChildren();
    shown = { result, next: 0, names: new Map(index.manifest.tags.map(([slug, name]) => [slug, name])) };
    await more();
    if (id === latest) {
      setAddress(query);
      box.dataset.pfShown = query; // which query the results are for (tests and benchmarks wait on it)
      box.dispatchEvent(new CustomEvent("pf-search-results", { bubbles: true }));
    }
  }

  const search = () => run().catch((error) => {
    meta.textContent = "Search failed: " + error.message;
    console.error(error);
  });

  let pause = 0;
  input.addEventListener("focus", () => { open(); prepare().catch(() => {}); });
  input.addEventListener("input", () => {
    clearTimeout(pause);
    pause = setTimeout(search, PAUSE_MS);
  });
  tagSelect.addEventListener("change", search);
  yearSelect.addEventListener("change", search);
  categorySelect.addEventListener("change", search);
  box.querySelector("form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(pause);
    if (box.dataset.pfShown === input.value) list.querySelector("a")?.click();
    else search();
  });
  box.querySelector("button[type=reset]").addEventListener("click", () => {
    setTimeout(search, 0); // after the form has cleared the box
    input.focus();
  });
  if (toggle) {
    toggle.addEventListener("change", () => (toggle.checked ? input.focus() : input.blur()));
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.metaKey || ev.ctrlKey || ev.altKey) return;
    const active = document.activeElement;
    const typing = active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
    if (!toggle?.checked && !typing && ["/", "s", "f"].includes(ev.key)) {
      ev.preventDefault();
      open();
      input.focus();
      input.select();
      return;
    }
    if (!toggle?.checked || !box.contains(active)) return;
    const links = [...list.querySelectorAll("a, button")];
    const at = links.indexOf(active);
    if (ev.key === "Escape") {
      ev.preventDefault();
      close();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      const next = ev.key === "ArrowDown" ? at + 1 : at - 1;
      (next < 0 ? input : links[Math.min(next, links.length - 1)])?.focus();
    }
  });

  const params = new URLSearchParams(location.search);
  if (params.get("q")) {
    input.value = params.get("q");
    open();
    search();
  }
}

// -- links only this script can make work ------------------------------------------
// A paper's authors are plain names in its HTML (pages/render.author_name): each becomes a
// link to their papers, this very page with the search open on exactly that name.
function linkAuthors() {
  for (const span of document.querySelectorAll(".pf-paper__authors > span")) {
    const name = span.textContent;
    span.replaceWith(element("a", { href: "?" + new URLSearchParams({ q: authorQuery(name) }) }, name));
  }
}

// "Add a note" opens GitHub's editor in the paper's notes folder; the new file's name and
// front matter are filled in here (pages/annotations.py: FILENAME, TEMPLATE), not paid by
// every page.
const NOTE_QUERY = {
  filename: "YYYY-MM-DD-your-github-handle.md",
  value: "---\nauthor: your-github-handle\ndate: YYYY-MM-DD\n---\n\n",
};

function fillNoteLinks() {
  for (const a of document.querySelectorAll(".pf-add-note > a[href]")) {
    const url = new URL(a.href);
    // %20 for spaces (as encodeURIComponent writes them), not the "+" of URLSearchParams
    const query = Object.entries(NOTE_QUERY).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
    if (!url.search) a.href = `${url.href}?${query}`;
  }
}

window.paperfeedSearch = { words, shortWords, normalize, stem, Index };
linkAuthors();
fillNoteLinks();
document.querySelectorAll("[data-pf-search]").forEach(mount);
