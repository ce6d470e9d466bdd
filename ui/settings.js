// Settings: language and theme (both follow the OS unless chosen), backups with restore, and
// where the data lives.

import * as api from "./api.js";
import { button, el as make, factRows } from "./dom.js";
import { longDate, number } from "./format.js";
import { chosenLanguage, setLanguage, t } from "./i18n.js";

const THEME = "podium.theme";

/** Applies the saved theme choice: `light`, `dark`, or following the OS. */
export function applyTheme() {
  const theme = localStorage.getItem(THEME);
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

/** Renders a list of backups with a Restore button each into `list`. */
export function renderBackups(list, backups, onRestore) {
  if (backups.length === 0) {
    list.replaceChildren(make("li", { className: "help", textContent: t("settings.noBackups") }));
    return;
  }
  list.replaceChildren(
    ...backups.map((b) => {
      const size = `${number(Math.max(1, Math.round(b.bytes / 1024)))} KiB`;
      return make(
        "li",
        {},
        make("span", { textContent: `${longDate(b.taken_at)} · ${size}`, title: b.path }),
        button(t("settings.restore"), () => onRestore(b)),
      );
    }),
  );
}

export function createSettings(el, { onLanguage, onRestored, onError, info }) {
  async function refreshBackups() {
    try {
      renderBackups(el.backups, await api.listBackups(), restore);
    } catch (error) {
      onError(api.describe(error));
    }
  }

  async function restore(backup) {
    if (!window.confirm(t("settings.restoreConfirm", { time: longDate(backup.taken_at) }))) return;
    try {
      const kept = await api.restoreBackup(backup.path);
      onRestored(t("settings.restored", { path: kept }));
      await refreshBackups();
    } catch (error) {
      onError(api.describe(error));
    }
  }

  // Where the data lives; rendered again when the language changes, as the backups are.
  function renderPaths() {
    const data = info();
    const rows = [
      [t("settings.database"), data?.database],
      [t("settings.backups"), data?.backups],
      [t("settings.logs"), data?.logs],
    ];
    el.paths.replaceChildren(...factRows(rows, "—"));
  }

  el.language.addEventListener("change", () => {
    setLanguage(el.language.value);
    onLanguage();
    renderPaths();
    refreshBackups();
    api.useLanguage().catch((error) => console.warn("notifications keep their language", error));
  });
  el.theme.addEventListener("change", () => {
    if (el.theme.value === "system") localStorage.removeItem(THEME);
    else localStorage.setItem(THEME, el.theme.value);
    applyTheme();
  });
  el.startAtLogin?.addEventListener("change", async () => {
    try {
      el.startAtLogin.checked = await api.setStartAtLogin(el.startAtLogin.checked);
    } catch (error) {
      el.startAtLogin.checked = !el.startAtLogin.checked;
      onError(api.describe(error));
    }
  });
  el.backupNow.addEventListener("click", async () => {
    try {
      await api.backupNow();
      await refreshBackups();
    } catch (error) {
      onError(api.describe(error));
    }
  });

  return {
    async open() {
      el.language.value = chosenLanguage();
      el.theme.value = localStorage.getItem(THEME) ?? "system";
      renderPaths();
      el.dialog.showModal();
      if (el.startAtLogin) {
        api.startAtLogin().then((state) => (el.startAtLogin.checked = state.on), (error) => onError(api.describe(error)));
      }
      await refreshBackups();
    },
    restore,
  };
}
