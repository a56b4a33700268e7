// localize review UI: small enhancements over pages that work without script.
"use strict";

(function () {
  const $ = (selector, root = document) => root.querySelector(selector);

  function announce(message, kind = "success") {
    const status = $("#status");
    if (!status) return;
    status.textContent = "";
    const p = document.createElement("p");
    p.className = "flash flash-" + kind;
    p.textContent = message;
    status.appendChild(p);
  }

  // -- the preview: click a paragraph to open its entry; the current one scrolled into view --
  function wirePreview() {
    const frame = $("#preview");
    if (!frame) return;
    const wire = () => {
      let doc;
      try { doc = frame.contentDocument; } catch (e) { return; }
      if (!doc || !doc.body) return;
      doc.addEventListener("click", (event) => {
        const holder = event.target.closest("[data-entry]");
        if (!holder) return;
        event.preventDefault();
        window.location.href = frame.dataset.editorUrl.replace("ENTRY", encodeURIComponent(holder.dataset.entry));
      });
      const current = frame.dataset.current;
      if (current) {
        const found = doc.querySelector('[data-entry="' + current + '"]');
        if (found) {  // scroll the preview only, not the editor page around it
          const view = doc.defaultView;
          view.scrollTo(0, found.getBoundingClientRect().top + view.scrollY - view.innerHeight / 2);
        }
      }
    };
    frame.addEventListener("load", wire);
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") wire();
  }

  // -- the editor ---------------------------------------------------------------------------
  function insertAtCursor(textarea, text) {
    if (textarea.readOnly) return;
    const start = textarea.selectionStart, end = textarea.selectionEnd;
    textarea.setRangeText(text, start, end, "end");
    textarea.focus();
  }

  function renderProblems(list, problems) {
    list.textContent = "";
    if (!problems.length) {
      const li = document.createElement("li");
      li.className = "problem none";
      li.textContent = list.dataset.none;
      list.appendChild(li);
      return;
    }
    for (const p of problems) {
      const li = document.createElement("li");
      li.className = "problem severity-" + p.severity + (p.overridden ? " overridden" : "");
      const badge = document.createElement("span");
      badge.className = "badge severity-" + p.severity;
      badge.textContent = p.severity === "error" ? list.dataset.error : list.dataset.warning;
      const code = document.createElement("code");
      code.textContent = p.check;
      li.append(badge, " ", code, " " + p.message + (p.overridden ? " (" + list.dataset.overridden + ")" : ""));
      list.appendChild(li);
    }
  }

  function setVersion(version) {
    for (const input of document.querySelectorAll('input[name="version"]')) input.value = version;
  }

  function showState(state, label) {
    const badge = $("#entry-state");
    if (badge) { badge.textContent = label; badge.className = "badge state-" + state.replace(/ /g, "-"); }
  }

  function showConflict(form, textarea, data) {
    const old = $("#conflict");
    if (old) old.remove();
    const template = $("#conflict-template");
    const panel = template.content.firstElementChild.cloneNode(true);
    panel.id = "conflict";
    const yours = textarea.value;
    $('[data-slot="theirs"]', panel).textContent = data.current.msgstr;
    $('[data-slot="yours"]', panel).textContent = yours;
    $('[data-slot="state"]', panel).textContent = data.state_label;
    setVersion(data.current.version);
    showState(data.current.state, data.state_label);
    panel.addEventListener("click", (event) => {
      const choice = event.target.dataset && event.target.dataset.choice;
      if (!choice) return;
      if (choice === "theirs") textarea.value = data.current.msgstr;
      if (choice === "mine") { textarea.value = yours; submit(form, "save"); }
      panel.remove();
      textarea.focus();
    });
    form.before(panel);
    $("button", panel).focus();
  }

  async function submit(form, action) {
    const textarea = $("#text", form);
    const body = new FormData(form);
    body.set("action", action);
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    let response, data;
    try {
      response = await fetch(form.getAttribute("action"), { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
      data = await response.json();
    } catch (e) {
      announce(form.dataset.networkError || "The server did not answer.", "error");
      return;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
    const qa = $("#qa");
    if (response.ok) {
      setVersion(data.item.version);
      textarea.value = data.item.msgstr;
      showState(data.item.state, data.state_label);
      if (qa) renderProblems(qa, data.item.problems);
      announce(data.message);
      if (data.next) window.location.href = data.next;
      else reloadPreview();
      return;
    }
    if (response.status === 409 && data.current) {
      announce(data.message, "warning");
      showConflict(form, textarea, data);
      return;
    }
    if (response.status === 422 && data.problems && qa) renderProblems(qa, data.problems);
    announce(data.message || String(response.status), "error");
  }

  function reloadPreview() {
    const frame = $("#preview");
    if (frame) frame.src = frame.src;
  }

  async function freshDraft(form) {
    const list = $("#suggestion-list");
    const body = new FormData(form);
    let response, data;
    try {
      response = await fetch(form.dataset.draftUrl, { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
      data = await response.json();
    } catch (e) {
      announce(form.dataset.networkError || "The server did not answer.", "error");
      return;
    }
    if (!response.ok) { announce(data.message, "error"); return; }
    const li = document.createElement("li");
    li.className = "suggestion engine";
    const origin = document.createElement("span");
    origin.className = "origin";
    origin.textContent = data.origin;
    const text = document.createElement("span");
    text.className = "text";
    text.lang = $("#text").lang;
    text.dir = $("#text").dir;
    text.textContent = data.text;
    const use = document.createElement("button");
    use.type = "button";
    use.className = "use";
    use.dataset.text = data.text;
    use.textContent = list.dataset.use;
    li.append(origin, text, use);
    const none = $(".none", list);
    if (none) none.remove();
    list.prepend(li);
    announce(data.origin);
  }

  function wireEditor() {
    const form = $("#entry-form");
    if (!form) return;
    const textarea = $("#text", form);
    document.addEventListener("click", (event) => {
      const chip = event.target.closest("button.chip[data-insert]");
      if (chip) { insertAtCursor(textarea, chip.dataset.insert); return; }
      const use = event.target.closest("button.use[data-text]");
      if (use) { textarea.value = use.dataset.text; textarea.focus(); }
    });
    form.addEventListener("submit", (event) => {
      const action = event.submitter ? event.submitter.value : "save";
      if (event.submitter && event.submitter.id === "draft") { event.preventDefault(); freshDraft(form); return; }
      if (!["save", "approve", "reject"].includes(action)) return;   // skip: a plain navigation
      event.preventDefault();
      submit(form, action);
    });
    document.addEventListener("keydown", (event) => {
      const ctrl = event.ctrlKey || event.metaKey;
      if (ctrl && event.key === "Enter" && $("#approve")) { event.preventDefault(); submit(form, "approve"); }
      else if (ctrl && (event.key === "s" || event.key === "S") && $("#save")) { event.preventDefault(); submit(form, "save"); }
      else if (event.altKey && event.key === "ArrowDown" && $("#next-entry")) { event.preventDefault(); window.location.href = $("#next-entry").href; }
      else if (event.altKey && event.key === "ArrowUp" && $("#prev-entry")) { event.preventDefault(); window.location.href = $("#prev-entry").href; }
    });
  }

  document.addEventListener("DOMContentLoaded", () => { wirePreview(); wireEditor(); });
})();
