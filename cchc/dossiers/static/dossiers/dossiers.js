// Dossier screens: print buttons and intake field visibility. Loaded as a file so the
// CSP needs no inline script.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  function toggleIntake(root) {
    var form = (root || document).querySelector("#intake-form");
    if (!form) return;
    var channel = form.querySelector("#id_channel");
    var kind = form.querySelector("#id_applicant_kind");
    var show = function (id, visible) {
      var input = form.querySelector(id);
      if (input && input.closest(".field")) input.closest(".field").hidden = !visible;
    };
    if (channel) show("#id_postal_unit", channel.value === "postal");
    if (kind) {
      show("#id_applicant_personal_id", kind.value === "person");
      show("#id_applicant_date_of_birth", kind.value === "person");
      show("#id_applicant_tax_code", kind.value === "organisation");
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("#id_channel, #id_applicant_kind")) toggleIntake();
  });
  document.addEventListener("DOMContentLoaded", function () { toggleIntake(); });
  document.addEventListener("htmx:afterSettle", function () { toggleIntake(); });
})();
