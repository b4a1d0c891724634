/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // The main navigation's Menu button: js-enabled.js, which runs before the first paint.

  // Videos load the player only when the reader asks for it: no third-party
  // requests or cookies come with the page itself.
  document.querySelectorAll("[data-video]").forEach(function (figure) {
    var link = figure.querySelector(".video__link");
    var tpl = figure.querySelector("template.video__embed");
    if (!link || !tpl) return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var frame = figure.querySelector(".video__frame");
      frame.innerHTML = tpl.innerHTML;
      var iframe = frame.querySelector("iframe");
      if (iframe) {
        iframe.setAttribute("title", link.textContent.trim());
        iframe.focus();
      }
    });
  });
})();

// "Copy link" buttons appear only when the browser can copy.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy-url]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = button.closest(".share").querySelector(".share__status");
      navigator.clipboard.writeText(button.getAttribute("data-copy-url")).then(
        function () { status.textContent = "Link copied."; },
        function () { status.textContent = "Sorry, the link could not be copied."; }
      );
    });
  });
})();

// Research listing: update results in place as filters change, keep the URL
// and history in step, and announce the new count to screen readers. Without
// JavaScript the form is a plain GET form.
(function () {
  "use strict";
  var listing = document.querySelector("[data-listing]");
  if (!listing || !window.fetch || !window.history || !window.DOMParser) return;
  var timer = null;
  var controller = null;
  // The address whose results are on the page, without its #fragment.
  var shown = window.location.pathname + window.location.search;

  function urlFor(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    var qs = params.toString();
    return form.getAttribute("action") + (qs ? "?" + qs : "");
  }

  function swap(html, keepText) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-listing]");
    var current = document.querySelector("[data-listing]");
    if (!fresh || !current) return false;
    // Keep focus on the control the reader was using.
    var active = document.activeElement;
    var activeId = active && active.id;
    var selStart = active && active.selectionStart;
    // ...and, in the search box, the words as typed: the server's copy drops a
    // trailing space (so the next word would run on: "cellsbone") and is out of
    // date if the reader typed on while it loaded. Back and Forward restore the
    // server's copy, since they mean to go back to that search.
    var typed = keepText && active && active.type === "search" ? active.value : null;
    var hadFocus = current.contains(active);
    // A folded filter box stays as the reader left it (the server renders it open).
    var fold = current.querySelector("[data-fold-narrow]");
    var freshFold = fresh.querySelector("[data-fold-narrow]");
    if (fold && freshFold) freshFold.open = fold.open;
    current.replaceWith(fresh);
    // Parts of the page outside the listing that depend on the filters.
    document.querySelectorAll("[data-listing-extra]").forEach(function (extra) {
      var replacement = extra.id && doc.getElementById(extra.id);
      if (replacement) extra.replaceWith(replacement);
    });
    if (activeId) {
      var again = document.getElementById(activeId);
      if (again) {
        if (typed !== null && again.type === "search") again.value = typed;
        again.focus();
        if (typeof selStart === "number" && again.setSelectionRange) {
          try { again.setSelectionRange(selStart, selStart); } catch (e) { /* not a text field */ }
        }
      }
    }
    var summary = fresh.querySelector("[data-results-summary]");
    // A link the reader followed (a page number, a chip) goes with the old results,
    // and so can a control that has no counterpart: rather than drop focus on the
    // page body, where the next Tab starts again from the top, put it at the start
    // of the new results.
    if (hadFocus && summary && (!document.activeElement || document.activeElement === document.body)) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
    var title = doc.querySelector("title");
    if (title) document.title = title.textContent;
    var announcer = document.getElementById("listing-announcer");
    if (summary && announcer) announcer.textContent = summary.textContent;
    bind();
    return true;
  }

  function load(url, push) {
    if (controller) controller.abort();
    controller = new AbortController();
    var results = document.getElementById("listing-results");
    if (results) results.setAttribute("aria-busy", "true");
    fetch(url, { signal: controller.signal, headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (!swap(html, push)) { window.location.href = url; return; }
        if (push) window.history.pushState({ listing: true }, "", url);
        shown = window.location.pathname + window.location.search;
      })
      .catch(function (error) {
        if (error.name !== "AbortError") window.location.href = url;
      });
  }

  function bind() {
    var form = document.querySelector("[data-listing-form]");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.type === "search") return;
      load(urlFor(form), true);
    });
    form.addEventListener("input", function (event) {
      if (event.target.type !== "search") return;
      clearTimeout(timer);
      // Results for the words before this keystroke are out of date already.
      if (controller) controller.abort();
      timer = setTimeout(function () { load(urlFor(form), true); }, 400);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      load(urlFor(form), true);
    });
    document.querySelectorAll("[data-listing] .pagination a, [data-listing] .active-filters a, [data-listing] .empty-state a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        load(link.href, true);
        var heading = document.getElementById("results-heading");
        if (heading) heading.scrollIntoView();
      });
    });
  }

  window.addEventListener("popstate", function () {
    // Following a #fragment link (the skip link) fires popstate too, yet the results
    // shown are still the right ones: reloading them would pull the focused link
    // out from under a keyboard user.
    if (window.location.pathname + window.location.search === shown) return;
    load(window.location.href, false);
  });
  bind();
})();

// Glossary terms: the explanation shown while a marked term has focus can be
// dismissed with Escape (WCAG 1.4.13) and comes back on the next focus.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var term = document.activeElement;
    if (event.key === "Escape" && term && term.classList.contains("glossary-term")) {
      term.classList.add("glossary-term--dismissed");
    }
  });
  document.addEventListener("focusout", function (event) {
    if (event.target.classList && event.target.classList.contains("glossary-term")) {
      event.target.classList.remove("glossary-term--dismissed");
    }
  });
})();
