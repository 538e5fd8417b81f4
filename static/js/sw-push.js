/* Push handlers for the site's service worker: /sw.js (the PWA's worker)
 * loads this file with importScripts(). It registers nothing itself.
 * The payload is what notifications/push.py sends:
 * {title, body, url, tag, id, lang}. */
/* eslint-env serviceworker */
/* global CONFIG */
const PUSH_ICON = (typeof CONFIG !== "undefined" && CONFIG.pushIcon) || "/static/img/pwa/icon-192.png";
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { body: event.data ? event.data.text() : "" }; }
  const title = data.title || "Coursemarket";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,
    lang: data.lang || undefined,
    icon: PUSH_ICON,
    badge: PUSH_ICON,
    data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) { return; }  // only ever open our own pages
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    for (const client of windows) {
      if (client.url === target.href && "focus" in client) { return client.focus(); }
    }
    return self.clients.openWindow(target.href);
  }));
});
