/*
 * Annex: small progressive enhancements. No dependencies; works with or without htmx.
 *
 *  - CSRF:        adds X-CSRFToken (from <meta name="csrf-token">) to every htmx request.
 *  - Copy:        <button data-copy-target="#id-or-selector">Copy</button> copies the target's
 *                 value/text; optional data-copied-label="Copied!".
 *  - Confirm:     data-confirm="Are you sure?" on a <form>, a submit button, a link or an
 *                 htmx-powered button asks before proceeding.
 *  - Alerts:      .alert[data-autodismiss] fades out (default 8000 ms, or the attribute's value
 *                 in ms); paused while hovered or focused. [data-dismiss] inside an .alert closes it.
 *  - Dropdowns:   details.dropdown closes on outside click and on Escape.
 *  - Sidebar:     [data-nav-toggle] opens/closes the off-canvas sidebar on small screens.
 *  - Back:        [data-history-back] buttons go back one page (error pages).
 *  - Form errors: focuses the first .form-errors[data-autofocus] summary on page load (as
 *                 components/form.html renders it) so keyboard and screen-reader users land on it.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) return meta.content;
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  /* ---- CSRF for htmx ---------------------------------------------------- */
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) event.detail.headers["X-CSRFToken"] = token;
  });

  /* ---- Copy to clipboard ------------------------------------------------ */
  function findTarget(ref) {
    if (!ref) return null;
    if (/^[#.\[]/.test(ref)) {
      try { return document.querySelector(ref); } catch (e) { return null; }
    }
    return document.getElementById(ref);
  }

  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function flashLabel(button, label) {
    if (!button.dataset.originalLabel) button.dataset.originalLabel = button.textContent;
    button.textContent = label;
    clearTimeout(button._annexTimer);
    button._annexTimer = setTimeout(function () {
      button.textContent = button.dataset.originalLabel;
    }, 2000);
  }

  function handleCopy(button) {
    var target = findTarget(button.getAttribute("data-copy-target"));
    if (!target) return;
    var text = "value" in target && target.tagName !== "BUTTON" ? target.value : target.textContent;
    copyText((text || "").trim()).then(
      function () { flashLabel(button, button.getAttribute("data-copied-label") || "Copied"); },
      function () {
        // Could not copy: select the text so the user can press Ctrl/Cmd+C.
        if (target.select) { target.select(); }
        else {
          var range = document.createRange();
          range.selectNodeContents(target);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
        }
        flashLabel(button, "Selected: copy manually");
      }
    );
  }

  /* ---- Confirmation ----------------------------------------------------- */
  function hasHtmx(el) {
    return Array.prototype.some.call(el.attributes, function (a) { return /^(data-)?hx-(get|post|put|patch|delete)$/.test(a.name); });
  }

  function isSubmitButton(el) {
    return el.form && (el.tagName === "BUTTON" ? (el.type || "submit") === "submit"
      : el.tagName === "INPUT" && (el.type === "submit" || el.type === "image"));
  }

  // Capture phase, so a declined confirmation also stops htmx's own listeners.
  document.addEventListener("click", function (event) {
    var copyBtn = event.target.closest("[data-copy-target]");
    if (copyBtn) { event.preventDefault(); handleCopy(copyBtn); return; }

    var el = event.target.closest("[data-confirm]");
    // Plain forms and their submit buttons are confirmed in the submit handler below.
    if (!el || el.tagName === "FORM" || (isSubmitButton(el) && !hasHtmx(el))) return;
    if (!window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* ---- Alerts ----------------------------------------------------------- */
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function dismissAlert(alert) {
    if (!alert || alert._annexLeaving) return;
    alert._annexLeaving = true;
    alert.classList.add("is-leaving");
    setTimeout(function () { alert.remove(); }, reduceMotion ? 0 : 300);
  }

  function armAutodismiss(alert) {
    if (alert._annexArmed) return;
    alert._annexArmed = true;
    var delay = parseInt(alert.getAttribute("data-autodismiss"), 10);
    if (!(delay > 0)) delay = 8000;
    var timer = null;
    function start() { clearTimeout(timer); timer = setTimeout(function () { dismissAlert(alert); }, delay); }
    function stop() { clearTimeout(timer); }
    alert.addEventListener("mouseenter", stop);
    alert.addEventListener("mouseleave", start);
    alert.addEventListener("focusin", stop);
    alert.addEventListener("focusout", start);
    start();
  }

  function initAlerts(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches(".alert[data-autodismiss]")) armAutodismiss(scope);
    scope.querySelectorAll(".alert[data-autodismiss]").forEach(armAutodismiss);
  }

  document.addEventListener("click", function (event) {
    var btn = event.target.closest("[data-dismiss]");
    if (btn) dismissAlert(btn.closest(".alert"));
    if (event.target.closest("[data-history-back]")) window.history.back();
  });

  /* ---- Dropdowns & off-canvas sidebar ------------------------------------ */
  function closeDropdowns(except) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }

  function setNav(open) {
    var app = document.querySelector(".app");
    var toggle = document.querySelector("[data-nav-toggle]");
    if (!app || !toggle) return;
    app.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var inDropdown = event.target.closest("details.dropdown");
    closeDropdowns(inDropdown);

    var toggle = event.target.closest("[data-nav-toggle]");
    var app = document.querySelector(".app");
    if (toggle) {
      setNav(!(app && app.classList.contains("nav-open")));
    } else if (app && app.classList.contains("nav-open") && !event.target.closest(".sidebar")) {
      setNav(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.dropdown[open]");
    if (open) {
      open.removeAttribute("open");
      var summary = open.querySelector("summary");
      if (summary) summary.focus();
    }
    var app = document.querySelector(".app.nav-open");
    if (app) {
      setNav(false);
      var toggle = document.querySelector("[data-nav-toggle]");
      if (toggle) toggle.focus();
    }
  });

  /* ---- Init ------------------------------------------------------------- */
  initAlerts(document);
  document.body.addEventListener("htmx:load", function (event) { initAlerts(event.target); });

  var summary = document.querySelector(".form-errors[data-autofocus]");
  if (summary) {
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus({ preventScroll: false });
  }
})();
