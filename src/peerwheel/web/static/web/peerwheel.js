/* The page behaviours that used to be inline script (the Content-Security-Policy allows none):
   - a button with data-copy="ID" copies the text of element ID to the clipboard;
   - a form with data-confirm="Question?" asks before it is sent;
   - a form with data-mode-switch="NAME" enables only the fieldset whose data-mode-panel is the
     checked value of its NAME radios (the other panels are disabled: greyed and not sent). */
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

  function applyMode(form) {
    var name = form.dataset.modeSwitch;
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    form.querySelectorAll("fieldset[data-mode-panel]").forEach(function (panel) {
      panel.disabled = !checked || panel.dataset.modePanel !== checked.value;
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-mode-switch]");
    if (form && event.target.name === form.dataset.modeSwitch) applyMode(form);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-mode-switch]").forEach(applyMode);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  }, true);
})();
