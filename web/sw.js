// Offline after the first visit: on install, cache every file of the site (listed in precache.json, written by
// scripts/site.js); afterwards answer from the network when it is there and from the cache when it is not.
const CACHE = 'logitlab-lessons';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const response = await fetch('precache.json', { cache: 'no-cache' });
    if (!response.ok) return;
    const files = await response.json();
    const cache = await caches.open(CACHE);
    await cache.addAll(files);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // One cache entry per file: the query string is lesson state, not a different file.
  const key = url.origin + url.pathname;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') cache.put(key, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(key);
      if (cached) return cached;
      throw error;
    }
  })());
});
