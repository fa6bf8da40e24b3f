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
