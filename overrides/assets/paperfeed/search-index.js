/* paperfeed search: the engine. Reads the site's own search index, built by
 * src/paperfeed/search/index.py (its docstring gives the file formats); words() follows
 * src/paperfeed/search/tokens.py rule for rule (a browser test compares the two).
 * A query loads the manifest once, then only the shards that can hold its words, the
 * filter it uses and the results it shows. No DOM here: search.js is the search box.
 */

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

// one-character words (`μ_0` → μ, 0): indexed from titles only, searched for only when a
// query has no longer word
function shortWords(text, stopwords) {
  const out = [];
  for (const [w] of normalize(text).matchAll(WORD)) {
    if (length(w) === 1 && !stopwords.has(w)) out.push(w);
  }
  return out;
}

// author:"Jane Doe" (or author:Doe, one word): the whole name as one token, as
// tokens.author_token folds it; the rest of the query is words. Inside the quotes \" and
// \\ stand for a quote and a backslash (a name like Jane "JJ" Doe: authorQuery writes them).
const AUTHOR_CLAUSE = /(?<![\p{L}\p{N}])author:(?:"((?:[^"\\]|\\.)*)(?:"|\\?$)|([^\s"]+))/giu;

function authorQuery(name) {
  return `author:"${name.replace(/[\\"]/g, "\\$&")}"`;
}

function authorClauses(query) {
  const names = [];
  const rest = query.replace(AUTHOR_CLAUSE, (_, quoted, word) => {
    const text = quoted === undefined ? word : quoted.replace(/\\(.)/gu, "$1");
    const name = normalize(text).split(/\s+/).filter(Boolean).join(" ");
    if (name) names.push("@" + name);
    return " ";
  });
  return { names: [...new Set(names)], rest };
}

// -- the index ----------------------------------------------------------------
const MAX_EXPANSIONS = 24; // words a prefix may stand for (the most frequent)
const PREFIX_WEIGHT = 0.7; // a word that only starts with what was typed counts less
const PREFIX_MIN = 3; // shorter beginnings of a word would stand for too many words
const PREFIX_SHARDS = 2; // shards a prefix may read beyond its own

// fetch once per key; a failure is forgotten, so the next search tries again
function once(cache, key, make) {
  if (!cache.has(key)) {
    cache.set(key, make().catch((error) => {
      cache.delete(key);
      throw error;
    }));
  }
  return cache.get(key);
}

// every file of the index is stored deflated (index.py): inflated as it arrives
function inflated(url) {
  return fetch(url).then((r) => {
    if (!r.ok) throw new Error(`search index: ${r.status} for ${r.url}`);
    return new Response(r.body.pipeThrough(new DecompressionStream("deflate"))).arrayBuffer();
  });
}

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
    this.ready = this.ready || this.json("index.bin").then((m) => {
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
    return once(this.files, path, () => inflated(this.base + path).then((b) => new Uint8Array(b)));
  }

  json(path) {
    return this.bytes(path).then((b) => JSON.parse(new TextDecoder().decode(b)));
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

  shard(i) {
    return once(this.shards, i, () => this.bytes(`t/${this.manifest.shards[i][1]}.bin`).then((bytes) => {
      const records = new Map();
      const pos = { at: 0 };
      const text = new TextDecoder();
      while (pos.at < bytes.length) {
        const size = varint(bytes, pos);
        const word = text.decode(bytes.subarray(pos.at, pos.at + size));
        pos.at += size;
        const df = varint(bytes, pos);
        const start = pos.at;
        for (let k = 0; k < df; k++) varint(bytes, pos);
        const impacts = pos.at; // the df impact bytes follow the df gaps
        pos.at += df;
        records.set(word, { word, df, bytes, start, impacts });
      }
      return records;
    }));
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

  // papers by every one of these authors (tokens from authorClauses)
  async byAuthors(names) {
    const keep = new Uint8Array(this.manifest.docs);
    for (const name of names) {
      const i = this.shardOf(name);
      const record = i >= 0 ? (await this.shard(i)).get(name) : undefined;
      if (!record) return new Uint8Array(this.manifest.docs);
      const pos = { at: record.start };
      let doc = -1;
      for (let k = 0; k < record.df; k++) {
        doc += varint(record.bytes, pos);
        keep[doc]++;
      }
    }
    return keep.map((n) => (n === names.length ? 1 : 0));
  }

  async filter(name) {
    // a filter file keeps its name while its papers change: the archive's version names this one
    const bytes = await this.bytes(`f/${name}.bin?v=${this.manifest.version}`);
    const keep = new Uint8Array(this.manifest.docs);
    const pos = { at: 0 };
    let doc = -1;
    while (pos.at < bytes.length) { doc += varint(bytes, pos); keep[doc] = 1; }
    return keep;
  }

  // what a result shows: ten papers a file, each fetched once
  fragment(doc) {
    const n = Math.floor(doc / this.manifest.bundle);
    return once(this.bundles, n, () => this.json(`d/${n}.bin?v=${this.manifest.version}`))
      .then((bundle) => bundle[doc % this.manifest.bundle]);
  }

  // Papers matching every query word (or, when none does, any of them), best first;
  // author:"…" clauses must all hold. Only authors: their papers, newest first.
  async search(query, { tag = "", year = "", category = "" } = {}) {
    await this.load();
    const { docs: total, scoring } = this.manifest;
    const { names, rest } = authorClauses(query);
    let tokens = [...new Set(words(rest, this.stopwords))];
    if (!tokens.length) tokens = [...new Set(shortWords(rest, this.stopwords))];
    if (!tokens.length && !names.length) return { query: tokens, docs: [], partial: false };
    const typing = /[\p{L}\p{N}]$/u.test(rest);
    const [lookups, keepTag, keepYear, keepAuthors, keepCategory] = await Promise.all([
      Promise.all(tokens.map((t, i) => this.lookup(t, typing && i === tokens.length - 1))),
      tag ? this.filter(`tag-${tag}`) : null,
      year ? this.filter(`year-${year}`) : null,
      names.length ? this.byAuthors(names) : null,
      category ? this.filter(`cat-${category}`) : null,
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
          const impact = record.bytes[record.impacts + k];
          const bonus = impact & scoring.title_bit ? scoring.title_bonus : 0;
          const s = weight * idf * (((impact & 0x7f) / 127) * scoring.impact_max + bonus);
          if (best[doc] === 0) touched.push(doc);
          if (s > best[doc]) best[doc] = s;
        }
      }
      for (const doc of touched) { score[doc] += best[doc]; matched[doc]++; best[doc] = 0; }
    }
    const wanted = (doc) => (!keepTag || keepTag[doc]) && (!keepYear || keepYear[doc]) &&
      (!keepAuthors || keepAuthors[doc]) && (!keepCategory || keepCategory[doc]);
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

export { Index, authorClauses, authorQuery, normalize, shortWords, stem, words };
