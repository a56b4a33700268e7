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
  function wirePreview(editor) {
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
        const url = frame.dataset.editorUrl.replace("ENTRY", encodeURIComponent(holder.dataset.entry));
        if (editor) editor.ask(() => { window.location.href = url; });
        else window.location.href = url;
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
  // A tag of the source is a placeholder in the box (⟦1⟧ … ⟦/1⟧, ⟦2/⟧), between LRI and PDI so that it reads
  // left to right in a right-to-left text. A placeholder is kept whole: an edit that would break one takes it
  // out whole (or, typed inside it, goes after it), and the caret does not stop inside one.
  const TOKEN = /\u2066?\u27e6\/?\d{1,3}\/?\u27e7\u2069?/g;

  function tokens(value) {
    return Array.from(value.matchAll(TOKEN), (m) => [m.index, m.index + m[0].length]);
  }

  function commonEnds(a, b) {
    let start = 0;
    const max = Math.min(a.length, b.length);
    while (start < max && a[start] === b[start]) start++;
    let end = 0;
    while (end < max - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
    return [start, end];
  }

  // Replace [start, end) of the box by text as an edit of its own, so that Ctrl+Z undoes it.
  function replaceRange(textarea, start, end, text) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    const done = text ? document.execCommand("insertText", false, text) : document.execCommand("delete");
    if (!done) textarea.setRangeText(text, start, end, "end");
  }

  function wirePlaceholders(textarea) {
    let last = textarea.value, caret = textarea.selectionStart, repairing = false;

    function repair() {
      const before = last, now = textarea.value;
      if (before === now || repairing) { last = now; return; }
      const [head, tail] = commonEnds(before, now);
      let from = head, to = before.length - tail;
      const inserted = now.slice(head, now.length - tail);
      let changed = false;
      for (const [s, e] of tokens(before)) {
        if (from < e && to > s && (from > s || to < e)) { from = Math.min(from, s); to = Math.max(to, e); changed = true; }
        else if (from === to && from > s && from < e) { from = to = e; changed = true; }
      }
      if (!changed) { last = now; return; }
      const fixed = before.slice(0, from) + inserted + before.slice(to);
      const [a, b] = commonEnds(now, fixed);
      repairing = true;
      try { replaceRange(textarea, a, now.length - b, fixed.slice(a, fixed.length - b)); }
      finally { repairing = false; }
      textarea.setSelectionRange(from + inserted.length, from + inserted.length);
      last = textarea.value;
    }

    function snap() {
      if (document.activeElement !== textarea) return;
      const start = textarea.selectionStart, end = textarea.selectionEnd;
      if (start !== end) { caret = end; return; }
      for (const [s, e] of tokens(textarea.value)) {
        if (start > s && start < e) {
          const to = start >= caret ? e : s;
          textarea.setSelectionRange(to, to);
          caret = to;
          return;
        }
      }
      caret = start;
    }

    textarea.addEventListener("input", (event) => { if (!event.isComposing) repair(); });
    textarea.addEventListener("compositionend", repair);
    document.addEventListener("selectionchange", snap);
    textarea.addEventListener("focus", () => { last = textarea.value; });
    return { reset() { last = textarea.value; } };
  }

  function insertAtCursor(textarea, text) {
    if (textarea.readOnly) return;
    replaceRange(textarea, textarea.selectionStart, textarea.selectionEnd, text);
  }

  // Ctrl+I, then a tag's number: its placeholder at the cursor (the start tag, then the end tag); a selection
  // is wrapped in the pair.
  function insertTag(textarea, number) {
    const chips = Array.from(document.querySelectorAll('#source button.chip[data-number="' + number + '"]'));
    if (!chips.length || textarea.readOnly) return false;
    const start = chips.find((c) => !c.classList.contains("chip-close"));
    const end = chips.find((c) => c.classList.contains("chip-close"));
    const from = textarea.selectionStart, to = textarea.selectionEnd;
    if (start && end && from !== to) {
      const inside = textarea.value.slice(from, to);
      replaceRange(textarea, from, to, start.dataset.insert + inside + end.dataset.insert);
      return true;
    }
    const has = (chip) => chip && textarea.value.includes(chip.dataset.insert.replace(/[\u2066\u2069]/g, ""));
    const chip = !has(start) ? start : (end && !has(end) ? end : start || end);
    insertAtCursor(textarea, chip.dataset.insert);
    return true;
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
      badge.textContent = p.severity_label || (p.severity === "error" ? list.dataset.error : list.dataset.warning);
      const label = document.createElement("span");
      label.className = "check";
      label.textContent = p.check_label || p.check;
      const code = document.createElement("code");
      code.dir = "ltr";
      code.textContent = p.check;
      const text = document.createElement("span");
      text.dir = "auto";
      text.textContent = p.text || p.message;
      li.append(badge, " ", label, " ", code, " ", text, p.overridden ? " (" + list.dataset.overridden + ")" : "");
      list.appendChild(li);
    }
  }

  // The QA list as the server rendered it (escaped there), with what the account may do about each finding.
  function showProblems(data) {
    const qa = $("#qa");
    if (!qa) return;
    if (typeof data.qa === "string") {
      const holder = document.createElement("div");
      holder.innerHTML = data.qa;
      const fresh = holder.querySelector("#qa");
      if (fresh) { qa.replaceWith(fresh); return; }
    }
    if (data.problems) renderProblems(qa, data.problems);
    else if (data.item) renderProblems(qa, data.item.problems);
  }

  // "Mark for review" is offered on an approved entry only.
  function showMarkForReview(state) {
    const mark = $("#mark-review");
    if (mark) mark.hidden = state !== "approved";
  }

  function setVersion(version) {
    for (const input of document.querySelectorAll('input[name="version"]')) input.value = version;
  }

  function showState(state, label) {
    const badge = $("#entry-state");
    if (badge) { badge.textContent = label; badge.className = "badge state-" + state.replace(/ /g, "-"); }
  }

  function showConflict(form, textarea, data, editor) {
    const old = $("#conflict");
    if (old) old.remove();
    const template = $("#conflict-template");
    const panel = template.content.firstElementChild.cloneNode(true);
    panel.id = "conflict";
    const yours = textarea.value;
    const theirs = data.current_text !== undefined ? data.current_text : data.current.msgstr;
    $('[data-slot="theirs"]', panel).textContent = theirs;
    $('[data-slot="yours"]', panel).textContent = yours;
    $('[data-slot="state"]', panel).textContent = data.state_label;
    if (data.changed) {   // who changed it, and when: the names isolated from the text around them
      const line = $('[data-slot="changed"]', panel);
      const parts = line.dataset.template.split(/(\{user\}|\{when\})/);
      line.textContent = "";
      for (const part of parts) {
        if (part === "{user}") { const bdi = document.createElement("bdi"); bdi.textContent = data.changed.user; line.append(bdi); }
        else if (part === "{when}") {
          const time = document.createElement("time");
          time.textContent = data.changed.when;
          if (typeof data.changed.at === "number") time.dateTime = new Date(data.changed.at * 1000).toISOString();
          line.append(time);
        }
        else line.append(part);
      }
      line.id = "changed-by";
      line.hidden = false;
    }
    setVersion(data.current.version);
    showState(data.current.state, data.state_label);
    panel.addEventListener("click", (event) => {
      const choice = event.target.dataset && event.target.dataset.choice;
      if (!choice) return;
      if (choice === "theirs") { textarea.value = theirs; editor.saved(theirs); }
      if (choice === "mine") { textarea.value = yours; submit(form, "save", editor); }
      panel.remove();
      textarea.focus();
    });
    form.before(panel);
    $("button", panel).focus();
  }

  // One action through fetch(); true when it was done.
  async function submit(form, action, editor) {
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
      return false;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
    if (response.ok) {
      setVersion(data.item.version);
      const text = data.text !== undefined ? data.text : data.item.msgstr;
      const reason = $("#reason", form);
      if (reason) reason.value = "";
      if (action !== "review" && textarea.value !== text) textarea.value = text;   // marking keeps what is typed
      editor.saved(text);
      showState(data.item.state, data.state_label);
      showMarkForReview(data.item.state);
      showProblems(data);
      const history = $("#history");
      if (history && data.history !== undefined) history.innerHTML = data.history;   // rendered by the server, escaped there
      announce(data.message);
      if (data.next) { editor.leave(); window.location.href = data.next; }
      else reloadPreview();
      return true;
    }
    if (response.status === 409 && data.current) {
      announce(data.message, "warning");
      showConflict(form, textarea, data, editor);
      return false;
    }
    if (response.status === 422 && data.problems) showProblems(data);
    announce(data.message || String(response.status), "error");
    return false;
  }

  // Override, ignore, or take back a check's finding: the entry's text is left as it is, typed text included.
  async function markProblem(form) {
    const body = new FormData(form);
    const check = body.get("check");
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    let response, data;
    try {
      response = await fetch(form.getAttribute("action"), { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
      data = await response.json();
    } catch (e) {
      const entry = $("#entry-form");
      announce((entry && entry.dataset.networkError) || "The server did not answer.", "error");
      return;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
    if (!response.ok) {
      announce(data.message || String(response.status), response.status === 409 ? "warning" : "error");
      const why = $("textarea", form);
      if (why) why.focus();
      return;
    }
    setVersion(data.item.version);
    showState(data.item.state, data.state_label);
    showMarkForReview(data.item.state);
    showProblems(data);
    const history = $("#history");
    if (history && data.history !== undefined) history.innerHTML = data.history;
    announce(data.message);
    const again = $('#qa li[data-check="' + CSS.escape(check || "") + '"] button');
    if (again) again.focus();
    else { const heading = $("#qa-heading"); if (heading) { heading.tabIndex = -1; heading.focus(); } }
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
    const text = data.editable !== undefined ? data.editable : data.text;
    const li = document.createElement("li");
    li.className = "suggestion engine";
    const origin = document.createElement("span");
    origin.className = "origin";
    origin.textContent = data.origin;
    const shown = document.createElement("span");
    shown.className = "text";
    shown.lang = $("#text").lang;
    shown.dir = $("#text").dir;
    shown.textContent = text;
    const use = document.createElement("button");
    use.type = "button";
    use.className = "use";
    use.dataset.text = text;
    use.textContent = list.dataset.use;
    li.append(origin, shown, use);
    const none = $(".none", list);
    if (none) none.remove();
    list.prepend(li);
    announce(data.origin);
  }

  // Unsaved text is never lost: going elsewhere with it asks first (save and go on, discard, or stay), and
  // leaving the page any other way meets the browser's own question.
  function guard(form, textarea) {
    let saved = textarea.dataset.saved !== undefined ? textarea.dataset.saved : textarea.defaultValue;
    let leaving = false;
    const dialog = $("#unsaved-dialog");
    const editor = {
      dirty: () => !textarea.readOnly && textarea.value !== saved,
      saved: (text) => { saved = text; },
      leave: () => { leaving = true; },
      // go: how to go on once the text is saved or discarded
      ask(go, discard) {
        if (!editor.dirty() || !dialog || typeof dialog.showModal !== "function") { leaving = true; go(); return; }
        const done = async (choice) => {
          dialog.close();
          if (choice === "save") {
            if (await submit(form, "save", editor)) {   // said again on the page it goes to
              const said = $("#status");
              try { sessionStorage.setItem(SAID, said ? said.textContent.trim() : ""); } catch (e) { /* private mode */ }
              leaving = true;
              go();
            }
            else textarea.focus();
          } else if (choice === "discard") { leaving = true; (discard || go)(); }
          else textarea.focus();
        };
        dialog.onclick = (event) => {
          const button = event.target.closest("button[value]");
          if (button) done(button.value);
        };
        dialog.oncancel = (event) => { event.preventDefault(); done("stay"); };
        dialog.showModal();
      },
    };
    window.addEventListener("beforeunload", (event) => {
      if (leaving || !editor.dirty()) return;
      event.preventDefault();
      event.returnValue = form.dataset.leave || "";
    });
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey
          || event.altKey || link.target || link.hasAttribute("download")) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
      if (!editor.dirty()) return;
      event.preventDefault();
      editor.ask(() => { window.location.href = link.href; });
    });
    return editor;
  }

  function plainSubmit(form, action) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "action";
    input.value = action;
    form.append(input);
    form.submit();
  }

  function wireEditor() {
    const form = $("#entry-form");
    if (!form) return null;
    const textarea = $("#text", form);
    const editor = guard(form, textarea);
    const placeholders = wirePlaceholders(textarea);
    if (!window.location.hash && !$("#conflict") && !$("#unsaved")) {   // ready to type, after what is there
      textarea.focus();
      const end = textarea.value.length;
      textarea.setSelectionRange(end, end);
    }
    document.addEventListener("click", (event) => {
      const chip = event.target.closest("button.chip[data-insert]");
      if (chip) { insertAtCursor(textarea, chip.dataset.insert); return; }
      const use = event.target.closest("button.use[data-text]");
      if (use && !textarea.readOnly) {
        replaceRange(textarea, 0, textarea.value.length, use.dataset.text);
        placeholders.reset();
      }
    });
    form.addEventListener("submit", (event) => {
      const action = event.submitter ? event.submitter.value : "save";
      if (event.submitter && event.submitter.id === "draft") { event.preventDefault(); freshDraft(form); return; }
      if (action === "skip" || action === "discard") {
        if (action === "skip" && editor.dirty()) {
          event.preventDefault();
          editor.ask(() => plainSubmit(form, "skip"), () => plainSubmit(form, "discard"));
        } else editor.leave();
        return;
      }
      if (!["save", "approve", "reject", "review"].includes(action)) { editor.leave(); return; }
      event.preventDefault();
      const reason = $("#reason", form);
      if (action === "reject" && reason && !reason.value.trim()) {   // a rejection says why
        announce(reason.dataset.required, "error");
        reason.focus();
        return;
      }
      submit(form, action, editor);
    });
    document.addEventListener("submit", (event) => {
      const marking = event.target.closest("form.qa-action");
      if (!marking) return;
      event.preventDefault();
      markProblem(marking);
    });
    let pendingTag = false;
    document.addEventListener("keydown", (event) => {
      const ctrl = event.ctrlKey || event.metaKey;
      if (pendingTag) {
        pendingTag = false;
        if (/^[1-9]$/.test(event.key) && insertTag(textarea, event.key)) { event.preventDefault(); return; }
      }
      if (ctrl && !event.shiftKey && !event.altKey && (event.key === "i" || event.key === "I")
          && document.activeElement === textarea && $("#source button.chip")) {
        event.preventDefault();
        pendingTag = true;
      }
      else if (ctrl && event.key === "Enter" && $("#approve")) { event.preventDefault(); submit(form, "approve", editor); }
      else if (ctrl && (event.key === "s" || event.key === "S") && $("#save")) { event.preventDefault(); submit(form, "save", editor); }
      else if (event.altKey && event.key === "ArrowDown" && $("#next-entry")) { event.preventDefault(); editor.ask(() => { window.location.href = $("#next-entry").href; }); }
      else if (event.altKey && event.key === "ArrowUp" && $("#prev-entry")) { event.preventDefault(); editor.ask(() => { window.location.href = $("#prev-entry").href; }); }
    });
    return editor;
  }

  // A message flashed by the server is said again once the page is there, so that screen readers hear it.
  const SAID = "localize-said";

  function sayFlashes() {
    const status = $("#status");
    let carried = null;
    try { carried = sessionStorage.getItem(SAID); sessionStorage.removeItem(SAID); } catch (e) { /* private mode */ }
    if (carried && status && !status.children.length) { setTimeout(() => announce(carried), 250); return; }
    if (!status || !status.children.length) return;
    const said = Array.from(status.children);
    status.textContent = "";
    setTimeout(() => { status.append(...said); }, 250);
  }

  // The queue's bulk actions: how many entries are checked, said as boxes are checked and unchecked.
  function wireBulk() {
    const form = $("#bulk-form");
    const count = $("#bulk-count");
    if (!form || !count) return;
    const picks = () => document.querySelectorAll('input.pick[form="bulk-form"]');
    document.addEventListener("change", (event) => {
      if (!event.target.matches('input.pick[form="bulk-form"]')) return;
      count.textContent = String(Array.from(picks()).filter((p) => p.checked).length);
    });
    form.addEventListener("submit", (event) => {
      const reason = $("#bulk-reason", form);
      if (event.submitter && event.submitter.value === "reject" && reason && !reason.value.trim()) {
        event.preventDefault();   // a rejection says why
        announce(reason.dataset.required, "error");
        reason.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    sayFlashes();
    wireBulk();
    const editor = wireEditor();
    wirePreview(editor);
  });
})();
