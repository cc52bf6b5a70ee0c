// Parley's service worker (served at /sw.js by the server, which fills in BUILD and ASSETS for
// the build it serves).
//
// - This build's bundles, icons and manifest are cached when it installs, and any other
//   content-hashed bundle the first time it is loaded: cache first (their names change with
//   their content).
// - Pages always come from the network. The chat list and the log-in and sign-up pages are
//   kept, one copy each, for when the network is gone: then the last copy is shown, marked
//   `data-offline` so the page says it is offline. Other pages get a short offline notice.
// - Caches carry the build in their names. A new build installs, takes over at once, deletes
//   the old build's caches and tells open pages its build, which offer to reload when theirs
//   is older. Pages from an older build are never served once a newer one has taken over.
// - Signing in, up or out forgets the kept pages (they hold one person's chats); after signing
//   in or up, the chat list is fetched once more and kept.
// - The admin console, the API, media and the WebSocket are left alone.

const BUILD = "__PARLEY_BUILD__";
const ASSETS = __PARLEY_ASSETS__;
const PREFIX = "parley-";
const ASSET_CACHE = `${PREFIX}assets-${BUILD}`;
const PAGE_CACHE = `${PREFIX}pages-${BUILD}`;
/** The pages kept for offline use. */
const KEPT_PAGES = ["/", "/login", "/signup"];
/** API calls after which the kept pages belong to someone else, or to nobody. */
const SESSION_CALLS = ["/api/log_in", "/api/log_out", "/api/sign_up"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(ASSET_CACHE);
      await cache.addAll(ASSETS);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== ASSET_CACHE && name !== PAGE_CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
      const windows = await self.clients.matchAll({ type: "window" });
      for (const client of windows) {
        client.postMessage({ type: "parley-build", build: BUILD });
      }
      // The page open when Parley was first installed came from the network before this worker
      // existed: keep a copy of it now.
      for (const client of windows) {
        const path = new URL(client.url).pathname;
        if (KEPT_PAGES.includes(path)) {
          await refresh(path).catch(() => {});
        }
      }
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/admin")) {
    return;
  }
  if (request.method !== "GET") {
    if (request.method === "POST" && SESSION_CALLS.includes(url.pathname)) {
      event.respondWith(session(event, request, url.pathname));
    }
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event, request, url.pathname));
  } else if (url.pathname.startsWith("/pkg/") || ASSETS.includes(url.pathname)) {
    event.respondWith(asset(request, url.pathname));
  }
});

/** A page from the network; the kept copy (or an offline notice) when the network fails. */
async function page(event, request, path) {
  const kept = KEPT_PAGES.includes(path);
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    const copy = kept ? await offlineCopy(path) : undefined;
    return copy || offlineNotice();
  }
  if (kept) {
    event.waitUntil(keep(path, response.clone()).catch(() => {}));
  }
  return response;
}

/** Signing in, up or out: the kept pages were someone else's (or are nobody's now); once
 * signed in, the chat list the app opens on is kept at once. */
async function session(event, request, path) {
  await caches.delete(PAGE_CACHE);
  const response = await fetch(request);
  if (response.ok && path !== "/api/log_out") {
    event.waitUntil(refresh("/").catch(() => {}));
  }
  return response;
}

/** Keeps `response` as the offline copy of `path`, or drops the copy when it is not the page. */
async function keep(path, response) {
  const cache = await caches.open(PAGE_CACHE);
  const html = (response.headers.get("content-type") || "").startsWith("text/html");
  if (response.status === 200 && !response.redirected && response.type === "basic" && html) {
    await cache.put(path, response);
  } else {
    // Signed out (the chat list answers with a redirect), or an error page.
    await cache.delete(path);
  }
}

/** Fetches `path` again and keeps it. */
async function refresh(path) {
  const response = await fetch(path, { credentials: "same-origin", redirect: "manual" });
  await keep(path, response);
}

/** The kept copy of `path`, marked so the page shows that it is offline. */
async function offlineCopy(path) {
  const cache = await caches.open(PAGE_CACHE);
  const copy = await cache.match(path);
  if (!copy) {
    return undefined;
  }
  const html = (await copy.text()).replace("<html", "<html data-offline");
  const headers = new Headers(copy.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  return new Response(html, { status: 200, headers });
}

/** A short page for a page that was never kept, in both of Parley's languages. */
function offlineNotice() {
  const html =
    '<!DOCTYPE html><html lang="en" data-offline><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Parley</title></head><body>" +
    '<main role="alert" style="font-family: sans-serif; padding: 2rem; text-align: center">' +
    "<h1>You are offline</h1><p>This page needs the network.</p>" +
    "<h1 lang=\"zh\">你已离线</h1><p lang=\"zh\">此页面需要网络。</p>" +
    '<p><a href="/">Chats · 聊天</a></p></main></body></html>';
  return new Response(html, {
    status: 503,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

/** A bundle or public file: from the cache when there, else from the network (and kept when its
 * name carries its content's hash or it belongs to this build). */
async function asset(request, path) {
  const cache = await caches.open(ASSET_CACHE);
  const hit = await cache.match(request);
  if (hit) {
    return hit;
  }
  const response = await fetch(request);
  const hashed = /\.[0-9a-zA-Z_-]{8,}\.(js|wasm|css)$/.test(path);
  if (response.status === 200 && (hashed || ASSETS.includes(path))) {
    await cache.put(request, response.clone()).catch(() => {});
  }
  return response;
}
