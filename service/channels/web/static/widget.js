/*
 * Driver Doctor help-desk widget: the <driver-doctor> custom element.
 *
 *   <script src="https://doctor.example/widget.js"></script>
 *   <driver-doctor></driver-doctor>
 *
 * Attributes: api (the service's base URL; default: where this script came from) and case (a
 * case id to reopen). The widget only renders what the service's /v1 JSON endpoints return;
 * it decides nothing itself. User text is only ever set with textContent, never as HTML.
 * Theming: the host page sets CSS custom properties on the element (--dd-accent, --dd-bg,
 * --dd-fg, --dd-muted, --dd-border, --dd-font, --dd-mono, --dd-mark, --dd-radius).
 * Events (bubbling, composed): driver-doctor:diagnosis, driver-doctor:step,
 * driver-doctor:copy ({text}), driver-doctor:feedback ({outcome, fix_id}).
 */
(() => {
  "use strict";

  const SCRIPT_ORIGIN = document.currentScript
    ? new URL(document.currentScript.src, location.href).origin
    : location.origin;
  // Inputs longer than this show only the marked lines and a few lines around each.
  const FULL_INPUT_LINES = 300;
  const CONTEXT_LINES = 2;
  const SHOWN_CAUSES = 3;
  const OPEN_FIXES = 2;

  const STYLE = `
:host { display: block; container-type: inline-size; color: var(--dd-fg, #1a202c);
  overflow-wrap: break-word;
  font: 15px/1.5 var(--dd-font, system-ui, sans-serif); --_r: var(--dd-radius, 8px); }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.panel { background: var(--dd-bg, #fff); border: 1px solid var(--dd-border, #cbd2dc);
  border-radius: var(--_r); padding: 1rem; }
h2, h3, h4 { margin: 1rem 0 0.4rem; line-height: 1.3; }
h2 { font-size: 1.2rem; } h3 { font-size: 1.05rem; } h4 { font-size: 0.95rem; }
[tabindex="-1"]:focus { outline: none; }
label { font-weight: 600; display: block; margin-bottom: 0.25rem; }
textarea { width: 100%; min-height: 8rem; font: 13px/1.4 var(--dd-mono, ui-monospace, monospace);
  border: 1px solid var(--dd-border, #cbd2dc); border-radius: var(--_r); padding: 0.5rem;
  background: var(--dd-bg, #fff); color: inherit; resize: vertical; }
.drop { border: 2px dashed var(--dd-border, #cbd2dc); border-radius: var(--_r);
  padding: 0.5rem; margin-top: 0.5rem; color: var(--dd-muted, #4a5568); font-size: 0.9rem; }
.drop.over { border-color: var(--dd-accent, #1d4ed8); background: #eef3ff; }
.drop label { display: inline; font-weight: 500; }
button, select { font: inherit; border-radius: var(--_r); cursor: pointer; }
button { border: 1px solid var(--dd-accent, #1d4ed8); background: var(--dd-bg, #fff);
  color: var(--dd-accent, #1d4ed8); padding: 0.35rem 0.8rem; margin: 0.2rem 0.3rem 0.2rem 0; }
button.primary, button[aria-pressed="true"] { background: var(--dd-accent, #1d4ed8); color: #fff; }
button:hover { filter: brightness(0.95); }
:focus-visible { outline: 3px solid var(--dd-accent, #1d4ed8); outline-offset: 2px; }
button.copy { font-size: 0.8rem; padding: 0.1rem 0.5rem; float: right; margin: 0 0 0.2rem 0.4rem; }
.row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.2rem; }
.status { min-height: 1.5em; margin: 0.5rem 0; color: var(--dd-muted, #4a5568); }
.error { color: #9b2c2c; background: #fff5f5; border: 1px solid #feb2b2;
  border-radius: var(--_r); padding: 0.5rem; margin: 0.5rem 0; }
.error:empty { display: none; }
.muted { color: var(--dd-muted, #4a5568); font-size: 0.9rem; }
.verdict { font-weight: 600; }
ol.causes { padding-left: 1.4rem; }
ol.causes li { margin-bottom: 0.6rem; }
.conf { display: flex; align-items: center; gap: 0.5rem; }
meter { width: 8rem; max-width: 40%; }
.evidence { margin: 0.2rem 0 0; padding-left: 1rem; font-size: 0.85rem; }
.evidence code, .because code { font-family: var(--dd-mono, ui-monospace, monospace); overflow-wrap: anywhere; }
.log { max-height: 22rem; overflow: auto; border: 1px solid var(--dd-border, #cbd2dc);
  border-radius: var(--_r); font: 12px/1.45 var(--dd-mono, ui-monospace, monospace);
  background: #f7f9fc; padding: 0.3rem 0; }
.line { display: flex; white-space: pre-wrap; word-break: break-all; padding: 0 0.5rem; }
.line .ln { flex: none; width: 3.5em; color: var(--dd-muted, #4a5568); user-select: none;
  text-align: right; padding-right: 0.6em; }
.line.hit { background: var(--dd-mark, #fff3b0); border-left: 3px solid var(--dd-accent, #1d4ed8); }
.gap { color: var(--dd-muted, #4a5568); font-style: italic; padding: 0 0.5rem; }
ol.path { padding-left: 1.2rem; }
ol.path li { margin-bottom: 0.4rem; }
.how { font-size: 0.75rem; border-radius: 999px; padding: 0 0.45rem; margin-left: 0.3rem;
  background: #e6ecf5; color: var(--dd-muted, #4a5568); }
.how.auto { background: #e6f6ec; color: #22543d; }
.because { font-size: 0.85rem; color: var(--dd-muted, #4a5568); }
fieldset { border: 1px solid var(--dd-border, #cbd2dc); border-radius: var(--_r); margin: 0.5rem 0; }
legend { font-weight: 600; padding: 0 0.3rem; }
.fix { border: 1px solid var(--dd-border, #cbd2dc); border-radius: var(--_r); padding: 0.2rem 0.8rem 0.6rem; margin: 0.8rem 0; }
.fix > summary { cursor: pointer; padding: 0.4rem 0; }
.redacted { font-size: 0.9rem; border-left: 3px solid var(--dd-accent, #1d4ed8); padding-left: 0.5rem; }
.fix > summary h4 { display: inline; margin: 0; }
button[data-option="unknown"] { border-style: dashed; }
button:disabled { opacity: 0.55; cursor: default; }
pre { background: #f0f3f7; border: 1px solid var(--dd-border, #cbd2dc); border-radius: var(--_r);
  padding: 0.5rem; white-space: pre-wrap; overflow-wrap: anywhere; overflow-x: auto;
  font: 12.5px/1.45 var(--dd-mono, ui-monospace, monospace); margin: 0.2rem 0 0.6rem; }
pre.before { border-left: 4px solid #c53030; } pre.after { border-left: 4px solid #2f855a; }
.snippet-head { font-size: 0.85rem; color: var(--dd-muted, #4a5568); margin-top: 0.4rem; }
.instead { border-left: 4px solid #d69e2e; padding-left: 0.6rem; }
a { color: var(--dd-accent, #1d4ed8); }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@container (max-width: 480px) {
  .panel { padding: 0.6rem; }
  .question button { width: 100%; text-align: left; }
  button.copy { float: none; display: block; margin: 0.2rem 0 0.2rem auto; }
  meter { width: 5rem; }
  .line .ln { width: 2.6em; }
}`;

  /** Build an element; strings and numbers become text nodes, so no HTML is ever parsed. */
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "text") el.textContent = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const percent = (x) => `${Math.round(x * 100)}%`;

  /** The KB's prose marks code with backticks: render `x` as <code>, the rest as text (DOM
   * nodes, never HTML, so nothing in the text can become markup). */
  function md(text) {
    return String(text ?? "").split(/(`[^`\n]+`)/).filter(Boolean).map((part) =>
      part.length > 2 && part.startsWith("`") && part.endsWith("`")
        ? h("code", {}, part.slice(1, -1)) : part);
  }

  /** The /v1 JSON API, the same one every other client uses. */
  class Api {
    constructor(base) {
      this.base = base.replace(/\/+$/, "");
    }

    /** A fetch that failed: the service is down or out of reach, or it answers but refuses
     * this site (CORS), which the browser reports the same way. An opaque probe of /healthz
     * tells them apart. */
    async whyUnreachable() {
      const origin = window.location.origin;
      try {
        await fetch(`${this.base}/healthz`, { mode: "no-cors" });
      } catch (probe) {
        return new Error("Driver Doctor cannot be reached right now (the service may be down, " +
          "or your network may block it). Try again in a minute; if it keeps failing, tell " +
          "your help-desk team.");
      }
      return new Error("This site is not allowed to use Driver Doctor. Tell your help-desk " +
        `team that ${origin} needs to be allowed (for the admin: add it to DOCTOR_CORS_ORIGINS).`);
    }

    async request(method, path, body) {
      const json = body !== undefined && !(body instanceof FormData);
      let response;
      try {
        response = await fetch(this.base + path, {
          method,
          headers: json ? { "content-type": "application/json" } : {},
          body: json ? JSON.stringify(body) : body,
        });
      } catch (err) {
        throw await this.whyUnreachable();
      }
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data.detail || `HTTP ${response.status}`);
      return data;
    }

    diagnose(text) { return this.request("POST", "/v1/diagnose", { text }); }
    diagnoseEventLog(file) {
      const form = new FormData();
      form.append("file", file, file.name);
      return this.request("POST", "/v1/diagnose/event-log", form);
    }
    walk(state, node, answer) { return this.request("POST", "/v1/walk", { state, node, answer }); }
    step(state) { return this.request("POST", "/v1/walk/step", { state }); }
    readCase(id) { return this.request("GET", `/v1/cases/${encodeURIComponent(id)}`); }
    readCause(id) { return this.request("GET", `/v1/causes/${encodeURIComponent(id)}`); }
    feedback(id, body) {
      return this.request("POST", `/v1/cases/${encodeURIComponent(id)}/feedback`, body);
    }
  }

  const COPIED_MS = 2500;

  /** Copy text to the clipboard; falls back to a hidden textarea where the API is refused. */
  async function copyText(text, root) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (err) {
      const area = h("textarea", { "aria-hidden": "true", style: "position:fixed;left:-9999px" });
      area.value = text;
      root.append(area);
      area.select();
      const ok = document.execCommand && document.execCommand("copy");
      area.remove();
      return Boolean(ok);
    }
  }

  /** Which input lines to mark, and why: evidence of the top causes and auto-answers. */
  function markedLines(diagnosis, answered) {
    const marks = new Map();
    const add = (line, why) => {
      if (!line) return;
      if (!marks.has(line)) marks.set(line, []);
      marks.get(line).push(why);
    };
    for (const cause of diagnosis.causes.slice(0, SHOWN_CAUSES)) {
      // Only what argues for a cause; the engine lists that first, counter-evidence after.
      for (const ev of cause.evidence) if (ev.weight > 0) add(ev.line, `${cause.title}: ${ev.detail}`);
    }
    for (const finding of diagnosis.findings || []) add(finding.line, finding.message);
    for (const answer of answered || []) add(answer.line, answer.because);
    return marks;
  }

  /** The input as numbered lines (text only), marked lines highlighted; long inputs elided. */
  function renderInput(text, marks) {
    const lines = text.split("\n");
    const show = (n) => lines.length <= FULL_INPUT_LINES ||
      [...marks.keys()].some((m) => Math.abs(m - n) <= CONTEXT_LINES);
    const box = h("div", { class: "log", tabindex: "0", role: "region",
      "aria-label": "Your input, evidence lines marked" });
    let hidden = 0;
    lines.forEach((raw, i) => {
      const n = i + 1;
      if (!show(n)) { hidden += 1; return; }
      if (hidden) box.append(h("div", { class: "gap" }, `… ${hidden} lines not shown …`));
      hidden = 0;
      const why = marks.get(n);
      box.append(h("div", { class: why ? "line hit" : "line", "data-line": n,
        title: why ? why.join("\n") : null },
      h("span", { class: "ln", "aria-hidden": "true" }, n),
      why ? h("span", { class: "sr" }, "evidence: ") : null,
      h("span", { class: "tx" }, raw.replace(/\r$/, ""))));
    });
    if (hidden) box.append(h("div", { class: "gap" }, `… ${hidden} lines not shown …`));
    return box;
  }

  /** The escalation summary: the case, the evidence, the path walked, as plain text. */
  function escalationText(view) {
    const { caseId, link, diagnosis, step, fixIds, comment } = view;
    const input = diagnosis.input;
    const out = [`Driver Doctor case ${caseId}`, `Reopen: ${link}`,
      input ? `Input: ${input.kind}, ${input.lines} line(s), ${input.bytes} bytes` : "", "",
      `Verdict: ${diagnosis.summary}`];
    const ranked = diagnosis.verdict === "unknown" ? [] : diagnosis.causes.slice(0, SHOWN_CAUSES);
    if (ranked.length) out.push("Ranked causes:");
    ranked.forEach((c, i) => out.push(`  ${i + 1}. ${c.title} (${c.id}) ${percent(c.confidence)}`));
    const lines = [...markedLines(diagnosis, []).keys()].sort((a, b) => a - b);
    const byLine = new Map();
    for (const c of diagnosis.causes) for (const e of c.evidence) if (e.line) byLine.set(e.line, e.text);
    if (lines.length) out.push("Evidence:");
    for (const n of lines) out.push(`  line ${n}: ${byLine.get(n) || ""}`);
    out.push("", `Path walked${step && step.tree_title ? ` (${step.tree_title})` : ""}:`);
    for (const a of (step && step.answered) || []) {
      out.push(`  - ${a.question} -> ${a.label} [${a.how}: ${a.because}]`);
    }
    const page = step && step.fix_page;
    if (page) out.push(`Reached: ${page.title} (${page.cause})`);
    if (fixIds && fixIds.length) out.push(`Fixes shown: ${fixIds.join(", ")}`);
    out.push("Outcome: did not help");
    if (comment) out.push(`Comment: ${comment}`);
    return out.join("\n");
  }

  /** Names Spark gives event logs (and the codec suffixes it writes). */
  const EVENT_LOG_NAME =
    /(^|\/)(eventlog|application_\d|local-\d|app-\d|events_\d+_)|\.(lz4|lzf|snappy|zstd|zst|gz|inprogress)$/i;

  /** The file readers, first match wins: event logs are uploaded whole, anything else is text. */
  const fileReaders = [
    {
      name: "event-log",
      accepts: (file) => EVENT_LOG_NAME.test(file.name),
      async read(file, widget) { await widget.diagnoseEventLog(file); },
    },
    {
      name: "text",
      accepts: () => true,
      async read(file, widget) {
        const text = await file.text();
        // A plain event log has one JSON event per line; send it as an event log, not as text.
        if (text.startsWith('{"Event":')) { await widget.diagnoseEventLog(file); return; }
        widget.setInput(text, `Loaded ${file.name} (${Math.ceil(file.size / 1024)} KB).`);
      },
    },
  ];

  class DriverDoctor extends HTMLElement {
    static get observedAttributes() { return ["case"]; }

    constructor() {
      super();
      // The service names the forms with every fix page (page.forms); the first is the default.
      this.form = "spark_submit";
      this.forms = [];
      this.snippetViews = [];
      this.codeViews = [];
      this.view = null;
    }

    get api() { return new Api(this.getAttribute("api") || SCRIPT_ORIGIN); }

    connectedCallback() {
      if (!this.shadowRoot) this.build();
      const caseId = this.getAttribute("case");
      if (caseId) this.reopen(caseId);
    }

    attributeChangedCallback(name, before, after) {
      if (name === "case" && after && before !== after && this.shadowRoot) this.reopen(after);
    }

    build() {
      const root = this.attachShadow({ mode: "open" });
      this.ids = `dd${Math.random().toString(36).slice(2, 8)}`;
      this.textarea = h("textarea", { id: `${this.ids}-text`, name: "text", spellcheck: "false",
        placeholder: "java.lang.OutOfMemoryError: Java heap space …" });
      this.fileInput = h("input", { type: "file", id: `${this.ids}-file`,
        accept: ".log,.txt,.out,.err,.json,.lz4,.lzf,.snappy,.zstd,.zst,.gz,.inprogress,text/plain", onchange: () => this.readFiles(this.fileInput.files) });
      this.status = h("div", { class: "status", role: "status", "aria-live": "polite" });
      this.errorBox = h("div", { class: "error", role: "alert" });
      this.results = h("div", { class: "results", hidden: true });
      const form = this.buildForm();
      root.append(h("style", { text: STYLE }),
        h("div", { class: "panel", part: "panel" }, form, this.status, this.errorBox, this.results));
    }

    buildForm() {
      const drop = h("div", { class: "drop" }, "Drop a driver log here, or ",
        h("label", { for: `${this.ids}-file` }, "choose a file"), " ", this.fileInput);
      const form = h("form", { "aria-label": "Diagnose a Spark driver failure",
        onsubmit: (e) => { e.preventDefault(); this.diagnose(); } },
      h("label", { for: `${this.ids}-text` }, "Paste a driver log, a stack trace or a few words"),
      this.textarea, drop,
      h("div", { class: "row" },
        this.diagnoseButton = h("button", { type: "submit", class: "primary" }, "Diagnose"),
        h("button", { type: "button", onclick: () => this.reset() }, "Clear")));
      for (const target of [form]) this.bindDrop(target, drop);
      return form;
    }

    bindDrop(target, drop) {
      target.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
      target.addEventListener("dragleave", () => drop.classList.remove("over"));
      target.addEventListener("drop", (e) => {
        e.preventDefault();
        drop.classList.remove("over");
        this.readFiles(e.dataTransfer.files);
      });
    }

    async readFiles(files) {
      const file = files && files[0];
      if (!file) return;
      const reader = fileReaders.find((r) => r.accepts(file));
      try { await reader.read(file, this); } catch (err) { this.fail(err); }
    }

    setInput(text, message) {
      this.textarea.value = text;
      this.announce(message);
    }

    announce(message) { this.status.textContent = message; }

    fail(err) {
      this.errorBox.textContent = err.message || String(err);
      this.announce("");
    }

    emit(name, detail) {
      this.dispatchEvent(new CustomEvent(`driver-doctor:${name}`, { detail, bubbles: true, composed: true }));
    }

    reset() {
      this.textarea.value = "";
      this.results.replaceChildren();
      this.results.hidden = true;
      this.errorBox.textContent = "";
      this.view = null;
      this.announce("Cleared.");
      this.textarea.focus();
    }

    async diagnose() {
      const text = this.textarea.value;
      if (!text.trim()) { this.fail(new Error("Paste a log, a stack trace or a few words first.")); return; }
      if (this.busy) return;  // a double click must not store two cases
      this.errorBox.textContent = "";
      this.setBusy(true, "Diagnosing…");
      try {
        const result = await this.api.diagnose(text);
        this.view = { caseId: result.case_id, text, diagnosis: result, step: result.step,
          redactions: result.redactions };
        this.renderAll();
        this.announceDiagnosis(result);
        this.emit("diagnosis", result);
      } catch (err) { this.fail(err); } finally { this.setBusy(false); }
    }

    setBusy(busy, message) {
      this.busy = busy;
      if (this.diagnoseButton) {
        this.diagnoseButton.disabled = busy;
        this.diagnoseButton.setAttribute("aria-busy", String(busy));
        this.diagnoseButton.textContent = busy ? "Diagnosing…" : "Diagnose";
      }
      if (message) this.announce(message);
    }

    async diagnoseEventLog(file) {
      this.errorBox.textContent = "";
      this.announce(`Reading event log ${file.name}…`);
      try {
        const result = await this.api.diagnoseEventLog(file);
        const text = result.facts.map((f) => `${f.name} = ${f.value}  (${f.text})`).join("\n");
        this.textarea.value = "";
        this.view = { caseId: result.case_id, text, diagnosis: result, step: result.step,
          redactions: result.redactions };
        this.renderAll();
        this.announceDiagnosis(result);
        this.emit("diagnosis", result);
      } catch (err) { this.fail(err); }
    }

    announceDiagnosis(diagnosis) {
      const top = diagnosis.causes[0];
      this.announce(diagnosis.verdict !== "unknown" && top
        ? `Diagnosis ready. Top cause: ${top.title}, ${percent(top.confidence)} confidence.`
        : `Diagnosis ready. ${diagnosis.summary}`);
    }

    async reopen(caseId) {
      this.errorBox.textContent = "";
      this.announce(`Opening case ${caseId}…`);
      try {
        const record = await this.api.readCase(caseId);
        // Continue where the walk stopped (its open question or fix page); a state that has
        // expired leaves the path walked and the fixes it reached.
        let step = null;
        if (record.walk_state) step = await this.api.step(record.walk_state).catch(() => null);
        const shown = step || { tree_title: "", answered: record.path, kind: "path" };
        this.view = { caseId, text: record.input_text, diagnosis: record.diagnosis, step: shown,
          record, redactions: record.redactions };
        this.textarea.value = record.input_text;
        this.renderAll();
        if (!step && record.leaf_cause) await this.renderStoredFixes(record);
        this.showEarlierFeedback(record.feedback || []);
        this.announce(`Case ${caseId} reopened. ${record.diagnosis.summary}`);
      } catch (err) { this.fail(err); }
    }

    showEarlierFeedback(notes) {
      if (!notes.length) return;
      const said = { fixed: "fixed it", not_helped: "did not help" };
      this.feedbackBox.replaceChildren(h("p", { class: "earlier-feedback" }, "Already recorded: ",
        notes.map((n) => `${said[n.outcome] || n.outcome}${n.fix_id ? ` (${n.fix_id})` : ""}`)
          .join("; "), "."));
      this.feedbackSection.hidden = false;
    }

    async renderStoredFixes(record) {
      const cause = await this.api.readCause(record.leaf_cause);
      const byId = new Map(cause.fixes.map((f) => [f.id, f]));
      const fixes = record.fixes.map((id) => byId.get(id)).filter(Boolean);
      const page = { title: cause.cause.title, conclusion: cause.cause.description,
        fixes, diagnostics: cause.diagnostics, notes: [] };
      this.stepBox.append(this.fixPage(page, "Fixes this case reached"));
      this.feedbackSection.hidden = false;
    }

    renderAll() {
      const { diagnosis, text, step, caseId, redactions } = this.view;
      this.snippetViews = [];
      this.codeViews = [];
      this.formButtons = [];
      this.stepBox = h("div", { class: "step" });
      const heading = h("h2", { tabindex: "-1" }, "Diagnosis");
      this.feedbackSection = this.feedbackView();
      this.results.replaceChildren(...[heading, this.diagnosisView(diagnosis, caseId),
        this.redactionNote(redactions),
        h("details", { open: true }, h("summary", {}, "Your input, evidence lines marked"),
          renderInput(text, markedLines(diagnosis, step.answered))),
        this.stepBox, this.feedbackSection, this.startOverRow()].filter(Boolean));
      this.renderStep(step);
      this.results.hidden = false;
      heading.focus();
    }

    /** Which secrets were taken out of the input before it was stored (and shown here). */
    redactionNote(redactions) {
      const kinds = Object.entries(redactions || {}).filter(([, n]) => n > 0);
      if (!kinds.length) return null;
      const total = kinds.reduce((sum, [, n]) => sum + n, 0);
      const what = kinds.map(([kind, n]) => `${n} ${kind.replaceAll("_", " ")}`).join(", ");
      return h("p", { class: "redacted", role: "note" },
        `${total === 1 ? "One secret was" : `${total} secrets were`} removed before your input was `
        + `stored (${what}); the saved case shows [REDACTED:kind] in its place.`);
    }

    diagnosisView(diagnosis, caseId) {
      const link = this.caseLink(caseId);
      const box = h("section", { "aria-label": "Ranked causes" },
        h("p", { class: "verdict" }, diagnosis.summary),
        diagnosis.instead ? h("p", { class: "instead" },
          `${diagnosis.instead.what} Look instead: ${diagnosis.instead.where}`) : null);
      if (diagnosis.verdict !== "unknown" && diagnosis.causes.length) {
        box.append(h("ol", { class: "causes" },
          diagnosis.causes.slice(0, SHOWN_CAUSES).map((c) => this.causeItem(c))));
      }
      for (const f of diagnosis.findings || []) box.append(h("p", { class: "muted" }, `${f.severity}: ${f.message}`));
      const similar = diagnosis.similar_cases || [];
      if (similar.length) {
        box.append(h("div", { class: "similar" }, h("p", { class: "muted" }, "Looks like these solved cases:"),
          h("ul", { class: "evidence" }, similar.map((c) => h("li", {},
            c.local ? `${c.title} (confirmed here)` : h("a", { href: c.url, target: "_blank", rel: "noopener noreferrer" }, c.title),
            `, resolved as ${c.cause.replace(/_/g, " ")}`)))));
      }
      box.append(h("p", { class: "muted" }, "Case ", h("a", { href: link, target: "_blank",
        rel: "noopener", class: "case-link" }, caseId), " (reopens this case)"));
      return box;
    }

    causeItem(cause) {
      // Each input line once, with every reason it counts for this cause spelled out (no
      // hover needed) and, under the fitted ranking, how much it moved the cause.
      const byLine = new Map();
      for (const e of cause.evidence) {
        const worth = e.contribution ?? e.weight;
        if (worth <= 0) continue;
        const key = e.line ? `line ${e.line}` : e.detail;
        const seen = byLine.get(key);
        if (seen) { seen.reasons.push(e.detail); seen.worth += worth; continue; }
        byLine.set(key, { line: e.line, text: e.text, reasons: [e.detail], worth });
      }
      const lines = [...byLine.values()].sort((a, b) => b.worth - a.worth).slice(0, 3);
      return h("li", { "data-cause": cause.id },
        h("a", { href: `${this.api.base}/kb/${cause.id}`, target: "_blank", rel: "noopener",
          class: "cause-title" }, cause.title),
        h("div", { class: "conf" }, h("meter", { min: "0", max: "1", value: cause.confidence,
          "aria-label": `confidence for ${cause.title}` }),
        h("span", { class: "confidence" }, `${percent(cause.confidence)} confidence`)),
        lines.length ? h("ul", { class: "evidence" }, lines.map((e) =>
          h("li", {}, h("span", { class: "reason" }, e.reasons.join("; ")),
            h("span", { class: "worth muted" }, ` (${e.worth >= 0 ? "+" : ""}${e.worth.toFixed(2)})`),
            e.line ? h("div", {}, `line ${e.line}: `, h("code", {}, e.text)) : null))) : null);
    }

    caseLink(caseId) { return `${this.api.base}/cases/${encodeURIComponent(caseId)}`; }

    renderStep(step) {
      this.view.step = step;
      const nodes = [h("h3", { tabindex: "-1", class: "step-title" },
        step.tree_title ? `Guided check: ${step.tree_title}` : "Path walked")];
      if (step.answered.length) nodes.push(this.pathView(step.answered));
      if (step.ruled_out && step.ruled_out.length) {
        nodes.push(h("p", { class: "ruled-out muted" }, "Ruled out by your answers: ",
          step.ruled_out.map((r) => r.title).join("; ")));
      }
      if (step.kind === "question") nodes.push(this.questionView(step));
      if (step.kind === "fix") nodes.push(this.fixPage(step.fix_page), this.rejectButton(step.fix_page));
      if (step.kind === "none_left") nodes.push(h("p", { class: "none-left", role: "status" }, step.message));
      this.stepBox.replaceChildren(...nodes);
      this.feedbackSection.hidden = step.kind !== "fix";
      this.emit("step", step);
      return nodes[nodes.length - 1];
    }

    pathView(answered) {
      const how = { auto: "answered from your input", user: "your answer",
        unknown: "you did not know", way_out: "your answer" };
      return h("ol", { class: "path", "aria-label": "Questions answered" }, answered.map((a) => {
        const item = h("li", { "data-how": a.how, "data-node": a.node }, h("span", {}, a.question), " ",
          h("strong", {}, a.label), h("span", { class: `how ${a.how}` }, how[a.how] || a.how),
          a.how === "user" ? null : h("div", { class: "because" }, a.because,
            a.text ? h("div", {}, h("code", {}, a.text)) : null));
        if (a.options && a.options.length) item.append(this.changeControl(a, item));
        return item;
      }));
    }

    changeControl(a, item) {
      // An answer taken from the evidence (or guessed) can be overridden: the walk goes on
      // from the user's choice.
      const change = h("button", { type: "button", class: "change", "data-change": a.node,
        "aria-label": `Change the answer to: ${a.question}` }, "change");
      change.addEventListener("click", () => {
        const choices = a.options.filter((o) => o.id !== a.option).map((o) =>
          h("button", { type: "button", "data-option": o.id,
            onclick: () => this.answer(a.node, o.id) }, o.label));
        const row = h("div", { class: "row change-options", role: "group",
          "aria-label": `Other answers to: ${a.question}` }, choices);
        change.replaceWith(row);
        if (choices.length) choices[0].focus();
      });
      return change;
    }

    rejectButton(page) {
      return h("div", { class: "row" }, h("button", { type: "button", class: "reject",
        "data-option": "no_match", onclick: () => this.answer(page.leaf, "no_match") },
        page.reject_label));
    }

    questionView(step) {
      const q = step.question;
      const buttons = q.options.map((o) => h("button", { type: "button", "data-option": o.id,
        onclick: () => this.answer(q.node, o.id) }, o.label));
      buttons.push(h("button", { type: "button", "data-option": "unknown",
        onclick: () => this.answer(q.node, "unknown") }, q.unknown_label));
      buttons.push(h("button", { type: "button", "data-option": "none_of_these",
        onclick: () => this.answer(q.node, "none_of_these") }, q.none_label));
      return h("fieldset", { class: "question", "data-node": q.node },
        h("legend", {}, q.text), q.help ? h("p", { class: "muted" }, q.help) : null,
        h("div", { class: "row" }, buttons));
    }

    async answer(node, option) {
      this.errorBox.textContent = "";
      try {
        const step = await this.api.walk(this.view.step.state, node, option);
        this.renderStep(step);
        this.stepBox.querySelector(".step-title").focus();
        this.announce(step.kind === "fix" ? `Fix page: ${step.fix_page.title}.`
          : step.kind === "question" ? `Next question: ${step.question.text}` : step.message);
      } catch (err) { this.fail(err); }
    }

    fixPage(page, heading) {
      const box = h("section", { class: "fix-page", "aria-label": "Fixes" },
        h("h3", {}, heading || `Fix: ${page.title}`), h("p", {}, md(page.conclusion)));
      // A page stored by an older service has no names for its forms: show their ids.
      const ids = Object.keys(page.fixes.find((f) => Object.keys(f.snippets).length)?.snippets || {});
      this.forms = page.forms?.length ? page.forms : ids.map((id) => ({ id, label: id }));
      if (this.forms.length && !this.forms.some((f) => f.id === this.form)) this.form = this.forms[0].id;
      if (page.fixes.some((f) => Object.keys(f.snippets).length)) box.append(this.formSwitch());
      page.fixes.forEach((fix, i) => box.append(this.fixView(fix, i + 1)));
      // The fixes come first; how to confirm and the background notes are one click away.
      if (page.diagnostics.length) {
        box.append(h("details", { class: "confirm" }, h("summary", {}, "How to confirm it"),
          h("ul", {}, page.diagnostics.map((d) =>
            h("li", {}, h("strong", {}, d.tool), ": ", md(d.how), " Expect: ", md(d.expect))))));
      }
      for (const note of page.notes) {
        box.append(h("details", { class: "note" }, h("summary", {}, note.title),
          h("p", {}, md(note.body))));
      }
      return box;
    }

    formSwitch() {
      const buttons = this.forms.map(({ id, label }) => h("button", { type: "button", "data-form": id,
        "aria-pressed": String(id === this.form), onclick: () => this.setForm(id) }, label));
      this.formButtons.push(...buttons);
      return h("div", { class: "row forms", role: "group", "aria-label": "Config form" },
        h("span", { class: "muted" }, "Show config as: "), buttons);
    }

    showCodeFor(changes) {
      // Code follows the chosen form, as the service says for each change (its forms).
      for (const c of changes) c.hidden = !c.dataset.forms.split(" ").includes(this.form);
    }

    setForm(form) {
      this.form = form;
      for (const changes of this.codeViews) this.showCodeFor(changes);
      for (const b of this.formButtons) b.setAttribute("aria-pressed", String(b.dataset.form === form));
      for (const view of this.snippetViews) {
        view.code.textContent = view.snippets[form];
        view.head.textContent = this.formLabel();
      }
      this.announce(`Config shown as ${this.formLabel()}.`);
    }

    formLabel() { return this.forms.find((f) => f.id === this.form).label; }

    fixView(fix, rank) {
      // Fixes come most effective first: the first two open, the rest one click away.
      const box = h("details", { class: "fix", "data-fix": fix.id, open: rank <= OPEN_FIXES },
        h("summary", {}, h("h4", {}, `${rank}. ${fix.title}`)), h("p", {}, md(fix.summary)));
      if (Object.keys(fix.snippets).length) {
        const code = h("code", {}, fix.snippets[this.form]);
        const head = h("div", { class: "snippet-head" }, this.formLabel());
        this.snippetViews.push({ code, head, snippets: fix.snippets });
        box.append(head, this.copyable(h("pre", { class: "snippet" }, code), `config for ${fix.title}`));
      }
      for (const line of fix.computed) box.append(h("p", { class: "muted" }, line));
      const changes = fix.code.map((change) => h("div", { class: "code-change",
        "data-language": change.language, "data-forms": change.forms.join(" ") },
        ...this.codeChange(change)));
      box.append(...changes);
      if (changes.length) { this.codeViews.push(changes); this.showCodeFor(changes); }
      box.append(h("p", { class: "muted" }, "Check it worked:"),
        h("ul", {}, fix.verify.map((v) => h("li", {}, md(v)))));
      if (fix.caveats.length) {
        box.append(h("p", { class: "muted" }, "Caveats:"),
          h("ul", { class: "muted" }, fix.caveats.map((c) => h("li", {}, md(c)))));
      }
      if (this.view.caseId) box.append(this.fixFeedback(fix));
      return box;
    }

    fixFeedback(fix) {
      // Feedback belongs to the fix it sits next to: the report's per-fix table counts it there.
      const result = h("span", { class: "muted fix-feedback-result", role: "status" });
      const row = h("div", { class: "row fix-feedback", "data-fix": fix.id },
        h("span", {}, "Did this fix it?"),
        h("button", { type: "button", "data-fix-outcome": "fixed",
          onclick: () => this.sendFixFeedback(fix, "fixed", row, result) }, "Yes, fixed it"),
        h("button", { type: "button", "data-fix-outcome": "not_helped",
          onclick: () => this.sendFixFeedback(fix, "not_helped", row, result) }, "Did not help"),
        result);
      return row;
    }

    async sendFixFeedback(fix, outcome, row, result) {
      const buttons = [...row.querySelectorAll("button")];
      for (const b of buttons) b.disabled = true;
      try {
        const body = { outcome, fix_id: fix.id, comment: this.comment.value.trim() || null };
        await this.api.feedback(this.view.caseId, body);
        this.emit("feedback", { outcome, fix_id: fix.id });
        result.textContent = outcome === "fixed"
          ? "Thanks, recorded for this fix."
          : "Recorded for this fix. Try the next one, or escalate below.";
        this.announce(result.textContent);
      } catch (err) {
        for (const b of buttons) b.disabled = false;
        this.fail(err);
      }
    }

    codeChange(change) {
      const parts = [];
      if (change.before) {
        parts.push(h("div", { class: "snippet-head" }, `${change.language}, before`),
          this.copyable(h("pre", { class: "before" }, h("code", {}, change.before)), `${change.language} before`));
      }
      parts.push(h("div", { class: "snippet-head" }, `${change.language}${change.before ? ", after" : ""}`),
        this.copyable(h("pre", { class: "after" }, h("code", {}, change.after)), `${change.language} code`));
      return parts;
    }

    copyable(pre, what) {
      const button = h("button", { type: "button", class: "copy", "aria-label": `Copy ${what}` }, "Copy");
      button.addEventListener("click", async () => {
        const text = pre.textContent;
        const ok = await copyText(text, this.shadowRoot);
        button.textContent = ok ? "Copied" : "Select and copy";
        button.dataset.copied = ok ? "true" : "false";
        this.announce(ok ? "Copied to the clipboard." : "Copy was refused; select the text instead.");
        this.emit("copy", { text, ok });
        // The label says "Copied" for a moment, then offers to copy again.
        clearTimeout(button.resetTimer);
        button.resetTimer = setTimeout(() => { button.textContent = "Copy"; }, COPIED_MS);
      });
      return h("div", { class: "copyable" }, button, pre);
    }

    feedbackView() {
      this.comment = h("textarea", { id: `${this.ids}-comment`, rows: "2", style: "min-height:3rem" });
      this.feedbackBox = h("div", { class: "feedback-result" });
      return h("section", { class: "feedback", "aria-label": "Feedback" },
        h("fieldset", {}, h("legend", {}, "Overall, is your problem solved?"),
          h("label", { for: `${this.ids}-comment` }, "Comment (optional)"), this.comment,
          h("div", { class: "row" },
            h("button", { type: "button", "data-outcome": "fixed",
              onclick: () => this.sendFeedback("fixed") }, "Yes, it fixed it"),
            h("button", { type: "button", "data-outcome": "not_helped",
              onclick: () => this.sendFeedback("not_helped") }, "Did not help"))),
        this.feedbackBox);
    }

    shownFixIds() {
      const page = this.view.step && this.view.step.fix_page;
      if (page) return page.fixes.map((f) => f.id);
      return (this.view.record && this.view.record.fixes) || [];
    }

    async sendFeedback(outcome) {
      // The case as a whole: no fix is credited here (each fix has its own buttons).
      const fixIds = this.shownFixIds();
      const body = { outcome, fix_id: null, comment: this.comment.value.trim() || null };
      const buttons = [...this.feedbackSection.querySelectorAll("button[data-outcome]")];
      try {
        await this.api.feedback(this.view.caseId, body);
        for (const b of buttons) b.disabled = true;
        this.emit("feedback", { outcome, fix_id: body.fix_id });
        if (outcome === "fixed") {
          this.feedbackBox.replaceChildren(h("p", {}, "Thanks, recorded: it fixed it."));
          this.announce("Thanks, your feedback was recorded.");
          return;
        }
        this.renderEscalation(fixIds, body.comment);
      } catch (err) { this.fail(err); }
    }

    renderEscalation(fixIds, comment) {
      const link = this.caseLink(this.view.caseId);
      const text = escalationText({ ...this.view, link, fixIds, comment });
      const heading = h("h3", { tabindex: "-1" }, "Escalate: copy this into a ticket");
      this.feedbackBox.replaceChildren(heading,
        h("p", {}, "Case link (reopens this case): ",
          h("a", { href: link, target: "_blank", rel: "noopener", class: "case-link" }, link)),
        this.copyable(h("pre", { class: "escalation" }, text), "escalation summary"));
      heading.focus();
      this.announce("Recorded. An escalation summary is ready to copy into a ticket.");
    }

    startOverRow() {
      return h("div", { class: "row" }, h("button", { type: "button", onclick: () => this.reset() },
        "Start over"));
    }
  }

  // A hook for later inputs (e.g. the event-log upload): push a reader in front of the text one.
  DriverDoctor.fileReaders = fileReaders;
  if (!customElements.get("driver-doctor")) customElements.define("driver-doctor", DriverDoctor);
})();
