// Copy buttons for the code blocks of the server-rendered pages (the widget has its own).
// Loaded from the service itself, so the pages' Content-Security-Policy (script-src 'self')
// allows it; the page reads fine without it.
(() => {
  "use strict";
  const RESET_MS = 2000;

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      const ok = document.execCommand && document.execCommand("copy");
      area.remove();
      return Boolean(ok);
    }
  }

  function addButton(pre) {
    const label = pre.dataset.what || "code";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", `Copy ${label}`);
    const status = document.createElement("span");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    let timer = 0;
    button.addEventListener("click", async () => {
      const ok = await copy(pre.innerText.replace(/\n$/, ""));
      button.textContent = ok ? "Copied" : "Copy failed";
      status.textContent = ok ? `Copied ${label}.` : "Copy failed: select the text and copy it.";
      clearTimeout(timer);
      timer = setTimeout(() => { button.textContent = "Copy"; status.textContent = ""; }, RESET_MS);
    });
    pre.before(button, status);
  }

  document.querySelectorAll("pre.copyable").forEach(addButton);
})();
