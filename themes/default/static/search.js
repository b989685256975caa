// The search page's search box, over the Pagefind index that `sitegen build` makes.
// A module (the pages' Content-Security-Policy forbids inline script). Everything
// is found relative to this file, so search works under any base_url prefix.
// Results are DOM nodes with textContent; of Pagefind's excerpts only <mark> is kept.
//
// The index is in shards (pagefind/0/, pagefind/1/, ...: pagefind/shards.json
// lists them), each a Pagefind bundle. With several, the list also names the word
// bundles: Pagefind indexes whose pages hold each shard's words of some first
// letters. The bundle of each word of a query names the shards in which the word
// matches what one index of the site would match (see sitegen/search.py); only the
// shards every word was found in are searched. A bundle is merged into its
// Pagefind (mergeIndex) when a query first needs it, with a filter of its number.

const root = new URL("../", import.meta.url);
const shardsUrl = new URL("pagefind/shards.json", root);
// Result URLs are indexed from the site's root; baseUrl puts the prefix in front.
const baseUrl = root.pathname;
const form = document.querySelector("[data-search-form]");
const input = form.querySelector("input[name=q]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const MAX_RESULTS = 20;
const DEBOUNCE_MS = 200;
const FILTER = "sitegen_bundle"; // given to each bundle here, not in the index
// What Pagefind leaves out of a query's words.
const PUNCTUATION = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;

let pagefind = null;
let latest = 0; // the newest query's number: older ones' results are dropped

// Fresh copies: an old list with a new index would leave pages out.
async function fetchJson(url) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// Bundles (folders relative to shards.json) and a Pagefind of their own to merge
// them in (a module instance of its own: its URL is another).
async function bundleSet(folders) {
  const urls = folders.map((folder) => new URL(folder, shardsUrl).href);
  const module = await import(new URL("pagefind.js", urls[0]).href);
  return { pagefind: module, urls, first: null, merging: new Map() };
}

async function load() {
  const { bundles, words } = await fetchJson(shardsUrl);
  if (!words) {
    const [shard] = bundles.map((folder) => new URL(folder, shardsUrl).href);
    const [{ pages }, module] = await Promise.all([
      fetchJson(new URL("shard.json", shard)),
      import(new URL("pagefind.js", shard).href),
    ]);
    if (pages === 0) return null;
    await module.options({ basePath: shard, baseUrl });
    return { pagefind: module, words: null };
  }
  const [shards, buckets] = await Promise.all([bundleSet(bundles), bundleSet(words)]);
  return { shards, buckets, maps: new Map(), words };
}

// Loaded once, at the first query (a failure stays); null when nothing is indexed.
function engine() {
  if (pagefind === null) pagefind = load();
  return pagefind;
}

// Bundle `number` of the set in its Pagefind: the first one asked for is its index,
// the others are merged into it.
function merged(set, number, options = {}) {
  if (!set.merging.has(number)) {
    const url = set.urls[number];
    const filtered = { ...options, mergeFilter: { [FILTER]: String(number) } };
    const done = set.first
      ? set.first.then(() => set.pagefind.mergeIndex(url, filtered))
      : (set.first = set.pagefind.options({ basePath: url, ...filtered }));
    set.merging.set(number, done);
  }
  return set.merging.get(number);
}

// A query word's word bundle: by its first letter, diacritics apart (as in
// sitegen/search.py).
function bucketOf(word, count) {
  return word.normalize("NFD").codePointAt(0) % count;
}

// The word bundle of a word, ready to search (unless it has no pages), and its map
// of page ids to shards.
function bucket(loaded, word) {
  const count = loaded.words.length;
  const number = count === 1 ? 0 : bucketOf(word, count);
  if (!loaded.maps.has(number)) {
    const url = new URL("words.json", loaded.buckets.urls[number]);
    const ready = fetchJson(url).then(async ({ shards }) => {
      if (Object.keys(shards).length) await merged(loaded.buckets, number);
      return { number, shards };
    });
    loaded.maps.set(number, ready);
  }
  return loaded.maps.get(number);
}

// The shards in which the word matches what it matches in one index of the site.
async function shardsOf(loaded, word) {
  const { number, shards } = await bucket(loaded, word);
  if (!Object.keys(shards).length) return new Set();
  const filters = { [FILTER]: { any: [String(number)] } };
  const found = await loaded.buckets.pagefind.search(word, { filters });
  return new Set(found.results.map((result) => shards[result.id]).filter((s) => s !== undefined));
}

// A query's words as Pagefind takes them (a quoted phrase is its words).
function wordsOf(term) {
  return [...new Set(term.toLocaleLowerCase().replace(PUNCTUATION, "").split(/\s+/))];
}

// The shards in which each of the query's words matches as in one index of the site.
async function shardsFor(loaded, term) {
  const words = wordsOf(term).filter(Boolean);
  if (words.length === 0) return [];
  const found = await Promise.all(words.map((word) => shardsOf(loaded, word)));
  const wanted = [...found[0]].filter((shard) => found.every((set) => set.has(shard)));
  await Promise.all(wanted.map((shard) => merged(loaded.shards, shard, { baseUrl })));
  return wanted.sort((a, b) => a - b);
}

async function search(loaded, term) {
  if (loaded.words === null) return loaded.pagefind.search(term);
  const wanted = await shardsFor(loaded, term);
  if (wanted.length === 0) return { results: [] };
  const filters = { [FILTER]: { any: wanted.map(String) } };
  return loaded.shards.pagefind.search(term, { filters });
}

// While the reader types, load what the words so far need: their word bundles, and
// from three letters on the shards they are in (a word's are among its start's).
async function prepare(query) {
  const loaded = await engine();
  if (!loaded?.words) return;
  const words = wordsOf(query).filter(Boolean);
  if (words.every((word) => word.length >= 3)) await shardsFor(loaded, query);
  else await Promise.all(words.map((word) => bucket(loaded, word)));
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
input.addEventListener("input", () => {
  prepare(input.value).catch(() => {}); // run() reports a failure
  run(input.value);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter") run(input.value);
});

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
