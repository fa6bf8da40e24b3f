// Live totals and grades while a form is filled in. The server computes them (the same code
// that scores what is saved), so the page never holds a rule of its own; what is saved is
// recomputed on the server anyway. A form opts in with data-live="/live/..."; each
// <output data-out="key"> inside it shows that key of the JSON answer.
"use strict";
(function () {
  function refresh(form) {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrf" && name !== "password" && typeof value === "string") {
        params.append(name, value);
      }
    }
    const url = form.dataset.live + "?" + params.toString();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer) { return; }
        window.cletrialSessionUsed();
        for (const output of form.querySelectorAll("[data-out]")) {
          const key = output.dataset.out;
          if (Object.prototype.hasOwnProperty.call(answer, key)) {
            output.textContent = answer[key];
            // A value in words may come with its code, which the style sheet reads.
            const coded = key + ".value";
            output.dataset.value = Object.prototype.hasOwnProperty.call(answer, coded)
              ? answer[coded] : answer[key];
          }
        }
      })
      .catch(function () { /* the saved page shows the server's totals */ });
  }
  for (const form of document.querySelectorAll("form[data-live]")) {
    let timer = null;
    const later = function () {
      clearTimeout(timer);
      timer = setTimeout(function () { refresh(form); }, 150);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }
})();

// The CLASI grid is typed like the paper form: a cell's text is selected on entering it, so a
// digit replaces it; the arrow keys move between cells (never changing a value), as Tab does.
(function () {
  const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  for (const grid of document.querySelectorAll("table.grid")) {
    const rows = Array.from(grid.tBodies[0].rows);
    const cellAt = function (row, column) {
      const cells = rows[row] ? rows[row].querySelectorAll("input.cell, span.missing") : [];
      const cell = cells[column];
      return cell && cell.matches("input") ? cell : null;
    };
    grid.addEventListener("focusin", function (event) {
      if (event.target.matches("input.cell")) { event.target.select(); }
    });
    grid.addEventListener("keydown", function (event) {
      const move = moves[event.key];
      if (!move || !event.target.matches("input.cell")) { return; }
      event.preventDefault();
      let row = rows.indexOf(event.target.closest("tr"));
      let column = Array.from(rows[row].querySelectorAll("input.cell, span.missing")).indexOf(event.target);
      // Step over the scalp's scarring, which is scored as scarring alopecia.
      for (let step = 0; step < 2; step += 1) {
        row += move[0];
        column += move[1];
        const next = cellAt(row, column);
        if (next) { next.focus(); return; }
      }
    });
  }
})();

// The session: a warning before it ends unused ("Stay signed in" restarts its idle time), and
// a sent form's text kept in this tab so that, should the session have ended, the page it was
// sent from gets it back after the new login (the server adds restore=1 to that address).
// Passwords and the form's tokens are never kept. The messages are the page's, in its language.
(function () {
  const idle = Number(document.body.dataset.idle || 0);
  const warning = document.getElementById("session-warning");
  const says = warning ? warning.dataset : {};
  let timers = [];
  const text = function (message) {
    document.getElementById("session-warning-text").textContent = message;
  };
  const schedule = function () {
    timers.forEach(clearTimeout);
    if (!idle || !warning) { return; }
    warning.hidden = true;
    const lead = Math.min(120, idle / 2);
    timers = [
      setTimeout(function () {
        text(says.ending.replace("{seconds}", String(Math.round(lead))));
        warning.hidden = false;
      }, (idle - lead) * 1000),
      setTimeout(function () {
        text(says.ended);
      }, idle * 1000),
    ];
  };
  window.cletrialSessionUsed = schedule;
  schedule();
  const stay = document.getElementById("stay-signed-in");
  if (stay) {
    stay.addEventListener("click", function () {
      fetch("/session/alive", { credentials: "same-origin" })
        .then(function (response) { if (response.ok) { schedule(); } });
    });
  }

  const KEY = "cletrial-unsent-form";
  const secret = ["csrf", "once", "password"];
  for (const form of document.querySelectorAll("main form[method=post]")) {
    form.addEventListener("submit", function () {
      const fields = [];
      for (const [name, value] of new FormData(form)) {
        if (secret.indexOf(name) < 0 && typeof value === "string") { fields.push([name, value]); }
      }
      sessionStorage.setItem(KEY, JSON.stringify({
        page: location.pathname, action: form.getAttribute("action"), fields: fields,
      }));
    });
  }
  const kept = JSON.parse(sessionStorage.getItem(KEY) || "null");
  if (!idle) { return; }  // the login page: keep it for the page after
  sessionStorage.removeItem(KEY);
  if (!kept || kept.page !== location.pathname
      || new URLSearchParams(location.search).get("restore") !== "1") { return; }
  const form = Array.from(document.querySelectorAll("main form[method=post]"))
    .find(function (each) { return each.getAttribute("action") === kept.action; });
  if (!form) { return; }
  const values = new Map(kept.fields);
  for (const field of form.elements) {
    if (!field.name || secret.indexOf(field.name) >= 0) { continue; }
    if (field.type === "checkbox") {
      field.checked = values.has(field.name);
    } else if (field.type === "radio") {
      field.checked = values.get(field.name) === field.value;
    } else if (values.has(field.name) && field.type !== "hidden") {
      field.value = values.get(field.name);
    }
  }
  const note = document.createElement("p");
  note.className = "alert restored";
  note.setAttribute("role", "status");
  note.textContent = says.restored;
  form.prepend(note);
  form.scrollIntoView();
  form.dispatchEvent(new Event("change", { bubbles: true }));
})();

// The browser's time zone, so the server shows times as this reader reads them (a display
// preference; the server uses it only if its time zone database knows the name).
(function () {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && document.cookie.split("; ").indexOf("tz=" + zone) < 0) {
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = "tz=" + zone + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
  }
})();
