// The search page's search box, over the Pagefind index that `sitegen build` makes.
//
// A module, so it is deferred and never inline (the pages' Content-Security-Policy
// forbids inline script). Everything is found relative to this file: the site's
// root is one folder up from static/, so search works under any base_url prefix.
// Results are built as DOM nodes with textContent; only Pagefind's <mark> around
// the matched words is kept from its excerpts.

const root = new URL("../", import.meta.url);
const form = document.querySelector("[data-search-form]");
const input = form.querySelector("input[name=q]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const MAX_RESULTS = 20;

let pagefind = null;

async function engine() {
  if (pagefind === null) {
    pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    // Result URLs are indexed from the site's root; this puts the prefix in front.
    await pagefind.options({ baseUrl: root.pathname });
  }
  return pagefind;
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
  if (!term) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  let search;
  try {
    search = await (await engine()).debouncedSearch(term, {}, 200);
  } catch (error) {
    status.textContent = "The search index could not be loaded. Browse the stories below instead.";
    throw error;
  }
  if (search === null) return; // a newer query superseded this one
  const found = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
  list.replaceChildren(...found.map(resultItem));
  const count = search.results.length;
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
