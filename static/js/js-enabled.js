// Runs first: a plain script in <head>, after the stylesheet and before the body is
// parsed. Whatever JavaScript changes in the layout is settled here, before the first
// paint, so nothing moves once the page is on screen (no layout shift). A file, not an
// inline script, so the Content-Security-Policy can refuse every inline script.
// Everything else is progressive enhancement in site.js (deferred).
(function () {
  "use strict";
  var root = document.documentElement;
  // Styles written for "js" (the collapsed menu, its Menu button) apply only when
  // scripts run; site.css hides the button under .no-js.
  root.classList.replace("no-js", "js");
  root.classList.add("nav-collapsible");

  // The Menu button of the main navigation, on narrow screens. Listening on the
  // document works before the header exists, so the button works from the moment
  // it shows.
  function menuToggle() {
    return document.querySelector(".site-nav__toggle");
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".site-nav__toggle");
    if (!toggle) return;
    toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
  });
  document.addEventListener("keydown", function (event) {
    var toggle = menuToggle();
    if (event.key === "Escape" && toggle && toggle.getAttribute("aria-expanded") === "true") {
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });

  // Listing filters: on narrow screens the filter box starts folded, so readers reach
  // the projects or stories first and open the filters when they want them. The
  // server renders it open (as it stays without JavaScript, and on wide screens);
  // until it is folded, the "folding" class hides its contents, so it is drawn folded
  // from the first paint.
  var narrow = window.matchMedia && window.matchMedia("(max-width: 59.99em)").matches;
  if (narrow) root.classList.add("folding");
  document.addEventListener("DOMContentLoaded", function () {
    if (!narrow) return;
    document.querySelectorAll("[data-fold-narrow]").forEach(function (fold) { fold.open = false; });
    root.classList.remove("folding");
  });
})();
