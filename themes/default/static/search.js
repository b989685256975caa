// The search page's search box, over the Pagefind index that `sitegen build` makes.
//
// A module, so it is deferred and never inline (the pages' Content-Security-Policy
// forbids inline script). Everything is found relative to this file: the site's
// root is one folder up from static/, so search works under any base_url prefix.
// Results are built as DOM nodes with textContent; only Pagefind's <mark> around
// the matched words is kept from its excerpts.
//
// The index is in shards, each a Pagefind bundle (pagefind/0/, pagefind/1/, ...)
// that pagefind/shards.json lists. Pagefind's code comes from the first bundle;
// the first shard with pages is its index, and the other shards with pages are
// merged into it (Pagefind's mergeIndex), so one search covers them all. Each
// shard's shard.json says how many pages it has. With several shards, the list
// also names the word bundle: one page per shard holding that shard's words, a
// Pagefind index of its own (its own copy of Pagefind's code). It is searched
// first, and the shards it finds are the only ones searched, so that a word is
// matched as one index of the whole site would match it (see sitegen/search.py).

const root = new URL("../", import.meta.url);
const shardsUrl = new URL("pagefind/shards.json", root);
const form = document.querySelector("[data-search-form]");
const input = form.querySelector("input[name=q]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const MAX_RESULTS = 20;
const DEBOUNCE_MS = 200;
const SHARD_FILTER = "sitegen_shard"; // added to each shard's pages here, not in the index

let pagefind = null;
let latest = 0; // the number of the newest query: an older one's results are dropped

// Fresh copies: an old list with a new index would leave pages out.
async function fetchJson(url) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function load() {
  const { bundles, words } = await fetchJson(shardsUrl);
  const urls = bundles.map((bundle) => new URL(bundle, shardsUrl));
  // Every bundle holds Pagefind's code; a shard without pages is left out.
  const [module, shards, wordIndex] = await Promise.all([
    import(new URL("pagefind.js", urls[0]).href),
    Promise.all(urls.map((url) => fetchJson(new URL("shard.json", url)))),
    words ? loadWords(new URL(words, shardsUrl)) : null,
  ]);
  const filled = urls
    .map((url, number) => ({ url, number }))
    .filter(({ number }) => shards[number].pages > 0);
  if (filled.length === 0) return null;
  // Result URLs are indexed from the site's root; baseUrl puts the prefix in front.
  const baseUrl = root.pathname;
  const options = ({ number }) =>
    wordIndex ? { baseUrl, mergeFilter: { [SHARD_FILTER]: String(number) } } : { baseUrl };
  const [first, ...others] = filled;
  await module.options({ basePath: first.url.href, ...options(first) });
  await Promise.all(others.map((shard) => module.mergeIndex(shard.url.href, options(shard))));
  return { pagefind: module, words: wordIndex };
}

// The word bundle: its Pagefind (a module of its own, for its URL is another) and
// the shard of each of its pages.
async function loadWords(url) {
  const [module, { shards }] = await Promise.all([
    import(new URL("pagefind.js", url).href),
    fetchJson(new URL("words.json", url)),
  ]);
  await module.options({ basePath: url.href });
  return { pagefind: module, shards };
}

// Pagefind with every shard merged in, or null when nothing is indexed. Loaded
// once, at the first query (a failure stays: Pagefind keeps what it merged).
function engine() {
  if (pagefind === null) pagefind = load();
  return pagefind;
}

// The results of the query, over the shards whose words match it as the whole
// site's do. The word bundle has no phrases: there a quoted phrase is its words.
async function search(loaded, term) {
  if (loaded.words === null) return loaded.pagefind.search(term);
  const found = await loaded.words.pagefind.search(term.replaceAll('"', " "));
  const shards = new Set();
  for (const result of found.results) {
    const shard = loaded.words.shards[result.id];
    if (shard !== undefined) shards.add(String(shard));
  }
  if (shards.size === 0) return { results: [] };
  return loaded.pagefind.search(term, { filters: { [SHARD_FILTER]: { any: [...shards] } } });
}

function excerpt(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const paragraph = document.createElement("p");
  paragraph.className = "search-excerpt";
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "search-result-title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading, excerpt(data.excerpt));
  return item;
}

async function run(query) {
  const term = query.trim();
  const url = new URL(location.href);
  if (term) url.searchParams.set("q", term);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  const number = ++latest;
  if (!term) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
  if (number !== latest) return; // a newer query superseded this one
  let results;
  try {
    const loaded = await engine();
    results = loaded === null ? [] : (await search(loaded, term)).results;
  } catch (error) {
    status.textContent = "The search index could not be loaded. Browse the stories below instead.";
    throw error;
  }
  if (number !== latest) return;
  const found = await Promise.all(results.slice(0, MAX_RESULTS).map((r) => r.data()));
  if (number !== latest) return;
  list.replaceChildren(...found.map(resultItem));
  const count = results.length;
  const shown = count > MAX_RESULTS ? ` The first ${MAX_RESULTS} are listed.` : "";
  status.textContent =
    count === 0
      ? `No story matches “${term}”.`
      : `${count} ${count === 1 ? "story matches" : "stories match"} “${term}”.${shown}`;
}

form.querySelector("button").addEventListener("click", () => run(input.value));
input.addEventListener("input", () => run(input.value));
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter") run(input.value);
});

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
