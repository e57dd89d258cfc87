// Live reload for `prospectus serve` (never part of a built site).
(function () {
  "use strict";
  var overlay = null;

  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("dialog");
      overlay.className = "ik-build-error";
      overlay.setAttribute("aria-labelledby", "ik-build-error-title");
      var title = document.createElement("h2");
      title.id = "ik-build-error-title";
      title.textContent = "The prospectus has errors: showing the last good build";
      // Set through the CSSOM, which the CSP allows (a style attribute it
      // would not), so built sites carry no CSS for the preview's overlay.
      overlay.style.maxWidth = "min(60rem, calc(100vw - 2rem))";
      overlay.style.padding = "1rem";
      overlay.style.border = "5px solid #d4351c";
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      pre.style.overflowWrap = "anywhere";
      pre.style.fontSize = "1rem";
      var close = document.createElement("button");
      close.type = "button";
      close.className = "ik-button ik-button--secondary";
      close.textContent = "Hide";
      close.addEventListener("click", function () { overlay.close(); });
      overlay.append(title, pre, close);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
    if (!overlay.open) overlay.showModal();
  }

  var source = new EventSource("/__prospectus/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("build-error", function (e) { showError(e.data); });
})();
