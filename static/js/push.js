/* "Turn on push notifications" (templates/notifications/includes/push_switch.html).
 * Subscribes this browser through the site's service worker (/sw.js, which
 * imports js/sw-push.js for the push and notificationclick handlers) with the
 * site's VAPID public key, and hands the subscription to the server. Never
 * asks for permission on its own: only when the button is pressed. */
(function () {
  "use strict";
  function b64ToBytes(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }
  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : (match ? decodeURIComponent(match[1]) : "");
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    }).then((r) => { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }
  function setup(box) {
    const show = (state) => {
      box.dataset.state = state;
      box.querySelectorAll("[data-when]").forEach((el) => { el.hidden = el.dataset.when !== state; });
      box.querySelector("[data-push-on]").hidden = !(state === "off" || state === "error");
      box.querySelector("[data-push-off]").hidden = state !== "on";
      box.dispatchEvent(new CustomEvent("push:state", { bubbles: true, detail: state }));
    };
    if (!box.dataset.key) { show("unconfigured"); return; }
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) { show("unsupported"); return; }
    // The site's worker (/sw.js, registered by the PWA's own script); waited for at most 10 s.
    const registration = () => navigator.serviceWorker.getRegistration("/").then((reg) => reg || Promise.race([
      navigator.serviceWorker.ready,
      new Promise((resolve, reject) => { setTimeout(() => reject(new Error("no service worker")), 10000); }),
    ]));
    navigator.serviceWorker.getRegistration("/").then((reg) => (reg ? reg.pushManager.getSubscription() : null)).then((sub) => {
      if (Notification.permission === "denied") { show("denied"); } else { show(sub ? "on" : "off"); }
    }).catch(() => show("off"));
    box.querySelector("[data-push-on]").addEventListener("click", async () => {
      try {
        if ((await Notification.requestPermission()) !== "granted") { show("denied"); return; }
        const reg = await registration();
        const sub = (await reg.pushManager.getSubscription()) || (await reg.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: b64ToBytes(box.dataset.key) }));
        await post(box.dataset.subscribe, sub.toJSON());
        show("on");
      } catch (error) { show("error"); }
    });
    box.querySelector("[data-push-off]").addEventListener("click", async () => {
      try {
        const reg = await registration();
        const sub = await reg.pushManager.getSubscription();
        if (sub) { await post(box.dataset.unsubscribe, { endpoint: sub.endpoint }); await sub.unsubscribe(); }
        show("off");
      } catch (error) { show("error"); }
    });
  }
  // The offer after a booking shows only where it can be taken up.
  document.addEventListener("push:state", (event) => {
    const prompt = event.target.closest("[data-push-prompt]");
    if (prompt && (event.detail === "off" || event.detail === "on")) { prompt.hidden = event.detail === "on" && prompt.hidden; }
  });
  document.querySelectorAll("[data-push-switch]").forEach(setup);
})();
