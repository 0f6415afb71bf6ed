// Leerkring's service worker: keeps the app shell and the client's files in the browser so
// that a board page comes up, and keeps its local edits, while the network is away.
//
// - Install: precaches `/` (the app shell, which serves every page of the client) and the
//   hashed files under /assets/. The server replaces the placeholder below with their list
//   (server/src/assets/), so a new build is a new service worker with a new cache.
// - /assets/*: cache first (their names change with their content).
// - Page loads: network first, the cached shell when offline or after NETWORK_WAIT_MS.
// - /api/ and /ws/ are never cached; other origins are never touched.
'use strict';

const LISTED = self.__LEERKRING_ASSETS__;
const PRECACHE = Array.isArray(LISTED) ? LISTED : ['/'];
const CACHE_PREFIX = 'leerkring-shell-';
const CACHE = CACHE_PREFIX + fnv1a(PRECACHE.join('\n'));
const SHELL = '/';
// How long a page load waits for the server before the cached shell is shown instead.
const NETWORK_WAIT_MS = 4000;

function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws/')) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(page(event));
  }
});

async function cacheFirst(request) {
  // Any of our caches will do: a hashed URL always names the same bytes.
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function page(event) {
  const cache = await caches.open(CACHE);
  const network = fetch(event.request).then(async (response) => {
    const html = (response.headers.get('Content-Type') || '').startsWith('text/html');
    if (response.ok && html && !response.redirected) {
      await cache.put(SHELL, response.clone());
    }
    return response;
  });
  // Keep the worker alive until the shell is stored, even when the cached one was shown.
  event.waitUntil(network.catch(() => undefined));
  let timer;
  const slow = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('network too slow')), NETWORK_WAIT_MS);
  });
  try {
    return await Promise.race([network, slow]);
  } catch (error) {
    const shell = await cache.match(SHELL, { ignoreVary: true })
      || await caches.match(SHELL, { ignoreVary: true });
    // No shell stored yet: keep waiting for the network (or pass on its error).
    return shell || network;
  } finally {
    clearTimeout(timer);
  }
}
