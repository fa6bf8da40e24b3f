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
        for (const output of form.querySelectorAll("[data-out]")) {
          const key = output.dataset.out;
          if (Object.prototype.hasOwnProperty.call(answer, key)) {
            output.textContent = answer[key];
            output.dataset.value = answer[key];
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
