/* Start ReDoc from a file, not an inline script (Content-Security-Policy: script-src 'self'). */
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var settingsNode = document.getElementById("redoc-settings");
  if (!container || typeof Redoc === "undefined") return;
  var settings = {};
  try {
    settings = JSON.parse((settingsNode && settingsNode.textContent) || "{}");
  } catch (error) {
    settings = {};
  }
  Redoc.init(container.getAttribute("data-spec-url"), settings, container);
})();
