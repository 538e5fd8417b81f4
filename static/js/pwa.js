/* The installable app, page side (the worker is /sw.js, coursemarket/web/sw.js):
   - registers the service worker at the site's root (after load, when the page is idle);
   - "Update available — reload": a new worker waits until the visitor reloads, never swaps code under a page;
   - tells the worker who is signed in (an opaque mark), and empties the visitor's offline pages at sign-out;
   - the install offer: the browser's prompt is held back (never on a first visit) and offered by the page
     that has an element [data-install-offer] (the booking confirmation). Strings come from the page. */
(() => {
  "use strict";

  let deferredPrompt = null;
  const offer = () => document.querySelector("[data-install-offer]");
  const showOffer = () => {
    const box = offer();
    if (!box || !deferredPrompt) return;
    try {
      if (localStorage.getItem("cm-install-dismissed")) return;
    } catch (error) { /* storage off: offer anyway */ }
    box.hidden = false;
  };
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault(); // no mini-infobar on a first visit; the confirmation page offers it
    deferredPrompt = event;
    showOffer();
  });
  window.addEventListener("appinstalled", () => {
    deferredPrompt = null;
    const box = offer();
    if (box) box.hidden = true;
  });
  document.addEventListener("click", (event) => {
    const install = event.target.closest("[data-install-app]");
    const dismiss = event.target.closest("[data-install-dismiss]");
    if (install && deferredPrompt) {
      const prompt = deferredPrompt;
      deferredPrompt = null;
      prompt.prompt();
      prompt.userChoice.finally(() => { const box = offer(); if (box) box.hidden = true; });
    } else if (dismiss) {
      const box = offer();
      if (box) box.hidden = true;
      try { localStorage.setItem("cm-install-dismissed", "1"); } catch (error) { /* nothing to remember with */ }
    }
  });
  document.addEventListener("DOMContentLoaded", showOffer);

  if (!("serviceWorker" in navigator)) return;
  const script = document.currentScript;
  const workerUrl = (script && script.dataset.sw) || "/sw.js";

  const post = (message) => {
    if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage(message);
  };

  // Sign-out: the worker also sees the POST itself; this covers a worker that is not in control yet.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && /\/account\/logout\/$/.test(new URL(form.action, location.href).pathname)) {
      post({ type: "signout" });
    }
  }, true);

  let reloadAsked = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloadAsked) window.location.reload();
  });

  const announce = (worker) => {
    const banner = document.querySelector("[data-pwa-update]");
    if (!banner) return;
    banner.hidden = false;
    banner.querySelector("[data-pwa-reload]").addEventListener("click", () => {
      reloadAsked = true;
      worker.postMessage({ type: "skip-waiting" });
    }, { once: true });
  };

  // After "load", once the page is idle: the worker's install (precaching the shell) never competes with the
  // page's own first paint, requests or scripts.
  const whenIdle = (work) => {
    const later = () => (window.requestIdleCallback ? window.requestIdleCallback(work, { timeout: 3000 }) : window.setTimeout(work, 1));
    if (document.readyState === "complete") later(); else window.addEventListener("load", later, { once: true });
  };

  whenIdle(() => {
    navigator.serviceWorker.register(workerUrl, { scope: "/" }).then((registration) => {
      if (registration.waiting && navigator.serviceWorker.controller) announce(registration.waiting);
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        if (!worker) return;
        worker.addEventListener("statechange", () => {
          if (worker.state === "installed" && navigator.serviceWorker.controller) announce(worker);
        });
      });
    }).catch(() => { /* no worker (private mode, blocked): the site works as before */ });
    const owner = document.querySelector('meta[name="cm-offline-owner"]');
    if (owner && owner.content) {
      navigator.serviceWorker.ready.then((registration) => {
        if (registration.active) registration.active.postMessage({ type: "owner", owner: owner.content });
      });
    }
  });
})();
