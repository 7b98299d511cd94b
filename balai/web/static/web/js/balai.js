/* Balai: optional progressive enhancement. Every page works without this file. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // Move focus to the error summary so keyboard and screen-reader users hear what went wrong first.
    // (Not the demo summaries of the components page.)
    var summary = document.querySelector("[data-error-summary]");
    if (summary && !summary.closest("[data-no-autofocus]")) { summary.focus(); }
    // Error summary links: focus the field itself (not only scroll), and keep its label in view.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var container = target.closest(".field") || target;
      container.scrollIntoView();
      target.focus({ preventScroll: true });
    });
  });
})();
