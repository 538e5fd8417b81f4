// The focal-point picker of the course pictures page: a click (or the arrow
// keys) on the picture sets the "across" and "down" percentages the form
// posts; the dot and the two crop previews follow. Without this script the
// two number fields work alone.
(function () {
  "use strict";
  function setup(picker) {
    var frame = picker.querySelector("[data-focal-frame]");
    var dot = picker.querySelector("[data-focal-dot]");
    var inputs = picker.querySelectorAll("input[type=number]");
    if (!frame || inputs.length < 2) return;
    var xInput = inputs[0], yInput = inputs[1];
    function clamp(v) { return Math.max(0, Math.min(100, Math.round(v))); }
    function show() {
      var x = clamp(+xInput.value || 0), y = clamp(+yInput.value || 0);
      // Physical left on purpose: a picture is never mirrored, in RTL pages too.
      dot.style.left = x + "%";
      dot.style.top = y + "%";
      picker.querySelectorAll("[data-focal-preview]").forEach(function (img) {
        img.style.objectPosition = x + "% " + y + "%";
      });
    }
    function set(x, y) { xInput.value = clamp(x); yInput.value = clamp(y); show(); }
    frame.addEventListener("click", function (event) {
      var box = frame.querySelector("img").getBoundingClientRect();
      if (!box.width || !box.height) return;
      set(((event.clientX - box.left) / box.width) * 100, ((event.clientY - box.top) / box.height) * 100);
    });
    frame.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 10 : 2, x = +xInput.value, y = +yInput.value;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      var move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      set(x + move[0], y + move[1]);
    });
    xInput.addEventListener("input", show);
    yInput.addEventListener("input", show);
    show();
  }
  document.querySelectorAll("[data-focal-picker]").forEach(setup);
})();
