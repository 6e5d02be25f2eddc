/* paperfeed search: the header search box over the site's own search index.
 *
 * The index is built by src/paperfeed/search/index.py (its docstring gives the
 * file formats); words() below mirrors src/paperfeed/search/tokens.py rule for
 * rule. A query loads the manifest once, then only the shards that can hold its
 * words, the filter it uses and the ten results it shows.
 * Everything from the index is shown with textContent, never as markup.
 */
(() => {
  "use strict";

  // -- words: the same rules as tokens.py ---------------------------------------
  const WORD = /[\p{L}\p{N}]+/gu;
  const MARKS = /\p{M}+/gu;
  const LETTERS = /^\p{L}+$/u;
  const length = (w) => [...w].length; // code points, as Python counts

  function normalize(text) {
    return text.normalize("NFKD").toLowerCase().replace(MARKS, "");
  }

  function stem(w) {
    if (length(w) <= 3 || !LETTERS.test(w)) return w;
    if (w.endsWith("ies") && !w.endsWith("eies") && !w.endsWith("aies")) return w.slice(0, -3) + "y";
    if (w.endsWith("es") && !w.endsWith("aes") && !w.endsWith("ees") && !w.endsWith("oes")) return w.slice(0, -1);
    if (w.endsWith("s") && !w.endsWith("us") && !w.endsWith("ss")) return w.slice(0, -1);
    return w;
  }

  function words(text, stopwords) {
    const out = [];
    for (const [w] of normalize(text).matchAll(WORD)) {
      if (length(w) > 1 && !stopwords.has(w)) out.push(stem(w));
    }
    return out;
  }

  // -- the index ----------------------------------------------------------------
  const MAX_EXPANSIONS = 24; // words a prefix may stand for (the most frequent)
  const PREFIX_WEIGHT = 0.7; // a word that only starts with what was typed counts less
  const PREFIX_MIN = 3; // shorter beginnings of a word would stand for too many words
  const PREFIX_SHARDS = 2; // shards a prefix may read beyond its own

  function varint(bytes, pos) {
    let value = 0, shift = 0, b;
    do {
      b = bytes[pos.at++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return value;
  }

  class Index {
    constructor(base) {
      this.base = base;
      this.files = new Map();
      this.shards = new Map();
      this.bundles = new Map();
    }

    load() {
      this.ready = this.ready || fetch(this.base + "index.json").then((r) => {
        if (!r.ok) throw new Error(`search index: ${r.status} for ${r.url}`);
        return r.json();
      }).then((m) => {
        this.manifest = m;
        this.stopwords = new Set(m.stopwords);
        this.firsts = m.shards.map((s) => s[0]);
        return this;
      }).catch((error) => {
        this.ready = null; // try again on the next search
        throw error;
      });
      return this.ready;
    }

    bytes(path) {
      if (!this.files.has(path)) {
        this.files.set(path, fetch(this.base + path).then((r) => {
          if (!r.ok) throw new Error(`search index: ${r.status} for ${r.url}`);
          return r.arrayBuffer();
        }).then((b) => new Uint8Array(b)));
      }
      return this.files.get(path);
    }

    // the shard that holds `word` if any does: the last one whose first word is <= word
    shardOf(word) {
      let lo = 0, hi = this.firsts.length - 1, found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (this.firsts[mid] <= word) { found = mid; lo = mid + 1; } else hi = mid - 1;
      }
      return found;
    }

    async shard(i) {
      if (!this.shards.has(i)) {
        this.shards.set(i, this.bytes(`t/${this.manifest.shards[i][1]}.bin`).then((bytes) => {
          const records = new Map();
          const pos = { at: 0 };
          const text = new TextDecoder();
          while (pos.at < bytes.length) {
            const size = varint(bytes, pos);
            const word = text.decode(bytes.subarray(pos.at, pos.at + size));
            pos.at += size;
            const df = varint(bytes, pos);
            const start = pos.at;
            for (let k = 0; k < df; k++) { varint(bytes, pos); pos.at++; }
            records.set(word, { word, df, bytes, start });
          }
          return records;
        }));
      }
      return this.shards.get(i);
    }

    // the records for a query word: the word itself, and when it is still being typed,
    // the most frequent words that start with it
    async lookup(word, prefix) {
      const first = this.shardOf(word);
      const found = [];
      if (first < 0 && !prefix) return found;
      const exact = first >= 0 ? (await this.shard(first)).get(word) : undefined;
      if (exact) found.push({ record: exact, weight: 1 });
      if (!prefix || length(word) < PREFIX_MIN) return found;
      const expansions = [];
      for (let i = Math.max(first, 0); i < this.firsts.length; i++) {
        if (i > first && !this.firsts[i].startsWith(word)) break;
        if (i - Math.max(first, 0) > PREFIX_SHARDS) break; // a short prefix spans many shards: read the first few
        for (const record of (await this.shard(i)).values()) {
          if (record.word !== word && record.word.startsWith(word)) expansions.push(record);
        }
      }
      expansions.sort((a, b) => b.df - a.df || (a.word < b.word ? -1 : 1));
      for (const record of expansions.slice(0, MAX_EXPANSIONS)) found.push({ record, weight: PREFIX_WEIGHT });
      return found;
    }

    async filter(name) {
      const bytes = await this.bytes(`f/${name}.bin`);
      const keep = new Uint8Array(this.manifest.docs);
      const pos = { at: 0 };
      let doc = -1;
      while (pos.at < bytes.length) { doc += varint(bytes, pos); keep[doc] = 1; }
      return keep;
    }

    // what a result shows: ten papers a file, each fetched once
    fragment(doc) {
      const n = Math.floor(doc / this.manifest.bundle);
      if (!this.bundles.has(n)) {
        this.bundles.set(n, fetch(`${this.base}d/${n}.json?v=${this.manifest.version}`).then((r) => {
          if (!r.ok) throw new Error(`search index: ${r.status} for ${r.url}`);
          return r.json();
        }));
      }
      return this.bundles.get(n).then((bundle) => bundle[doc % this.manifest.bundle]);
    }

    // Papers matching every query word (or, when none does, any of them), best first.
    async search(query, { tag = "", year = "" } = {}) {
      await this.load();
      const { docs: total, scoring } = this.manifest;
      const tokens = [...new Set(words(query, this.stopwords))];
      if (!tokens.length) return { query: tokens, docs: [], partial: false };
      const typing = /[\p{L}\p{N}]$/u.test(query);
      const [lookups, keepTag, keepYear] = await Promise.all([
        Promise.all(tokens.map((t, i) => this.lookup(t, typing && i === tokens.length - 1))),
        tag ? this.filter(`tag-${tag}`) : null,
        year ? this.filter(`year-${year}`) : null,
      ]);
      const score = new Float32Array(total);
      const matched = new Uint8Array(total);
      const best = new Float32Array(total);
      for (const found of lookups) {
        const touched = [];
        for (const { record, weight } of found) {
          const idf = Math.log(1 + (total - record.df + 0.5) / (record.df + 0.5));
          const pos = { at: record.start };
          let doc = -1;
          for (let k = 0; k < record.df; k++) {
            doc += varint(record.bytes, pos);
            const impact = record.bytes[pos.at++];
            const bonus = impact & scoring.title_bit ? scoring.title_bonus : 0;
            const s = weight * idf * (((impact & 0x7f) / 127) * scoring.impact_max + bonus);
            if (best[doc] === 0) touched.push(doc);
            if (s > best[doc]) best[doc] = s;
          }
        }
        for (const doc of touched) { score[doc] += best[doc]; matched[doc]++; best[doc] = 0; }
      }
      const wanted = (doc) => (!keepTag || keepTag[doc]) && (!keepYear || keepYear[doc]);
      let docs = [];
      for (let doc = 0; doc < total; doc++) {
        if (matched[doc] === tokens.length && wanted(doc)) docs.push(doc);
      }
      const partial = docs.length === 0 && tokens.length > 1;
      if (partial) {
        for (let doc = 0; doc < total; doc++) if (matched[doc] && wanted(doc)) docs.push(doc);
      }
      docs.sort((a, b) => matched[b] - matched[a] || score[b] - score[a] || b - a);
      return { query: tokens, docs, partial };
    }
  }

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
    const index = new Index(index_url.href);
    let latest = 0, shown = null;

    const open = () => { if (toggle && !toggle.checked) toggle.checked = true; };
    const close = () => { if (toggle) toggle.checked = false; input.blur(); };

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
        meta.textContent = "Search is not available: the search index is missing.";
        throw error;
      }
      if (tagSelect.options.length === 1) {
        options(tagSelect, index.manifest.tags, "Filter by tag");
        options(yearSelect, index.manifest.years.map(([y, n]) => [y, y, n]), "Filter by year");
      }
      if (!input.value) meta.textContent = `Type to search ${index.manifest.docs.toLocaleString("en")} papers`;
    }

    async function more() {
      const { result, names } = shown;
      const start = list.children.length;
      const page = result.docs.slice(start, start + PAGE);
      const fragments = await Promise.all(page.map((doc) => index.fragment(doc)));
      if (shown.result !== result) return;
      list.querySelector(".md-search-result__more")?.remove();
      fragments.forEach((f) => {
        if (!f) return;
        const item = list.appendChild(element("li", { class: "md-search-result__item" }));
        const link = item.appendChild(element("a", { href: new URL(f.u, site).href, class: "md-search-result__link", tabindex: "-1" }));
        const article = link.appendChild(element("article", { class: "md-search-result__article md-typeset" }));
        article.appendChild(element("div", { class: "md-search-result__icon md-icon" }));
        marked(article.appendChild(element("h1")), f.t, result.query, index.stopwords);
        article.appendChild(element("p", { class: "pf-search__meta" }, [f.a, f.d].filter(Boolean).join(" · ")));
        marked(article.appendChild(element("p")), f.s, result.query, index.stopwords);
        if (f.g.length) {
          const nav = article.appendChild(element("nav", { class: "md-tags", "aria-label": "Tags" }));
          for (const slug of f.g) nav.appendChild(element("span", { class: "md-tag" }, names.get(slug) || slug));
        }
      });
      if (list.children.length < result.docs.length) {
        const rest = result.docs.length - list.children.length;
        const li = list.appendChild(element("li", { class: "md-search-result__more" }));
        const button = li.appendChild(element("button", { type: "button", class: "md-search-result__link pf-search__more" },
          `Show ${Math.min(PAGE, rest)} more (${rest.toLocaleString("en")} left)`));
        button.addEventListener("click", () => more().then(() => list.children[start + PAGE]?.querySelector("a")?.focus()));
      }
    }

    async function run() {
      const id = ++latest;
      const query = input.value;
      await prepare();
      if (!query.trim()) {
        list.replaceChildren();
        shown = null;
        box.dataset.pfShown = query;
        return;
      }
      const result = await index.search(query, { tag: tagSelect.value, year: yearSelect.value });
      if (id !== latest) return; // a newer keystroke has its own search running
      const n = result.docs.length;
      meta.textContent = n === 0 ? "No papers match"
        : `${n.toLocaleString("en")} ${n === 1 ? "paper matches" : "papers match"}` +
          (result.partial ? " some of the words (none has all)" : "");
      list.replaceChildren();
      shown = { result, names: new Map(index.manifest.tags.map(([slug, name]) => [slug, name])) };
      await more();
      if (id === latest) {
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

  window.paperfeedSearch = { words, normalize, stem, Index };
  document.querySelectorAll("[data-pf-search]").forEach(mount);
})();
