/* The page behaviours that used to be inline script (the Content-Security-Policy allows none):
   - a button with data-copy="ID" copies the text of element ID to the clipboard;
   - a form with data-confirm="Question?" asks before it is sent. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    navigator.clipboard.writeText(source.innerText).then(function () {
      button.textContent = "Copied";
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  }, true);
})();
