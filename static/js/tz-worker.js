// The browser's time zone name, read off the page's main thread (js/site.js sets the cm_tz cookie from it).
postMessage(Intl.DateTimeFormat().resolvedOptions().timeZone);
