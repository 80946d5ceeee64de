// The public verification page (/verify): camera QR scanning with the browser's BarcodeDetector, where there is one,
// and reading an uploaded file into the text box. No external scripts; without JavaScript the form still works.
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var text = document.getElementById("verify-credential");
  var file = document.getElementById("verify-file");
  var start = document.getElementById("scan-start");
  var stop = document.getElementById("scan-stop");
  var area = document.getElementById("scan-area");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var unsupported = document.getElementById("scan-unsupported");
  var stream = null;
  var timer = null;

  file.addEventListener("change", function () {
    var f = file.files && file.files[0];
    if (!f || f.size > 1024 * 1024) { return; }
    f.text().then(function (content) { text.value = content.trim(); file.value = ""; });
  });

  function stopScan() {
    if (timer) { clearInterval(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    area.hidden = true;
    start.focus();
  }

  function found(value) {
    stopScan();
    // A printed licence's QR links to this page with ?credential=<id>; anything else is the credential itself.
    try {
      var url = new URL(value);
      if (url.pathname === "/verify" && url.searchParams.get("credential")) {
        window.location.href = "/verify?credential=" + encodeURIComponent(url.searchParams.get("credential"));
        return;
      }
    } catch (e) { /* not a URL */ }
    text.value = value;
    form.submit();
  }

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    unsupported.hidden = false;
    return;
  }

  start.hidden = false;
  start.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      area.hidden = false;
      return video.play();
    }).then(function () {
      timer = setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (codes.length > 0 && codes[0].rawValue) { found(codes[0].rawValue); }
        }).catch(function () { /* next frame */ });
      }, 300);
    }).catch(function () {
      status.textContent = unsupported.textContent;
      area.hidden = false;
    });
  });
  stop.addEventListener("click", stopScan);
})();
