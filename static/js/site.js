/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Collapsible main navigation on narrow screens.
  var toggle = document.querySelector(".site-nav__toggle");
  var list = document.getElementById("site-nav-list");
  if (toggle && list) {
    toggle.hidden = false;
    document.documentElement.classList.add("nav-collapsible");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

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
