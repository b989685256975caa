"""A synthetic site project in content format v1, and the same corpus for Hugo and Pelican.

Run by hand:  python3 bench/corpus.py --stories 200 --out /tmp/corpus

Deterministic: one seeded RNG and no clock, so the same arguments give the
same bytes. Writes, under --out:

  sitegen/   content/ (site, sources, stories, digests) and seeds/
  hugo/      hugo.toml, layouts/, content/{stories,articles,digests}/*.md
  pelican/   pelicanconf.py, content/{stories,articles,digests}/*.md

Each story has 2-4 articles of 2-8 KB of news prose from different outlets
(paragraphs, curly-quoted speech, labelled paragraphs, some seeds with a
`date` header), 5-15 highlights (some quotes occur twice in their seed and
carry a prefix or suffix) and 1-3 comparisons of passages that tell the same
fact in each outlet's words. ~50 tags, 30 sources, a digest per 25 stories.
Every quote is checked here, with the folding of FORMAT.md, to occur exactly
once (after its prefix or suffix), so `sitegen check` passes.

The Hugo and Pelican sites hold the same words: one Markdown page per article
(the seed's text) and per story (summary, highlights with their notes,
comparisons), the tags as a taxonomy, the outlets as a second one (Pelican:
authors), feeds (RSS for Hugo, Atom for Pelican).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import shutil
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# --- vocabulary -------------------------------------------------------------------------------

# fmt: off
SOURCES: list[tuple[str, str, str]] = [
    ("northern-herald", "The Northern Herald", "GB"), ("baltic-wire", "Baltic Wire", "LT"),
    ("kyiv-ledger", "Kyiv Ledger", "UA"), ("dnipro-daily", "Dnipro Daily", "UA"),
    ("vistula-post", "The Vistula Post", "PL"), ("danube-times", "Danube Times", "RO"),
    ("alpine-courier", "Alpine Courier", "AT"), ("rhine-observer", "Rhine Observer", "DE"),
    ("seine-journal", "Le Journal de la Seine", "FR"), ("iberian-press", "Iberian Press", "ES"),
    ("tiber-gazette", "Tiber Gazette", "IT"), ("nordic-review", "Nordic Review", "NO"),
    ("fjord-news", "Fjord News", "NO"), ("helsinki-signal", "Helsinki Signal", "FI"),
    ("tallinn-today", "Tallinn Today", "EE"), ("atlantic-dispatch", "Atlantic Dispatch", "US"),
    ("capitol-record", "The Capitol Record", "US"), ("hudson-tribune", "Hudson Tribune", "US"),
    ("maple-standard", "Maple Standard", "CA"), ("bosphorus-news", "Bosphorus News", "TR"),
    ("caucasus-monitor", "Caucasus Monitor", "GE"), ("levant-report", "Levant Report", "LB"),
    ("gulf-business", "Gulf Business Daily", "AE"), ("indus-chronicle", "Indus Chronicle", "IN"),
    ("pacific-wire", "Pacific Wire", "JP"), ("yangtze-economic", "Yangtze Economic Review", "CN"),
    ("southern-cross", "Southern Cross Mail", "AU"), ("cape-sentinel", "Cape Sentinel", "ZA"),
    ("nile-bulletin", "Nile Bulletin", "EG"), ("andes-voice", "Andes Voice", "CL"),
]
WIRES = [
    "baltic-wire", "pacific-wire", "atlantic-dispatch", "northern-herald",
]
# tag -> noun phrases a story on it talks about
TOPICS: dict[str, list[str]] = {
    "sanctions": ["the sanctions package", "the asset freeze", "restrictions on exports"],
    "energy": ["the energy price cap", "winter gas reserves", "the grid upgrade"],
    "gas": ["the gas transit deal", "pipeline deliveries", "the storage target"],
    "oil": ["the oil price cap", "crude shipments", "the refinery expansion"],
    "elections": ["the early election", "the postal vote", "the candidate lists"],
    "parliament": ["the budget bill", "the no-confidence motion", "the new speaker's agenda"],
    "budget": ["the spending review", "the deficit target", "the emergency budget"],
    "inflation": ["the inflation figures", "food prices", "the wage indexation"],
    "trade": ["the trade agreement", "the customs union talks", "the export quotas"],
    "tariffs": ["the steel tariffs", "retaliatory duties", "the tariff truce"],
    "shipping": ["the shipping corridor", "insurance for cargo ships", "port fees"],
    "grain": ["grain exports", "the harvest estimate", "the grain corridor"],
    "defence": ["the defence procurement plan", "air defence systems", "the new brigades"],
    "drones": ["the drone attacks", "counter-drone systems", "drone production"],
    "cyber": ["the cyber attack on the ministry", "the data breach", "the cyber strategy"],
    "courts": ["the constitutional court ruling", "the appeal", "the judicial reform"],
    "corruption": [
        "the procurement scandal", "the anti-corruption bureau's probe", "the asset declarations",
    ],
    "media": ["the broadcasting law", "press accreditation rules", "the public broadcaster"],
    "health": ["the hospital reform", "vaccine procurement", "the shortage of doctors"],
    "climate": ["the emissions target", "the coal phase-out", "the carbon levy"],
    "floods": ["the flood defences", "the evacuation order", "reconstruction aid"],
    "wildfires": ["the wildfire season", "firefighting aircraft", "the fire ban"],
    "migration": ["the migration pact", "asylum procedures", "the labour visa scheme"],
    "border": ["the border crossing", "border controls", "the new checkpoint"],
    "refugees": ["support for refugees", "temporary protection", "housing for refugees"],
    "diplomacy": ["the peace talks", "the prisoner exchange", "the ambassador's recall"],
    "nato": ["the NATO summit", "the alliance's eastern flank", "defence spending pledges"],
    "European Union": ["the accession talks", "the recovery fund", "the EU summit"],
    "united-states": [
        "the aid bill in Congress", "the State Department's review", "the White House's position",
    ],
    "china": ["the investment screening", "the rare earth exports", "the trade mission"],
    "russia": ["the Kremlin's demands", "Russian frozen assets", "the shadow fleet"],
    "ukraine": ["the reconstruction conference", "the front line", "the energy repairs"],
    "poland": ["the farmers' blockade", "Warsaw's veto threat", "the rail link"],
    "baltics": ["the Baltic power grid", "the undersea cable", "the regional air patrol"],
    "central-bank": ["the interest rate decision", "the currency reserves", "the bank's forecast"],
    "banking": ["the bank levy", "the deposit guarantee", "the stress tests"],
    "markets": ["the bond sale", "the stock market slide", "the currency's fall"],
    "labour": ["the minimum wage", "the pension reform", "the four-day week trial"],
    "strikes": ["the rail strike", "the teachers' walkout", "the dockworkers' protest"],
    "education": ["the school reform", "university funding", "the exam results"],
    "technology": ["the chip plant", "the digital services rules", "the broadband rollout"],
    "AI": ["the AI act", "the data centre project", "the algorithm audit"],
    "space": ["the satellite launch", "the space agency budget", "the lunar mission"],
    "transport": ["the motorway project", "the fuel subsidy", "the public transport fares"],
    "rail": ["the high-speed line", "the rail freight deal", "the night train service"],
    "aviation": ["the airspace closure", "the airline bailout", "the new airport terminal"],
    "housing": ["the rent cap", "the housing programme", "mortgage relief"],
    "agriculture": ["the farm subsidies", "the fertiliser shortage", "the drought aid"],
    "water": ["the water rationing", "the dam repairs", "the river pollution"],
    "nuclear": ["the nuclear plant", "the reactor inspection", "the uranium supply"],
}
TAGS = list(TOPICS)
FIRST_NAMES = [
    "Olena", "Marek", "Ingrid", "Tomas", "Sofia", "Andriy", "Katarzyna", "Lukas", "Elena",
    "Mihai", "Greta", "Pierre", "Aurelia", "Jonas", "Nadia", "Viktor", "Camille", "Henrik",
    "Zofia", "Dmytro", "Beatriz", "Karl", "Ayse", "Rustam", "Leila", "Rahul", "Yuki", "Wei",
    "Amara", "Diego", "Hanna", "Oskar", "Irina", "Matteo", "Liesel", "Bogdan", "Fatima", "Emil",
    "Renata", "Stefan",
]
LAST_NAMES = [
    "Kovalenko", "Nowak", "Lindqvist", "Brandt", "Moretti", "Shevchenko", "Popescu", "Dubois",
    "Varga", "Jansen", "Kowalczyk", "Petrova", "Halvorsen", "Rossi", "Tamm", "Okafor", "Yilmaz",
    "Morales", "Novak", "Ferreira", "Kuznetsov", "Nakamura", "Chen", "Sharma", "Haddad",
    "Berzins", "Laine", "Horvath", "Costa", "Weber", "Lebedenko", "Moroz", "Fischer", "Andersen",
    "Kaczmarek", "Svoboda", "Oliveira", "Pavlenko",
]
ROLES = [
    "the foreign minister", "the finance minister", "the prime minister", "the president",
    "the defence minister", "the energy minister", "a deputy economy minister",
    "the central bank governor", "the head of the parliamentary budget committee",
    "an opposition leader", "the European commissioner for trade", "a senior diplomat",
    "the mayor", "the chief negotiator", "a government spokeswoman", "a government spokesman",
    "the chair of the regulator", "an adviser to the president", "the ambassador",
    "a senior economist at a state bank",
]
CITIES = [
    "Kyiv", "Warsaw", "Vilnius", "Riga", "Tallinn", "Helsinki", "Oslo", "Berlin", "Brussels",
    "Paris", "Madrid", "Rome", "Vienna", "Bucharest", "Ankara", "Tbilisi", "Washington", "Ottawa",
    "London", "Geneva", "Tokyo", "Delhi", "Cairo", "Cape Town", "Santiago", "Odesa", "Kharkiv",
    "Gdansk", "Lviv", "Strasbourg",
]
ORGS = [
    "the European Commission", "the finance ministry", "the foreign ministry", "the cabinet",
    "the central bank", "the energy regulator", "NATO's military committee", "the World Bank",
    "the International Monetary Fund", "the port authority", "the statistics office",
    "the prosecutor's office", "the parliamentary committee", "the state auditor",
    "the national security council", "the grid operator", "the competition authority",
    "the ministry of infrastructure", "the city council", "the electoral commission",
]
ORG_SUBJECTS = [
    "The ministry", "The government", "The coalition", "The regulator", "The committee",
    "The opposition", "The delegation", "The agency",
]
AUDIENCES = [
    "reporters", "journalists in the capital", "a press conference", "lawmakers",
    "the state broadcaster", "a radio interview", "a business forum",
    "students at the university", "a meeting of regional governors",
]
WEEKDAYS = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
ACTIONS = [
    ("would delay", "was delaying", "postponed"), ("would extend", "was extending", "extended"),
    ("would review", "was reviewing", "reviewed"), ("would expand", "was expanding", "expanded"),
    ("would suspend", "was suspending", "suspended"),
    ("would tighten", "was tightening", "tightened"), ("would fund", "was funding", "funded"),
    ("would challenge", "was challenging", "challenged"), ("would back", "was backing", "backed"),
    ("would scale back", "was scaling back", "scaled back"),
]
ACTION_SYNONYMS = {
    "postponed": ["put off", "pushed back", "deferred"],
    "extended": ["prolonged", "renewed", "kept in place"],
    "reviewed": ["re-examined", "looked again at", "reassessed"],
    "expanded": ["widened", "broadened", "enlarged"],
    "suspended": ["frozen", "halted", "paused"],
    "tightened": ["toughened", "stiffened", "hardened"],
    "funded": ["paid for", "financed", "bankrolled"],
    "challenged": ["contested", "disputed", "questioned"],
    "backed": ["endorsed", "supported", "approved"],
    "scaled back": ["cut back", "trimmed", "reduced"],
}
REASONS = [
    "after weeks of talks with its partners", "citing the cost to households",
    "under pressure from its allies", "despite objections from the opposition",
    "to avoid a row before the summit", "because the legal basis was unclear",
    "as the deadline approached", "after the latest attacks", "to reassure investors",
    "while the audit continues", "in response to the court ruling",
    "to keep the coalition together", "amid fears of shortages in the winter",
]
AMOUNTS = [
    "1.2 billion euros", "450 million dollars", "3.5 percent", "12,000 tonnes", "two thirds",
    "about 40 percent", "more than 600 kilometres", "18 months", "27 million hryvnias",
    "6.8 billion zlotys", "half a million households",
]
OPINIONS = [
    "We will not accept a deal that rewards the aggressor",
    "This is a question of trust, not of money",
    "Nobody in this building expected it to move so fast",
    "We have asked for clear guarantees and we are still waiting",
    "The numbers do not add up, and everyone at the table knows it",
    "Our partners must understand that time is running out",
    "It is a compromise, and compromises disappoint everybody a little",
    "We are ready to talk, but not at any price",
    "The people who pay for this are ordinary families",
    "There will be no turning back from this decision",
    "Let me be very clear: the door is still open", "We warned about this months ago",
    "I do not think anyone can call that a victory", "The plan is sound, but the timing is wrong",
    "This is the first step, not the last one",
]
# fmt: on


@dataclass
class Article:
    id: str
    source: str
    seed: str
    title: str
    text: str
    date: str | None = None
    url: str | None = None
    cites: list[str] = field(default_factory=list)


@dataclass
class Highlight:
    article: str
    quote: str
    kind: str
    speaker: str | None
    note: str | None
    prefix: str | None = None
    suffix: str | None = None


@dataclass
class Passage:
    quote: str
    prefix: str | None = None
    suffix: str | None = None


@dataclass
class Comparison:
    title: str
    note: str | None
    passages: dict[str, Passage]


@dataclass
class Story:
    slug: str
    title: str
    date: datetime.date
    summary: str
    tags: list[str]
    articles: list[Article]
    highlights: list[Highlight] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)


@dataclass
class Digest:
    slug: str
    title: str
    date: datetime.date
    intro: str
    stories: list[str]


@dataclass
class Corpus:
    stories: list[Story]
    digests: list[Digest]


# --- folding, as FORMAT.md matches quotes ---------------------------------------------------

NUMBER_WORDS = {2: "Two", 3: "Three", 4: "Four"}
QUOTE_MARKS = "\"“”„‟«»‹›'‘’‚‛"  # noqa: RUF001
DASHES = "-‐‑‒–—―−"  # noqa: RUF001
APOSTROPHE, EN_DASH = "\u2019", "\u2013"
_STRAIGHTEN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "—": "-"})  # noqa: RUF001
_FOLD = str.maketrans({**dict.fromkeys(QUOTE_MARKS, '"'), **dict.fromkeys(DASHES, "-")})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Quote marks as one, dashes as one, white space runs as one space (text is NFC here)."""
    return _SPACES.sub(" ", text.translate(_FOLD))


def fold_quote(text: str) -> str:
    return fold(text).strip(" ")


def occurrences(haystack: str, needle: str) -> list[int]:
    found, position = [], haystack.find(needle)
    while position != -1:
        found.append(position)
        position = haystack.find(needle, position + 1)
    return found


def fits(haystack: str, start: int, end: int, prefix: str, suffix: str) -> bool:
    """sitegen's rule: white space at the seam is one space or none."""
    if prefix:
        seam = start - 1 if start and haystack[start - 1] == " " else start
        if not haystack.endswith(prefix, 0, seam):
            return False
    if suffix:
        seam = end + 1 if haystack[end : end + 1] == " " else end
        if not haystack.startswith(suffix, seam):
            return False
    return True


def anchor(
    body: str, start: int, end: int, rng: random.Random
) -> tuple[str, str | None, str | None] | None:
    """The quote for body[start:end], with the shortest prefix or suffix that makes it unique.

    None when no few words of context single it out (the caller picks another span).
    """
    quote = body[start:end]
    haystack = fold(body)
    # body[start] is not white space, so folding the text before it gives the folded offset.
    folded_start = len(fold(body[:start]))
    needle = fold_quote(quote)
    starts = occurrences(haystack, needle)
    if folded_start not in starts:
        return None
    if len(starts) == 1:
        return quote, None, None
    end_folded = folded_start + len(needle)
    before = haystack[:folded_start].rstrip(" ").split(" ")
    after = haystack[end_folded:].lstrip(" ").split(" ")
    use_prefix = rng.random() < 0.6
    for words in range(1, 7):
        for side in ("prefix", "suffix") if use_prefix else ("suffix", "prefix"):
            if side == "prefix":
                context = " ".join(before[-words:]) if len(before) >= words else ""
                prefix, suffix = context, ""
            else:
                context = " ".join(after[:words]) if len(after) >= words else ""
                prefix, suffix = "", context
            if not context.strip():
                continue
            fitting = [s for s in starts if fits(haystack, s, s + len(needle), prefix, suffix)]
            if fitting == [folded_start]:
                return quote, prefix or None, suffix or None
    return None


# --- prose -----------------------------------------------------------------------------------


@dataclass
class Cast:
    """The people, places and subjects one story's articles talk about."""

    people: list[tuple[str, str]]  # (full name, role)
    city: str
    nouns: list[str]
    orgs: list[str]


class Writer:
    """News prose from templates; every sentence is built from many independent choices."""

    def __init__(self, rng: random.Random, cast: Cast) -> None:
        self.rng = rng
        self.cast = cast

    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    def person(self) -> tuple[str, str]:
        return self.rng.choice(self.cast.people)

    def surname(self, person: tuple[str, str]) -> str:
        return person[0].split()[-1]

    def noun(self) -> str:
        return self.pick(self.cast.nouns)

    def clause(self) -> str:
        subject = self.pick(
            [
                *self.cast.orgs,
                "the government",
                "officials in " + self.cast.city,
                "the coalition",
                "regional authorities",
                "the opposition",
                "the allies",
            ]
        )
        future, progressive, _past = self.rng.choice(ACTIONS)
        verb = self.pick([future, progressive])
        if subject in ("regional authorities", "the allies") or subject.startswith("officials"):
            verb = verb.replace("was ", "were ")
        tail = self.pick(
            [
                f"until {self.pick(MONTHS)}",
                self.pick(REASONS),
                f"by {self.pick(AMOUNTS)}",
                f"before the {self.pick(['summer', 'winter', 'next vote', 'end of the year'])}",
                "",
            ]
        )
        return " ".join(part for part in (subject, verb, self.noun(), tail) if part)

    def speech(self) -> str:
        opinion = self.pick(OPINIONS)
        extra = self.pick(
            [
                "",
                f", and {self.noun()} will show it",
                f" in {self.cast.city} or anywhere else",
                f" after what happened in {self.pick(MONTHS)}",
                ", whatever the ministry says",
            ]
        )
        return opinion + extra

    def sentence(self) -> str:
        person = self.person()
        name, role = person
        kind = self.rng.randrange(12)
        if kind == 0:
            return f"{name}, {role}, said on {self.pick(WEEKDAYS)} that {self.clause()}."
        if kind == 1:
            return f"“{self.speech()},” {self.surname(person)} told {self.pick(AUDIENCES)}."
        if kind == 2:
            return f"According to {self.pick(ORGS)}, {self.clause()}."
        if kind == 3:
            _f, _p, past = self.rng.choice(ACTIONS)
            return (
                f"{self.pick(ORG_SUBJECTS)} {past} {self.noun()} on {self.pick(WEEKDAYS)}, "
                f"{self.pick(REASONS)}."
            )
        if kind == 4:
            return (
                f"The figure of {self.pick(AMOUNTS)} was cited by {self.pick(ORGS)}, "
                f"which said that {self.clause()}."
            )
        if kind == 5:
            return f"It was not immediately clear whether {self.clause()}."
        if kind == 6:
            return (
                f"The plan — first floated in {self.pick(MONTHS)} — would cost "
                f"{self.pick(AMOUNTS)}, officials said."
            )
        if kind == 7:
            return (
                f"{self.surname(person)}{APOSTROPHE}s office declined to comment on "
                f"{self.noun()} when asked on {self.pick(WEEKDAYS)}."
            )
        if kind == 8:
            label = self.pick(
                [
                    "half-measure",
                    "gift to lobbyists",
                    "necessary evil",
                    "turning point",
                    "test of credibility",
                ]
            )
            return (
                f"Critics in {self.pick(CITIES)} say {self.noun()} is a “{label}” "
                f"and that {self.clause()}."
            )
        if kind == 9:
            return f"Asked whether {self.clause()}, {self.surname(person)} said: “{self.speech()}.”"
        if kind == 10:
            return (
                f"Talks in {self.cast.city} ran late into the night, and a second "
                f"round is expected in {self.pick(MONTHS)}."
            )
        feeling = self.pick(["surprised", "angered", "relieved"])
        who = self.pick(["markets", "farmers", "the opposition", "neighbouring states"])
        return (
            f"In {self.pick(MONTHS)}, {self.pick(ORGS)} {self.rng.choice(ACTIONS)[2]} "
            f"{self.noun()} {EN_DASH} a step that {feeling} {who}."
        )

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def labelled(self, spoken: str | None) -> str:
        label = self.pick(
            ["Details", "Background", "Context", "Update", "Reference", "Quote", "Reminder"]
        )
        if label == "Quote" and spoken:
            return f"Quote: “{spoken}.”"
        if label == "Quote":
            return f"Quote: “{self.speech()}.”"
        return f"{label}: {self.paragraph()}"


def article_text(writer: Writer, rng: random.Random, target: int, facts: list[str]) -> str:
    """About `target` bytes of paragraphs; `facts` go in, each in its own paragraph."""
    paragraphs: list[str] = []
    size = 0
    spoken: list[str] = []
    facts = list(facts)
    while size < target:
        roll = rng.random()
        if facts and (roll < 0.25 or size > target * 0.6):
            paragraph = facts.pop(0) + " " + writer.paragraph()
        elif roll < 0.2 and paragraphs:
            paragraph = writer.labelled(
                rng.choice(spoken) if spoken and rng.random() < 0.7 else None
            )
        elif roll < 0.3:
            # A speaker's line that the article repeats later in a "Quote:" paragraph.
            person = writer.person()
            said = writer.speech()
            spoken.append(said)
            paragraph = (
                f"“{said},” {writer.surname(person)}, {person[1]}, said. " + writer.paragraph()
            )
        elif roll < 0.33:
            # A "Name:" paragraph that is not a label.
            paragraph = f"{writer.surname(writer.person())}: {writer.paragraph()}"
        else:
            paragraph = writer.paragraph()
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 2
    paragraphs.extend(facts)
    if spoken and rng.random() < 0.8:
        paragraphs.append(f"Quote: “{spoken[0]}.”")
    return "\n\n".join(paragraphs) + "\n"


def wrap_lines(text: str, rng: random.Random) -> str:
    """Some scraped seeds come hard-wrapped; quotes must still match across the line ends."""
    if rng.random() >= 0.2:
        return text
    width = rng.randint(70, 100)
    return "\n\n".join(
        textwrap.fill(p, width=width, break_long_words=False, break_on_hyphens=False)
        for p in text.split("\n\n")
    )


# --- stories ---------------------------------------------------------------------------------


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def tag_slug(tag: str) -> str:
    return re.sub(r"[^\w]+", "-", tag.lower()).strip("-")


def make_fact(writer: Writer, rng: random.Random, count: int) -> tuple[str, list[str]]:
    """One fact told `count` ways, for a comparison: (its title, one sentence per outlet)."""
    person = writer.person()
    noun = writer.noun()
    _f, _p, past = rng.choice(ACTIONS)
    verbs = [past, *ACTION_SYNONYMS[past]]
    rng.shuffle(verbs)
    amount = rng.choice(AMOUNTS)
    day = rng.choice(WEEKDAYS)
    name, role = person
    surname = writer.surname(person)
    tellings = [
        f"{name}, {role}, said the government had {verbs[0]} {noun}, a move worth {amount}.",
        f"The government has {verbs[1 % len(verbs)]} {noun}, {surname} told reporters on {day}, "
        f"putting the cost at {amount}.",
        f"According to {surname}, {noun} was {verbs[2 % len(verbs)]} at a cost of {amount}.",
        f"{surname} confirmed on {day} that {noun} had been {verbs[3 % len(verbs)]} — "
        f"a decision valued at {amount}.",
    ]
    rng.shuffle(tellings)
    title = f"{noun[0].upper()}{noun[1:]} {past}"
    return title, tellings[:count]


def note_text(rng: random.Random, writer: Writer, source_name: str) -> str:
    choices = [
        f"The outlet's own framing; *{source_name}* gives no source for it.",
        f"Compare the wording with the other outlets: only *{source_name}* calls it that.",
        "Attributed, but the original statement has not been published.",
        f"The figure matches the one in the [official release](https://example.org/"
        f"{slugify(writer.noun())}).",
        f"**Disputed** by {writer.pick(ORGS)} the next day.",
        "A paraphrase: the quotation marks hold the outlet's translation, not the speaker's words.",
        f"Context from earlier reporting on {writer.noun()}.",
    ]
    return rng.choice(choices)


def pick_span(rng: random.Random, body: str) -> tuple[int, int]:
    """A sentence or clause of the body (or, rarely, one running across two paragraphs)."""
    sentences = [m.span() for m in re.finditer(r"\S.*?[.!?]”?(?=\s|$)", body)]
    start, end = rng.choice(sentences)
    roll = rng.random()
    if roll < 0.08:
        index = sentences.index((start, end))
        if index + 1 < len(sentences):
            end = sentences[index + 1][1]
    elif roll < 0.45:
        # A clause: cut at a comma or " that ".
        inner = body[start:end]
        cuts = [m.start() for m in re.finditer(r", | that ", inner)]
        if cuts:
            cut = rng.choice(cuts)
            if rng.random() < 0.5:
                end = start + cut
            else:
                start = start + cut + (2 if inner[cut] == "," else 6)
    while end > start and body[end - 1] in " .,":
        end -= 1
    return start, end


def highlight_quote(text: str, rng: random.Random) -> str:
    """As an editor would paste it: the seed's characters, or straightened quotes and dashes."""
    if rng.random() < 0.9:
        text = " ".join(text.split())  # pasted from the page: line ends gone
    roll = rng.random()
    if roll < 0.15:
        return text.translate(_STRAIGHTEN)
    if roll < 0.2:
        return text.replace(" ", "  ", 1)
    return text


def make_story(index: int, rng: random.Random, date: datetime.date, used: set[str]) -> Story:
    primary = rng.choice(TAGS)
    tags = [primary, *rng.sample([t for t in TAGS if t != primary], rng.randint(1, 4))]
    nouns = [n for t in tags for n in TOPICS[t]]
    people = [
        (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", rng.choice(ROLES))
        for _ in range(rng.randint(3, 6))
    ]
    cast = Cast(people, rng.choice(CITIES), nouns, rng.sample(ORGS, 4))
    writer = Writer(rng, cast)
    count = rng.randint(2, 4)
    outlets = rng.sample([s[0] for s in SOURCES], count)

    facts = [make_fact(writer, rng, count) for _ in range(rng.randint(1, 3))]

    _f, _p, past = rng.choice(ACTIONS)
    title = f"{writer.pick(ORG_SUBJECTS).removeprefix('The ')} {past} {writer.noun()}"
    title = title[0].upper() + title[1:]
    if rng.random() < 0.5:
        title += f" in {cast.city}"
    base = slugify(title)[:60].strip("-")
    slug = base
    number = 2
    while slug in used:
        slug, number = f"{base}-{number}", number + 1
    used.add(slug)

    names = {s[0]: s[1] for s in SOURCES}
    articles = []
    for position, outlet in enumerate(outlets):
        target = rng.randint(2000, 8000)
        text = article_text(writer, rng, target, [fact[1][position] for fact in facts])
        text = wrap_lines(text, rng)
        header_roll = rng.random()
        article_date = date - datetime.timedelta(days=rng.randint(0, 2))
        if header_roll < 0.25:
            text = f" date {article_date.isoformat()} {text}"
        elif header_roll < 0.35:
            text = (
                f"date {article_date.isoformat()}\nurl https://{outlet}.example/"
                f"{slug}\nlanguage en\n\n{text}"
            )
        seed_name = f"{index:05d}_{rng.getrandbits(64):016x}.txt"
        article = Article(
            id=outlet,
            source=outlet,
            seed=seed_name,
            title=f"{names[outlet]}: {title}",
            text=text,
        )
        if rng.random() < 0.3:
            article.url = f"https://{outlet}.example/{date.year}/{slug}"
        if header_roll >= 0.35 and rng.random() < 0.3:
            article.date = article_date.isoformat()
        if rng.random() < 0.4:
            article.cites = [rng.choice([w for w in WIRES if w not in outlets] or WIRES)]
        articles.append(article)

    story = Story(
        slug=slug,
        title=title,
        date=date,
        summary=(
            f"{NUMBER_WORDS[len(articles)]} outlets report on {writer.noun()}; "
            f"*{names[outlets[0]]}* and *{names[outlets[1]]}* differ on "
            f"{writer.noun()}."
        ),
        tags=tags,
        articles=articles,
    )

    for _ in range(rng.randint(5, 15)):
        article = rng.choice(articles)
        body = article_text_body(article.text)
        for _attempt in range(20):
            start, end = pick_span(rng, body)
            anchored = anchor(body, start, end, rng) if end - start > 25 else None
            if anchored:
                break
        else:
            continue
        quote, prefix, suffix = anchored
        kind = rng.choice(["quote", "quote", "claim", "claim", "context", "disputed", "correction"])
        speaker: str | None = rng.choice(
            [article.source, *article.cites, rng.choice(cast.people)[0], None]
        )
        story.highlights.append(
            Highlight(
                article=article.id,
                quote=highlight_quote(quote, rng),
                kind=kind,
                speaker=speaker,
                note=note_text(rng, writer, names[article.source]) if rng.random() < 0.85 else None,
                prefix=prefix,
                suffix=suffix,
            )
        )

    for fact_title, tellings in facts:
        passages: dict[str, Passage] = {}
        for article, telling in zip(articles, tellings, strict=True):
            body = article_text_body(article.text)
            # The seed may be hard-wrapped: find the words with any white space between.
            found = re.search(r"\s+".join(map(re.escape, telling.split())), body)
            anchored = anchor(body, found.start(), found.end() - 1, rng) if found else None
            if anchored is None:
                raise AssertionError(f"comparison passage not found in {article.seed}")
            passages[article.id] = Passage(*anchored)
        story.comparisons.append(
            Comparison(
                title=fact_title,
                note=rng.choice(
                    [
                        None,
                        "Only the wording differs.",
                        "The outlets agree on the figure but not on who decided.",
                    ]
                ),
                passages=passages,
            )
        )
    return story


HEADER = re.compile(
    r"\s*(?:(?:date \d{4}-\d{2}-\d{2}|url \S+|language [A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\s+)*"
)


def article_text_body(text: str) -> str:
    """The seed's text after its header (the header is never searched for quotes)."""
    match = HEADER.match(text)
    return text[match.end() if match else 0 :]


def make_corpus(count: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    used: set[str] = set()
    start = datetime.date(2023, 1, 2)
    stories = [
        make_story(index, rng, start + datetime.timedelta(days=index // 2), used)
        for index in range(count)
    ]
    digests = []
    for number, first in enumerate(range(0, count, 25), start=1):
        members = stories[first : first + 25]
        digests.append(
            Digest(
                slug=f"edition-{number:03d}",
                title=f"Edition {number}",
                date=max(s.date for s in members),
                intro=(
                    f"The week's {len(members)} stories, from *{members[0].title}* "
                    f"to *{members[-1].title}*."
                ),
                stories=[s.slug for s in members],
            )
        )
    return Corpus(stories, digests)


# --- writing: sitegen ------------------------------------------------------------------------

PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`“”‘’«\s]|: |\s#|:$|\s$|^$")  # noqa: RUF001


def scalar(value: str, indent: int, rng: random.Random) -> str:
    """A YAML scalar as an editor writes it: plain where safe, a folded block if long."""
    if "\n" not in value and not PLAIN_UNSAFE.search(value):
        if len(value) > 80 and "  " not in value and rng.random() < 0.5:
            lines = textwrap.wrap(value, width=72, break_long_words=False, break_on_hyphens=False)
            pad = " " * (indent + 2)
            return ">-\n" + "\n".join(pad + line for line in lines)
        return value
    return json.dumps(value, ensure_ascii=False)


def write_sitegen(corpus: Corpus, root: Path, rng: random.Random) -> None:
    content = root / "content"
    (content / "stories").mkdir(parents=True)
    (content / "digests").mkdir()
    (root / "seeds").mkdir()
    (content / "site.yaml").write_text(
        "title: Outlet Watch (benchmark)\n"
        "description: A synthetic annotated digest for measuring build times.\n"
        "base_url: https://example.github.io/bench/\n"
        "language: en\n"
        "author: The Benchmark Desk\n"
    )
    lines = []
    for index, (source_id, name, country) in enumerate(SOURCES):
        lines += [
            f"{source_id}:",
            f"  name: {name}",
            f"  url: https://{source_id}.example/",
            f"  country: {country}",
        ]
        if index % 4 == 0:
            lines.append(f'  color: "#{rng.getrandbits(24):06x}"')
        lines.append("")
    (content / "sources.yaml").write_text("\n".join(lines))
    for story in corpus.stories:
        for article in story.articles:
            (root / "seeds" / article.seed).write_text(article.text)
        (content / "stories" / f"{story.slug}.yaml").write_text(story_yaml(story, rng))
    for digest in corpus.digests:
        (content / "digests" / f"{digest.slug}.yaml").write_text(
            f"title: {digest.title}\ndate: {digest.date.isoformat()}\n"
            f"intro: {scalar(digest.intro, 0, rng)}\n"
            f"stories:\n" + "".join(f"  - {slug}\n" for slug in digest.stories)
        )


def story_yaml(story: Story, rng: random.Random) -> str:
    out = [
        f"title: {scalar(story.title, 0, rng)}",
        f"date: {story.date.isoformat()}",
        f"summary: {scalar(story.summary, 0, rng)}",
        f"tags: [{', '.join(story.tags)}]",
        "",
        "articles:",
    ]
    for article in story.articles:
        out += [
            f"  - id: {article.id}",
            f"    seed: {article.seed}",
            f"    source: {article.source}",
            f"    title: {scalar(article.title, 4, rng)}",
        ]
        if article.url:
            out.append(f"    url: {article.url}")
        if article.date:
            out.append(f"    date: {article.date}")
        if article.cites:
            out.append(f"    cites: [{', '.join(article.cites)}]")
    out += ["", "highlights:"]
    for highlight in story.highlights:
        out += [
            f"  - article: {highlight.article}",
            f"    quote: {scalar(highlight.quote, 4, rng)}",
        ]
        if highlight.prefix:
            out.append(f"    prefix: {json.dumps(highlight.prefix, ensure_ascii=False)}")
        if highlight.suffix:
            out.append(f"    suffix: {json.dumps(highlight.suffix, ensure_ascii=False)}")
        out.append(f"    kind: {highlight.kind}")
        if highlight.speaker:
            out.append(f"    speaker: {scalar(highlight.speaker, 4, rng)}")
        if highlight.note:
            out.append(f"    note: {scalar(highlight.note, 4, rng)}")
    out += ["", "comparisons:"]
    for comparison in story.comparisons:
        out += [f"  - title: {scalar(comparison.title, 4, rng)}"]
        if comparison.note:
            out.append(f"    note: {scalar(comparison.note, 4, rng)}")
        out.append("    passages:")
        for article_id, passage in comparison.passages.items():
            if passage.prefix or passage.suffix:
                out += [f"      {article_id}:", f"        quote: {scalar(passage.quote, 8, rng)}"]
                if passage.prefix:
                    out.append(f"        prefix: {json.dumps(passage.prefix, ensure_ascii=False)}")
                if passage.suffix:
                    out.append(f"        suffix: {json.dumps(passage.suffix, ensure_ascii=False)}")
            else:
                out.append(f"      {article_id}: {scalar(passage.quote, 6, rng)}")
    return "\n".join(out) + "\n"


# --- writing: Hugo and Pelican ---------------------------------------------------------------


def markdown_body(text: str) -> str:
    """A seed's article text as Markdown paragraphs, labels in bold."""
    labels = (
        "Source",
        "Details",
        "Quote",
        "Quotes",
        "Background",
        "Context",
        "Update",
        "Reminder",
        "Reference",
    )
    out = []
    for paragraph in article_text_body(text).split("\n\n"):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        label, colon, rest = paragraph.partition(": ")
        if colon and label in labels:
            paragraph = f"**{label}:** {rest}"
        out.append(paragraph)
    return "\n\n".join(out) + "\n"


def story_markdown(story: Story, link: dict[str, str]) -> str:
    names = {s[0]: s[1] for s in SOURCES}
    out = [story.summary, "", "## Articles", ""]
    for article in story.articles:
        out.append(f"- [{article.title}]({link[article.seed]}) ({names[article.source]})")
    out += ["", "## Highlights", ""]
    for number, highlight in enumerate(story.highlights, start=1):
        speaker = names.get(highlight.speaker or "", highlight.speaker or "")
        out += [
            f"{number}. > {' '.join(highlight.quote.split())}",
            "",
            f"   *{highlight.kind}*"
            + (f", {speaker}" if speaker else "")
            + (f": {highlight.note}" if highlight.note else ""),
            "",
        ]
    out += ["## Comparisons", ""]
    for comparison in story.comparisons:
        out += [f"### {comparison.title}", ""]
        if comparison.note:
            out += [comparison.note, ""]
        for article_id, passage in comparison.passages.items():
            out.append(f"- **{names[article_id]}**: {' '.join(passage.quote.split())}")
        out.append("")
    return "\n".join(out)


def front_matter(fields: dict[str, object]) -> str:
    return (
        "---\n"
        + "".join(
            f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items()
        )
        + "---\n\n"
    )


HUGO_CONFIG = """\
baseURL = "https://example.github.io/bench/"
title = "Outlet Watch (benchmark)"
languageCode = "en"
buildFuture = true
enableRobotsTXT = true
paginate = 50
disableKinds = []

[taxonomies]
  tag = "tags"
  source = "sources"

[markup.goldmark.renderer]
  unsafe = false
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" \
href="{{ .Permalink }}">{{ end }}</head>
<body><header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """\
{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "sources" }} <a class="badge" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>\
{{ end }}</p>
{{ .Content }}
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time>{{ .Date.Format "2006-01-02" }}</time> {{ .Summary }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "_default/terms.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>
({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
    "index.html": """\
{{ define "main" }}<h1>{{ .Site.Title }}</h1>
{{ $paginator := .Paginate (where .Site.RegularPages "Section" "stories") }}
<ul>{{ range $paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ .Summary }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Not found</h1><a href="{{ "" | relURL }}">Home</a>{{ end }}
""",
}

PELICAN_CONFIG = """\
AUTHOR = "The Benchmark Desk"
SITENAME = "Outlet Watch (benchmark)"
SITEURL = "https://example.github.io/bench"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
DEFAULT_PAGINATION = 50
RELATIVE_URLS = True
# Atom feeds: all, per category, per tag, per author (= per outlet here).
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
AUTHOR_FEED_ATOM = "feeds/author/{slug}.atom.xml"
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
WITH_FUTURE_DATES = True
LOAD_CONTENT_CACHE = False
"""


def write_hugo(corpus: Corpus, root: Path) -> None:
    for name, text in HUGO_LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "hugo.toml").write_text(HUGO_CONFIG)
    names = {s[0]: s[1] for s in SOURCES}
    for folder in ("stories", "articles", "digests"):
        (root / "content" / folder).mkdir(parents=True)
    for story in corpus.stories:
        link = {a.seed: f"/bench/articles/{story.slug}-{a.id}/" for a in story.articles}
        for article in story.articles:
            fields: dict[str, object] = {
                "title": article.title,
                "date": article.date or story.date.isoformat(),
                "slug": f"{story.slug}-{article.id}",
                "tags": story.tags,
                "sources": [names[article.source], *(names[c] for c in article.cites)],
            }
            (root / "content" / "articles" / f"{story.slug}-{article.id}.md").write_text(
                front_matter(fields) + markdown_body(article.text)
            )
        sources = sorted({names[a.source] for a in story.articles})
        (root / "content" / "stories" / f"{story.slug}.md").write_text(
            front_matter(
                {
                    "title": story.title,
                    "date": story.date.isoformat(),
                    "tags": story.tags,
                    "sources": sources,
                    "summary": story.summary,
                }
            )
            + story_markdown(story, link)
        )
    for digest in corpus.digests:
        body = (
            digest.intro
            + "\n\n"
            + "".join(f"- [{slug}](/bench/stories/{slug}/)\n" for slug in digest.stories)
        )
        (root / "content" / "digests" / f"{digest.slug}.md").write_text(
            front_matter({"title": digest.title, "date": digest.date.isoformat()}) + body
        )


def pelican_page(fields: dict[str, str], body: str) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields.items()) + "\n" + body


def write_pelican(corpus: Corpus, root: Path) -> None:
    root.mkdir(parents=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONFIG)
    names = {s[0]: s[1] for s in SOURCES}
    for folder in ("stories", "articles", "digests"):
        (root / "content" / folder).mkdir(parents=True)
    for story in corpus.stories:
        link = {a.seed: f"{{filename}}/articles/{story.slug}-{a.id}.md" for a in story.articles}
        for article in story.articles:
            fields = {
                "Title": article.title,
                "Date": article.date or story.date.isoformat(),
                "Slug": f"{story.slug}-{article.id}",
                "Tags": ", ".join(story.tags),
                "Authors": ", ".join([names[article.source], *(names[c] for c in article.cites)]),
            }
            (root / "content" / "articles" / f"{story.slug}-{article.id}.md").write_text(
                pelican_page(fields, markdown_body(article.text))
            )
        (root / "content" / "stories" / f"{story.slug}.md").write_text(
            pelican_page(
                {
                    "Title": story.title,
                    "Date": story.date.isoformat(),
                    "Slug": story.slug,
                    "Tags": ", ".join(story.tags),
                    "Authors": ", ".join(sorted({names[a.source] for a in story.articles})),
                    "Summary": story.summary,
                },
                story_markdown(story, link),
            )
        )
    for digest in corpus.digests:
        body = (
            digest.intro
            + "\n\n"
            + "".join(f"- [{slug}]({{filename}}/stories/{slug}.md)\n" for slug in digest.stories)
        )
        (root / "content" / "digests" / f"{digest.slug}.md").write_text(
            pelican_page(
                {
                    "Title": digest.title,
                    "Date": digest.date.isoformat(),
                    "Slug": digest.slug,
                    "Authors": "The Benchmark Desk",
                },
                body,
            )
        )


# --- command line ----------------------------------------------------------------------------

TOOLS = ("sitegen", "hugo", "pelican")


def counts(corpus: Corpus) -> dict[str, int]:
    return {
        "stories": len(corpus.stories),
        "articles": sum(len(s.articles) for s in corpus.stories),
        "highlights": sum(len(s.highlights) for s in corpus.stories),
        "prefixed": sum(1 for s in corpus.stories for h in s.highlights if h.prefix or h.suffix),
        "comparisons": sum(len(s.comparisons) for s in corpus.stories),
        "digests": len(corpus.digests),
        "seed_bytes": sum(len(a.text.encode()) for s in corpus.stories for a in s.articles),
        "tags": len({tag_slug(t) for s in corpus.stories for t in s.tags}),
    }


def generate(
    stories: int, out: Path, seed: int = 2025, tools: Iterable[str] = TOOLS
) -> dict[str, int]:
    """Write the corpus of `stories` stories under `out` (replacing it); returns its counts."""
    corpus = make_corpus(stories, seed)
    if out.exists():
        shutil.rmtree(out)
    for tool in tools:
        target = out / tool
        if tool == "sitegen":
            write_sitegen(corpus, target, random.Random(seed + 1))
        elif tool == "hugo":
            write_hugo(corpus, target)
        elif tool == "pelican":
            write_pelican(corpus, target)
        else:
            raise ValueError(f"unknown tool {tool!r}")
    result = counts(corpus)
    (out / "counts.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stories", type=int, default=200, help="how many stories (200)")
    parser.add_argument("--out", type=Path, required=True, help="folder to (re)create")
    parser.add_argument("--seed", type=int, default=2025, help="the RNG seed (2025)")
    parser.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="which site projects to write (sitegen,hugo,pelican)",
    )
    arguments = parser.parse_args()
    result = generate(
        arguments.stories,
        arguments.out,
        arguments.seed,
        [t for t in arguments.tools.split(",") if t],
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
