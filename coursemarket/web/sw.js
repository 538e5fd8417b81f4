/* Coursemarket's service worker (hand-written; served at /sw.js by coursemarket.web.pwa.service_worker,
   which prepends `const CONFIG = {...}`: version, precache, offline pages, prefixes, never-cache rules).

   Caches:
   - cm-shell-<version>  the app shell and hashed static files (cache first; hashed names never change).
                         One per deploy; the old ones are removed when the new worker activates.
   - cm-media            course pictures: stale-while-revalidate, at most MEDIA_LIMIT entries.
   - cm-user             the signed-in visitor's own pages marked by the server (header
                         Coursemarket-Offline: user): My bookings (upcoming), tickets, staff's check-in pages.
                         Emptied at sign-out
                         and when another person signs in on this browser.
   Pages are network first; offline, a kept page of the visitor's own, else the offline page in the
   language of the address. Nothing else is ever cached: POSTs, checkout, payments, the account, staff
   and admin pages pass straight through.

   A new version waits until the page says so ("Update available — reload" in js/pwa.js), so a tab
   never mixes old and new code. */
"use strict";

importScripts(CONFIG.pushScript);  // the push and notificationclick handlers

const SHELL = `cm-shell-${CONFIG.version}`;
const MEDIA = "cm-media";
const USER = "cm-user";
const OWNER_KEY = "/__cm-owner__";
const MEDIA_LIMIT = 80;
const NEVER = CONFIG.never.map((pattern) => new RegExp(pattern));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll(CONFIG.precache.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })));
    // The first worker takes over at once; later ones wait for the page's "reload".
    if (!self.registration.active) await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("cm-shell-") && name !== SHELL).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// The per-user cache's changes run one after another (a sign-out never races a page being kept).
let userQueue = Promise.resolve();
function serially(task) {
  userQueue = userQueue.then(task, task);
  return userQueue;
}

function forgetUser() {
  return serially(() => caches.delete(USER));
}

async function ownedCache(owner) {
  // Another person's pages never show to this one: a new owner empties the cache first.
  const cache = await caches.open(USER);
  const previous = await cache.match(OWNER_KEY);
  const known = previous ? await previous.text() : null;
  if (known === owner) return cache;
  if (known !== null) await caches.delete(USER);
  const fresh = await caches.open(USER);
  await fresh.put(OWNER_KEY, new Response(owner));
  return fresh;
}

function setOwner(owner) {
  return serially(() => ownedCache(owner));
}

function keep(key, response, owner) {
  return serially(async () => (await ownedCache(owner)).put(key, response));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "skip-waiting") {
    self.skipWaiting();
  } else if (data.type === "signout") {
    event.waitUntil(forgetUser().then(() => event.source && event.source.postMessage({ type: "signed-out" })));
  } else if (data.type === "owner" && data.owner) {
    event.waitUntil(setOwner(String(data.owner)));
  } else if (data.type === "version") {
    event.source && event.source.postMessage({ type: "version", version: CONFIG.version });
  }
});

function userKey(url) {
  // ?source=pwa (the app's shortcuts) is the same page.
  const key = new URL(url);
  key.searchParams.delete("source");
  key.hash = "";
  return key.href;
}

function languageOf(url) {
  const first = url.pathname.split("/")[1];
  return CONFIG.languages.includes(first) ? first : CONFIG.defaultLanguage;
}

async function offlineFallback(request, url) {
  const own = await caches.match(userKey(request.url), { cacheName: USER });
  if (own) return own;
  const page = await caches.match(CONFIG.offline[languageOf(url)], { cacheName: SHELL });
  return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
}

async function page(event, request, url) {
  try {
    const response = await fetch(request);
    const owner = response.headers.get(CONFIG.ownerHeader);
    if (response.ok && !response.redirected && owner && response.headers.get(CONFIG.offlineHeader) === "user"
        && !NEVER.some((re) => re.test(url.pathname))) {
      event.waitUntil(keep(userKey(request.url), response.clone(), owner));
    }
    return response;
  } catch (error) {
    return offlineFallback(request, url);
  }
}

async function staticFile(request) {
  const cache = await caches.open(SHELL);
  if (!CONFIG.hashedStatic) {
    // Development: names without hashes change content in place, so the network first.
    try {
      const response = await fetch(request);
      if (response.ok) cache.put(request, response.clone());
      return response;
    } catch (error) {
      const hit = await cache.match(request);
      if (hit) return hit;
      throw error;
    }
  }
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") cache.put(request, response.clone());
  return response;
}

async function mediaFile(event) {
  const cache = await caches.open(MEDIA);
  const hit = await cache.match(event.request);
  const refresh = fetch(event.request).then(async (response) => {
    if (response.ok || response.type === "opaque") {
      await cache.put(event.request, response.clone());
      const keys = await cache.keys();
      await Promise.all(keys.slice(0, Math.max(0, keys.length - MEDIA_LIMIT)).map((key) => cache.delete(key)));
    }
    return response;
  });
  if (hit) {
    event.waitUntil(refresh.catch(() => undefined));
    return hit;
  }
  return refresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET") {
    // Never cached. Signing out empties the visitor's own cache (the page also asks, js/pwa.js).
    if (request.method === "POST" && url.origin === self.location.origin && CONFIG.signout.includes(url.pathname)) {
      event.waitUntil(forgetUser());
    }
    return;
  }
  if (url.origin !== self.location.origin) {
    if (CONFIG.mediaOrigin && url.origin === CONFIG.mediaOrigin) event.respondWith(mediaFile(event));
    return;
  }
  if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(staticFile(request));
    return;
  }
  if (url.pathname.startsWith(CONFIG.mediaPrefix)) {
    event.respondWith(mediaFile(event));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event, request, url));
  }
  // Anything else (htmx fragments, feeds, JSON): the network, untouched.
});
