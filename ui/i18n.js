// The UI's words in English and Norwegian bokmål, the language choice (the OS locale unless
// chosen in Settings), and locale-aware dates. Check messages come from Rust in the same
// language; this module only holds the UI's own labels.

const WORDS = {
  en: {
    "app.new": "New draft",
    "app.settings": "Settings",
    "app.shortcuts": "Keyboard shortcuts",
    "list.search": "Search drafts",
    "list.searchPlaceholder": "Search drafts…",
    "list.allStates": "All but archived",
    "list.allGoals": "Any goal",
    "list.allTags": "Any tag",
    "list.empty": "No drafts yet. Start typing — Podium saves as you write.",
    "list.noHits": "No draft matches “{query}”.",
    "list.count": "{n} drafts",
    "list.count1": "1 draft",
    "list.untitled": "(empty draft)",
    "state.idea": "Idea",
    "state.draft": "Draft",
    "state.ready": "Ready",
    "state.scheduled": "Scheduled",
    "state.published": "Published",
    "state.archived": "Archived",
    "goal.none": "No goal",
    "goal.visibility": "Visibility",
    "goal.credibility": "Credibility",
    "goal.culture": "Culture",
    "goal.reputation": "Reputation",
    "goal.add": "Add a goal…",
    "goal.prompt": "Name the new goal",
    "editor.text": "Post text",
    "editor.placeholder": "What do you want to say? Write it once; Podium checks it for every network.",
    "editor.networks": "Networks",
    "editor.state": "State",
    "editor.goal": "Goal",
    "editor.tags": "Tags",
    "editor.tagsPlaceholder": "tags, comma-separated",
    "editor.lang": "Post language",
    "editor.thread": "Thread",
    "editor.numbering": "Number the posts (1/n)",
    "editor.history": "History",
    "editor.delete": "Move to bin",
    "editor.deleted": "Draft moved to the bin.",
    "editor.undo": "Undo",
    "version.label": "Which text you are editing",
    "version.shared": "Text for all networks",
    "version.own": "{network} version",
    "version.edited": "{network} version ✎",
    "version.drop": "Use the shared text",
    "save.saved": "Saved {time}",
    "save.saving": "Saving…",
    "save.failed": "Not saved: {error}",
    "checks.title": "Checks",
    "checks.notes": "Notes",
    "checks.preview": "Preview",
    "checks.left": "{n} left",
    "checks.over": "{n} over",
    "checks.noNetworks": "Choose a network above the text to see its checks.",
    "preview.you": "You",
    "preview.now": "now",
    "preview.more": "…see more",
    "thread.part": "Post {k} of {n}",
    "thread.for": "Thread for",
    "thread.fits": "{n} posts, each fits",
    "thread.one": "1 post, it fits",
    "thread.partOver": "post {k} is {n} over",
    "history.title": "History",
    "history.close": "Close",
    "history.restore": "Restore this version",
    "history.name": "Name…",
    "history.namePrompt": "Name this version (named versions are kept for good)",
    "history.current": "Compared with the current text",
    "history.kind.created": "Created",
    "history.kind.autosave": "Edited",
    "history.kind.restored": "Restored",
    "history.kind.imported": "Imported",
    "history.restored": "Version restored; the text it replaced is in the history.",
    "settings.title": "Settings",
    "settings.language": "Language",
    "settings.system": "Follow the system",
    "settings.theme": "Theme",
    "settings.light": "Light",
    "settings.dark": "Dark",
    "settings.backups": "Backups",
    "settings.backupsHelp": "Podium backs up your drafts every day and keeps the last 7.",
    "settings.backupNow": "Back up now",
    "settings.restore": "Restore",
    "settings.restoreConfirm": "Replace all drafts with this backup from {time}? The current drafts are backed up first.",
    "settings.restored": "Backup restored. The drafts it replaced were kept in {path}.",
    "settings.noBackups": "No backups yet.",
    "settings.data": "Your data",
    "settings.database": "Drafts database",
    "settings.logs": "Logs",
    "settings.close": "Done",
    "problem.title": "Podium cannot open your drafts",
    "problem.restoreHelp": "Restore one of these backups. The file that could not be opened is kept as it is.",
    "shortcuts.new": "New draft",
    "shortcuts.search": "Search drafts",
    "shortcuts.next": "Next / previous draft",
    "shortcuts.networks": "Turn a network on or off (X, Bluesky, Mastodon, LinkedIn, Threads)",
    "shortcuts.history": "History",
    "shortcuts.thread": "Thread mode",
    "shortcuts.undo": "Undo / redo",
    "shortcuts.help": "These shortcuts",
  },
  nb: {
    "app.new": "Nytt utkast",
    "app.settings": "Innstillinger",
    "app.shortcuts": "Hurtigtaster",
    "list.search": "Søk i utkast",
    "list.searchPlaceholder": "Søk i utkast…",
    "list.allStates": "Alle unntatt arkiverte",
    "list.allGoals": "Alle mål",
    "list.allTags": "Alle stikkord",
    "list.empty": "Ingen utkast ennå. Begynn å skrive – Podium lagrer mens du skriver.",
    "list.noHits": "Ingen utkast passer med «{query}».",
    "list.count": "{n} utkast",
    "list.count1": "1 utkast",
    "list.untitled": "(tomt utkast)",
    "state.idea": "Idé",
    "state.draft": "Utkast",
    "state.ready": "Klar",
    "state.scheduled": "Planlagt",
    "state.published": "Publisert",
    "state.archived": "Arkivert",
    "goal.none": "Uten mål",
    "goal.visibility": "Synlighet",
    "goal.credibility": "Troverdighet",
    "goal.culture": "Kultur",
    "goal.reputation": "Omdømme",
    "goal.add": "Legg til et mål…",
    "goal.prompt": "Gi det nye målet et navn",
    "editor.text": "Innleggets tekst",
    "editor.placeholder": "Hva vil du si? Skriv det én gang; Podium sjekker det for hvert nettverk.",
    "editor.networks": "Nettverk",
    "editor.state": "Status",
    "editor.goal": "Mål",
    "editor.tags": "Stikkord",
    "editor.tagsPlaceholder": "stikkord, skilt med komma",
    "editor.lang": "Innleggets språk",
    "editor.thread": "Tråd",
    "editor.numbering": "Nummerer innleggene (1/n)",
    "editor.history": "Historikk",
    "editor.delete": "Flytt til papirkurven",
    "editor.deleted": "Utkastet ble flyttet til papirkurven.",
    "editor.undo": "Angre",
    "version.label": "Hvilken tekst du redigerer",
    "version.shared": "Tekst for alle nettverk",
    "version.own": "Egen versjon for {network}",
    "version.edited": "Egen versjon for {network} ✎",
    "version.drop": "Bruk felles tekst",
    "save.saved": "Lagret {time}",
    "save.saving": "Lagrer…",
    "save.failed": "Ikke lagret: {error}",
    "checks.title": "Sjekker",
    "checks.notes": "Merknader",
    "checks.preview": "Forhåndsvisning",
    "checks.left": "{n} igjen",
    "checks.over": "{n} for mye",
    "checks.noNetworks": "Velg et nettverk over teksten for å se sjekkene.",
    "preview.you": "Deg",
    "preview.now": "nå",
    "preview.more": "…se mer",
    "thread.part": "Innlegg {k} av {n}",
    "thread.for": "Tråd for",
    "thread.fits": "{n} innlegg, alle får plass",
    "thread.one": "1 innlegg, det får plass",
    "thread.partOver": "innlegg {k} er {n} for langt",
    "history.title": "Historikk",
    "history.close": "Lukk",
    "history.restore": "Gjenopprett denne versjonen",
    "history.name": "Navngi…",
    "history.namePrompt": "Gi versjonen et navn (navngitte versjoner beholdes for alltid)",
    "history.current": "Sammenlignet med teksten nå",
    "history.kind.created": "Opprettet",
    "history.kind.autosave": "Endret",
    "history.kind.restored": "Gjenopprettet",
    "history.kind.imported": "Importert",
    "history.restored": "Versjonen er gjenopprettet; teksten den erstattet ligger i historikken.",
    "settings.title": "Innstillinger",
    "settings.language": "Språk",
    "settings.system": "Følg systemet",
    "settings.theme": "Tema",
    "settings.light": "Lyst",
    "settings.dark": "Mørkt",
    "settings.backups": "Sikkerhetskopier",
    "settings.backupsHelp": "Podium tar sikkerhetskopi av utkastene hver dag og beholder de siste 7.",
    "settings.backupNow": "Ta sikkerhetskopi nå",
    "settings.restore": "Gjenopprett",
    "settings.restoreConfirm": "Erstatte alle utkast med sikkerhetskopien fra {time}? Utkastene du har nå, sikkerhetskopieres først.",
    "settings.restored": "Sikkerhetskopien er gjenopprettet. Utkastene den erstattet, ligger i {path}.",
    "settings.noBackups": "Ingen sikkerhetskopier ennå.",
    "settings.data": "Dine data",
    "settings.database": "Utkastdatabase",
    "settings.logs": "Logger",
    "settings.close": "Ferdig",
    "problem.title": "Podium får ikke åpnet utkastene dine",
    "problem.restoreHelp": "Gjenopprett en av disse sikkerhetskopiene. Filen som ikke kunne åpnes, beholdes som den er.",
    "shortcuts.new": "Nytt utkast",
    "shortcuts.search": "Søk i utkast",
    "shortcuts.next": "Neste / forrige utkast",
    "shortcuts.networks": "Slå et nettverk av eller på (X, Bluesky, Mastodon, LinkedIn, Threads)",
    "shortcuts.history": "Historikk",
    "shortcuts.thread": "Trådmodus",
    "shortcuts.undo": "Angre / gjør om",
    "shortcuts.help": "Disse hurtigtastene",
  },
};

const SETTING = "podium.language";

let system = null;

/** The OS's language as Rust read it from the environment (`nb`, `en`, …). */
export function setSystemLanguage(code) {
  system = code;
}

/** The UI language: the one chosen in Settings, else the OS's (bokmål for nb, no, nn). */
export function language() {
  const chosen = localStorage.getItem(SETTING);
  if (chosen === "en" || chosen === "nb") return chosen;
  const os = (system ?? navigator.languages?.[0] ?? navigator.language ?? "en").toLowerCase();
  return /^(nb|no|nn)\b/.test(os) ? "nb" : "en";
}

export function chosenLanguage() {
  return localStorage.getItem(SETTING) ?? "system";
}

export function setLanguage(choice) {
  if (choice === "system") localStorage.removeItem(SETTING);
  else localStorage.setItem(SETTING, choice);
}

/** The word for `key` in the UI language, `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const words = WORDS[language()] ?? WORDS.en;
  const template = words[key] ?? WORDS.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`));
}

/** Fills every `[data-i18n]` (text), `[data-i18n-placeholder]`, `[data-i18n-title]` and
 *  `[data-i18n-label]` (aria-label) under `root`. */
export function translate(root = document) {
  document.documentElement.lang = language() === "nb" ? "nb" : "en";
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}

function locale() {
  return language() === "nb" ? "nb-NO" : (navigator.language?.startsWith("en") ? navigator.language : "en-GB");
}

// Making an Intl formatter is slow (it loads locale data); a list of dates reuses them.
const formatters = new Map();
function format(options, date) {
  const key = `${locale()}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale(), options);
    formatters.set(key, formatter);
  }
  return formatter.format(date);
}

/** A date as the list shows it: the time for today, the weekday this week, else the date. */
export function shortDate(iso) {
  const date = new Date(iso);
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  if (sameDay) return format({ hour: "2-digit", minute: "2-digit" }, date);
  const days = (now - date) / 86400000;
  if (days < 6) return format({ weekday: "short" }, date);
  const sameYear = date.getFullYear() === now.getFullYear();
  return format(sameYear ? { day: "numeric", month: "short" } : { dateStyle: "medium" }, date);
}

/** A full date and time. */
export function longDate(iso) {
  return format({ dateStyle: "medium", timeStyle: "short" }, new Date(iso));
}

/** A time of day. */
export function clock(date = new Date()) {
  return format({ hour: "2-digit", minute: "2-digit", second: "2-digit" }, date);
}

/** A goal's name: built-in goals in the UI language, the user's own as written. */
export function goalName(goal) {
  return ["visibility", "credibility", "culture", "reputation"].includes(goal) ? t(`goal.${goal}`) : goal;
}
