/* Check-in at the door, online or not.
 *
 * On opening, the session's list (references, names, seats, states, who is
 * present) is downloaded and kept in IndexedDB; a ticket's token is verified
 * here with the session's key (HMAC-SHA256, first 16 bytes, base64url: see
 * bookings/tickets.py), the booking marked present at once, and the scan
 * queued in IndexedDB with an id made here. The queue is sent whenever the
 * network is there; the server records each scan once by its id, so a queue
 * sent twice (an answer lost on the way back) records nothing twice.
 * The camera reads QR codes with BarcodeDetector where the browser has it,
 * else with the vendored ZXing build, loaded only then. Every word shown
 * comes from the page (#checkin-strings). */
(function () {
  "use strict";
  const root = document.getElementById("checkin");
  const configEl = document.getElementById("checkin-config");
  if (!root || !configEl) { return; }
  const cfg = JSON.parse(configEl.textContent);
  const words = {};
  const stringsEl = document.getElementById("checkin-strings");
  stringsEl.content.querySelectorAll("[data-key]").forEach((el) => { words[el.dataset.key] = el.textContent.trim(); });
  const $ = (sel) => root.querySelector(sel);
  const csrf = () => (root.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const meetingSelect = document.getElementById("checkin-meeting");
  const search = document.getElementById("checkin-search");
  const scriptEl = document.currentScript;
  let roster = null;
  let flushing = false;
  let keyPromise = null;

  // --- IndexedDB ------------------------------------------------------------
  const dbPromise = new Promise((resolve, reject) => {
    const open = indexedDB.open("cm-checkin", 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore("rosters", { keyPath: "session" });
      const queue = db.createObjectStore("queue", { keyPath: "id" });
      queue.createIndex("session", "session");
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  function tx(store, mode, fn) {
    return dbPromise.then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      const result = fn(t.objectStore(store));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
    }));
  }
  const saveRoster = () => tx("rosters", "readwrite", (s) => s.put(roster));
  const loadRoster = () => tx("rosters", "readonly", (s) => s.get(cfg.session));
  const queueAdd = (item) => tx("queue", "readwrite", (s) => s.put(item));
  const queueDelete = (id) => tx("queue", "readwrite", (s) => s.delete(id));
  const queueAll = () => tx("queue", "readonly", (s) => s.index("session").getAll(cfg.session));

  // --- tickets --------------------------------------------------------------
  function b64urlDecode(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }
  function b64urlEncode(bytes) {
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function hmacKey() {
    keyPromise = keyPromise || crypto.subtle.importKey(
      "raw", b64urlDecode(cfg.key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return keyPromise;
  }
  async function verify(token) {
    // "ok" with the reference, or a refusal code.
    const parts = token.trim().split(".");
    if (parts.length !== 4 || parts[0] !== "t1" || !/^\d+$/.test(parts[1]) || !parts[2]) { return { code: "invalid" }; }
    if (Number(parts[1]) !== cfg.session) { return { code: "otherSession" }; }
    const digest = new Uint8Array(await crypto.subtle.sign(
      "HMAC", await hmacKey(), new TextEncoder().encode(parts.slice(0, 3).join("."))));
    if (b64urlEncode(digest.slice(0, 16)) !== parts[3]) { return { code: "invalid" }; }
    return { code: "ok", reference: parts[2] };
  }
  function newId() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- what the page shows ----------------------------------------------------
  const meeting = () => (meetingSelect ? Number(meetingSelect.value) : null);
  function show(kind, title, detail) {
    const box = $("[data-result]");
    box.hidden = false;
    box.className = `checkin-result checkin-result-${kind}`;
    box.dataset.kind = kind;
    box.replaceChildren();
    const icon = document.createElement("i");
    icon.className = `bi bi-${kind === "ok" ? "check-circle-fill" : kind === "warn" ? "info-circle-fill" : "x-octagon-fill"}`;
    icon.setAttribute("aria-hidden", "true");
    const strong = document.createElement("strong");
    strong.textContent = title;
    box.append(icon, " ", strong);
    if (detail) { const p = document.createElement("span"); p.className = "d-block"; p.textContent = detail; box.append(p); }
  }
  const fold = (text) => (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  function render() {
    const list = $("[data-people]");
    list.replaceChildren();
    if (!roster) { return; }
    const q = fold(search.value.trim());
    const m = meeting();
    const rows = roster.bookings.filter((b) => !q || fold(`${b.names.join(" ")} ${b.booked_by} ${b.reference}`).includes(q));
    for (const b of rows.slice(0, 300)) {
      const li = document.createElement("li");
      li.className = "checkin-person";
      li.dataset.reference = b.reference;
      const present = b.present.includes(m);
      li.dataset.present = present ? "1" : "0";
      const text = document.createElement("div");
      text.className = "checkin-person-text";
      const name = document.createElement("span");
      name.className = "checkin-name";
      name.textContent = b.names.join(", ");
      const sub = document.createElement("span");
      sub.className = "checkin-sub";
      const ref = document.createElement("bdi");
      ref.className = "booking-ref";
      ref.textContent = b.reference;
      sub.append(ref);
      if (b.seats > 1) { sub.append(` · ${words.seats.replace("{count}", b.seats)}`); }
      text.append(name, sub);
      li.append(text);
      if (!b.admitted) {
        const chip = document.createElement("span");
        chip.className = "chip chip-danger";
        chip.textContent = b.state_label;
        li.append(chip);
      } else if (present) {
        const chip = document.createElement("span");
        chip.className = "chip chip-success";
        chip.innerHTML = '<i class="bi bi-check2" aria-hidden="true"></i> ';
        chip.append(words.present);
        li.append(chip);
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary";
        button.textContent = words.checkIn;
        const hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = ` ${b.names.join(", ")}`;
        button.append(hidden);
        button.addEventListener("click", () => checkIn({ reference: b.reference }));
        li.append(button);
      }
      list.append(li);
    }
    $("[data-empty]").hidden = rows.length > 0;
    const here = roster.bookings.filter((b) => b.admitted && b.present.includes(m)).length;
    const admitted = roster.bookings.filter((b) => b.admitted).length;
    $("[data-count]").textContent = `(${here} / ${admitted})`;
    if (roster.generated_at) {
      const time = new Date(roster.generated_at).toLocaleTimeString(document.documentElement.lang || undefined, { hour: "numeric", minute: "2-digit" });
      $("[data-updated]").textContent = words.updated.replace("{time}", time);
    }
  }
  async function showQueue() {
    const items = await queueAll();
    const badge = $("[data-queue]");
    badge.hidden = items.length === 0;
    badge.textContent = words.queued.replace("{count}", items.length);
    root.dataset.queued = String(items.length);
  }
  function showNetwork() { root.dataset.online = navigator.onLine ? "1" : "0"; }

  // --- checking in --------------------------------------------------------------
  async function checkIn({ token = "", reference = "" }) {
    const m = meeting();
    if (!m) { show("error", words.noMeeting); return; }
    if (!roster) { show("error", words.noRoster); return; }
    if (token) {
      const verdict = await verify(token);
      if (verdict.code !== "ok") { show("error", words[verdict.code]); return; }
      reference = verdict.reference;
    }
    const booking = roster.bookings.find((b) => b.reference === reference);
    if (!booking) { show("error", words.unknown, reference); return; }
    const names = booking.names.join(", ");
    if (!booking.admitted) { show("error", `${words.notAdmitted} “${booking.state_label}”`, `${names} · ${reference}`); return; }
    if (booking.present.includes(m)) { show("warn", words.already, `${names} · ${reference}`); return; }
    booking.present.push(m);
    await saveRoster();
    await queueAdd({ id: newId(), session: cfg.session, meeting: m, token, reference: token ? "" : reference, at: new Date().toISOString() });
    show("ok", navigator.onLine ? words.recorded : words.recordedOffline, `${names} · ${reference}`);
    render();
    await showQueue();
    flush();
  }

  async function flush() {
    if (flushing || !navigator.onLine) { return; }
    flushing = true;
    try {
      let items = await queueAll();
      while (items.length) {
        const batch = items.slice(0, 100);
        const response = await fetch(cfg.scansUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify({ scans: batch.map(({ id, meeting: m, token, reference, at }) => ({ id, meeting: m, token, reference, at })) }),
        });
        if (!response.ok) {
          if (response.status === 400) { show("error", words.serverRefused, (await response.json()).error || ""); }
          break;
        }
        const data = await response.json();
        for (const result of data.results) {
          const item = batch.find((i) => i.id === result.id);
          await queueDelete(result.id);
          if (result.status === "refused" && item && roster) {
            const booking = roster.bookings.find((b) => b.reference === (result.reference || item.reference));
            if (booking) { booking.present = booking.present.filter((x) => x !== item.meeting); }
            show("error", words.serverRefused, result.message);
          }
        }
        items = await queueAll();
      }
      await refreshRoster();
    } catch (error) {
      // The network went away mid-way: what was not answered stays queued.
    } finally {
      flushing = false;
      await showQueue();
      render();
    }
  }

  async function refreshRoster() {
    const response = await fetch(cfg.rosterUrl, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" });
    if (!response.ok) { throw new Error(String(response.status)); }
    roster = await response.json();
    for (const item of await queueAll()) {  // what this phone has not sent yet still counts
      const booking = roster.bookings.find((b) => b.reference === (item.reference || (item.token.split(".")[2] || "")));
      if (booking && !booking.present.includes(item.meeting)) { booking.present.push(item.meeting); }
    }
    await saveRoster();
  }

  // --- camera ----------------------------------------------------------------------
  let stream = null;
  let zxingReader = null;
  let lastCode = "";
  let lastAt = 0;
  function onCode(text) {
    const now = Date.now();
    if (text === lastCode && now - lastAt < 3000) { return; }  // the same ticket still in front of the lens
    lastCode = text; lastAt = now;
    checkIn({ token: text });
  }
  function loadZxing() {
    return new Promise((resolve, reject) => {
      if (window.ZXing) { resolve(); return; }
      const s = document.createElement("script");
      s.src = scriptEl.dataset.zxing;
      s.nonce = scriptEl.nonce;
      s.onload = () => resolve();
      s.onerror = reject;
      document.head.append(s);
    });
  }
  async function startCamera() {
    const video = $("[data-video]");
    try {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { throw new Error("no camera"); }
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      $("[data-camera]").hidden = false;
      $("[data-camera-start]").hidden = true;
      $("[data-camera-stop]").hidden = false;
      if ("BarcodeDetector" in window) {
        video.srcObject = stream;
        await video.play();
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        const tick = async () => {
          if (!stream) { return; }
          try {
            const codes = await detector.detect(video);
            if (codes.length) { onCode(codes[0].rawValue); }
          } catch (error) { /* a frame it could not read */ }
          setTimeout(tick, 250);
        };
        tick();
      } else {
        await loadZxing();
        zxingReader = new window.ZXing.BrowserQRCodeReader();
        zxingReader.decodeFromStream(stream, video, (result) => { if (result) { onCode(result.getText()); } });
      }
    } catch (error) {
      stopCamera();
      show("error", words.noCamera);
    }
  }
  function stopCamera() {
    if (zxingReader) { zxingReader.reset(); zxingReader = null; }
    if (stream) { stream.getTracks().forEach((t) => t.stop()); stream = null; }
    $("[data-camera]").hidden = true;
    $("[data-camera-start]").hidden = false;
    $("[data-camera-stop]").hidden = true;
  }

  // --- wiring ------------------------------------------------------------------------
  $("[data-camera-start]").addEventListener("click", startCamera);
  $("[data-camera-stop]").addEventListener("click", stopCamera);
  $("[data-manual]").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("checkin-token");
    const token = input.value.trim();
    if (token) { checkIn({ token }); }
    input.value = "";
    input.focus();
  });
  search.addEventListener("input", render);
  if (meetingSelect) { meetingSelect.addEventListener("change", render); }
  window.addEventListener("online", () => { showNetwork(); flush(); });
  window.addEventListener("offline", showNetwork);
  setInterval(flush, 20000);
  showNetwork();

  const ready = (async () => {
    try {
      await refreshRoster();
    } catch (error) {
      roster = (await loadRoster()) || null;
      if (!roster) { show("error", words.noRoster); }
    }
    render();
    await showQueue();
    root.dataset.state = roster ? "ready" : "failed";
    flush();
  })();
  // For tests and for a hand-held scanner that types: feed a code as the camera would.
  window.cmCheckin = { ready, feed: (text) => checkIn({ token: text }), flush };
})();
