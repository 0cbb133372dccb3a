// Floor screens: the counter's voice announcement and the print button. A static file,
// so the Content Security Policy needs no inline script.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  // Fallback when the server has no espeak-ng (the clip answers 404) or the browser
  // refuses to play it: the browser's own speech synthesis, Vietnamese voice if any.
  function speak(text) {
    if (!text || !("speechSynthesis" in window)) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "vi-VN";
    utterance.rate = 0.85;
    window.speechSynthesis.speak(utterance);
  }

  function announce() {
    var audio = document.getElementById("announce");
    if (!audio) return;
    var key = "floor-announced-" + audio.dataset.announceKey;
    try {
      if (window.sessionStorage.getItem(key)) return; // a reload does not call again
      window.sessionStorage.setItem(key, "1");
    } catch (e) { /* storage disabled: announce anyway */ }
    var text = audio.dataset.announceText;
    audio.addEventListener("error", function () { speak(text); }, { once: true });
    var played = audio.play();
    if (played && played.catch) {
      played.then(function () { document.body.dataset.announced = "audio"; })
        .catch(function () { speak(text); });
    }
  }
  document.addEventListener("DOMContentLoaded", announce);
})();
