/*
 * Tandem's small progressive enhancements. Loaded from <head> (no inline scripts: the CSP
 * allows only scripts served by the app). Everything works without JavaScript; this adds:
 *  - the CSRF header on every htmx request (token from <meta name="csrf-token">, else the cookie);
 *  - the phone-width menu toggle;
 *  - data-confirm="Question?" on forms asks before submitting;
 *  - data-copy-target="#id" on a button copies that element's text to the clipboard;
 *  - data-show-for="role" data-show-value="mentor" on an element shows it only while the radio
 *    button named "role" of the same form with that value is checked (always shown without JS).
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      return meta.content;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var menu = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (menu) {
        menu.classList.toggle("is-open", open);
      }
      return;
    }

    var copy = event.target.closest("[data-copy-target]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy-target"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          var label = copy.textContent;
          copy.textContent = "Copied";
          window.setTimeout(function () {
            copy.textContent = label;
          }, 2000);
        });
      }
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  function updateConditionalFields() {
    document.querySelectorAll("[data-show-for]").forEach(function (element) {
      var form = element.closest("form");
      if (!form) {
        return;
      }
      var name = element.getAttribute("data-show-for");
      var checked = form.querySelector('input[name="' + name + '"]:checked');
      element.hidden = !checked || checked.value !== element.getAttribute("data-show-value");
    });
  }

  document.addEventListener("DOMContentLoaded", updateConditionalFields);
  document.addEventListener("change", function (event) {
    if (event.target.type === "radio") {
      updateConditionalFields();
    }
  });

  // Close an open dropdown when Escape is pressed or focus/click leaves it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
      details.removeAttribute("open");
      var summary = details.querySelector("summary");
      if (summary && details.contains(document.activeElement)) {
        summary.focus();
      }
    });
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
      if (!details.contains(event.target)) {
        details.removeAttribute("open");
      }
    });
  });
})();
