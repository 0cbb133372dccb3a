// The top menu's drop-down groups (<details>): one open at a time, closed by Escape or
// a click elsewhere. Without this script they still open and close (progressive enhancement).
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.nav-group"));
  if (!groups.length) return;
  function closeAll(except) {
    groups.forEach(function (g) { if (g !== except) g.open = false; });
  }
  groups.forEach(function (g) {
    g.addEventListener("toggle", function () { if (g.open) closeAll(g); });
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest("details.nav-group")) closeAll(null);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      var open = groups.filter(function (g) { return g.open; })[0];
      closeAll(null);
      if (open) open.querySelector("summary").focus();
    }
  });
})();
