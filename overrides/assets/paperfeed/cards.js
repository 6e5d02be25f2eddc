/* paperfeed: filter a page's cards by tag and sort them, without a page load.
 * Day, home and trending pages ask for this script (front matter `cards: true`). Without
 * JavaScript they read as built: every card, most upvoted first. The choice is kept in the
 * address (?tag=llm&sort=appearance), so a filtered day can be linked to.
 */
const cards = [...document.querySelectorAll("article.pf-card")];
if (cards.length > 1) mount(cards);

function element(name, attributes = {}, text = "") {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

// a card's tags, from its chips: [slug, name] (a chip links to tags/<slug>/)
function tagsOf(card) {
  return [...card.querySelectorAll(".pf-card__tags a.pf-tag")].map((a) => {
    const parts = new URL(a.href).pathname.split("/").filter(Boolean);
    return [parts[parts.length - 1], a.textContent];
  });
}

function mount(cards) {
  // runs of cards that follow each other (the home page has one per day): each sorts in place
  const runs = [];
  cards.forEach((card, i) => {
    card.dataset.b = String(i); // the order as built: most upvoted first
    const previous = card.previousElementSibling;
    if (previous && previous.matches("article.pf-card") && runs.length) runs[runs.length - 1].cards.push(card);
    else runs.push({ anchor: previous, parent: card.parentElement, cards: [card] });
  });
  const tags = new Map();
  for (const card of cards) {
    card.pfTags = tagsOf(card).map(([slug, name]) => {
      const seen = tags.get(slug) || { name, count: 0 };
      seen.count++;
      tags.set(slug, seen);
      return slug;
    });
  }
  const chosen = tags.size ? [...tags].sort((a, b) => b[1].count - a[1].count || a[1].name.localeCompare(b[1].name)) : [];

  const bar = element("div", { class: "pf-filter" });
  const chips = bar.appendChild(element("div", { class: "pf-filter__chips", role: "group", "aria-label": "Show the papers tagged" }));
  const chip = (slug, name, count) => {
    const button = chips.appendChild(element("button", { type: "button", class: "pf-chip", "aria-pressed": "false" }));
    button.dataset.tag = slug;
    button.append(name + " ", element("span", { class: "pf-chip__count" }, String(count)));
    return button;
  };
  chip("", "All", cards.length);
  for (const [slug, { name, count }] of chosen) chip(slug, name, count);
  const label = bar.appendChild(element("label", { class: "pf-filter__sort" }, "Sort "));
  const sort = label.appendChild(element("select"));
  sort.append(element("option", { value: "upvotes" }, "Most upvoted"), element("option", { value: "appearance" }, "Order of appearance"));
  const count = bar.appendChild(element("p", { class: "pf-filter__count", "aria-live": "polite" }));
  runs[0].parent.insertBefore(bar, runs[0].cards[0]);
  runs[0].anchor = bar; // the first run's cards follow the bar

  const params = new URLSearchParams(location.search);
  let tag = tags.has(params.get("tag")) ? params.get("tag") : "";
  sort.value = params.get("sort") === "appearance" ? "appearance" : "upvotes";

  function apply(remember) {
    let shown = 0;
    for (const card of cards) {
      card.hidden = Boolean(tag) && !card.pfTags.includes(tag);
      if (!card.hidden) shown++;
    }
    for (const button of chips.children) button.setAttribute("aria-pressed", String(button.dataset.tag === tag));
    const key = sort.value === "appearance" ? (c) => Number(c.dataset.o ?? c.dataset.b) : (c) => Number(c.dataset.b);
    for (const run of runs) {
      const sorted = [...run.cards].sort((a, b) => key(a) - key(b));
      if (run.anchor) run.anchor.after(...sorted);
      else run.parent.prepend(...sorted);
    }
    count.textContent = tag ? `${shown} of ${cards.length} papers: ${tags.get(tag).name}` : `${cards.length} papers`;
    if (remember) {
      const url = new URL(location.href);
      if (tag) url.searchParams.set("tag", tag); else url.searchParams.delete("tag");
      if (sort.value === "appearance") url.searchParams.set("sort", "appearance"); else url.searchParams.delete("sort");
      history.replaceState(history.state, "", url);
    }
  }

  chips.addEventListener("click", (ev) => {
    const button = ev.target.closest("button.pf-chip");
    if (!button) return;
    tag = button.dataset.tag === tag ? "" : button.dataset.tag;
    apply(true);
  });
  sort.addEventListener("change", () => apply(true));
  apply(false);
}
