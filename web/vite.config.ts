import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";
import { viteStaticCopy } from "vite-plugin-static-copy";
import { defineConfig } from "vitest/config";

// The backend (`socketspace serve`) listens here; `npm run dev` proxies the API and the socket to it.
const BACKEND = process.env.SOCKETSPACE_BACKEND ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    // The emoji picker's data, served by us at /emoji/en/ (frimousse's emojibaseUrl), not by a CDN.
    viteStaticCopy({
      targets: [{ src: "node_modules/emojibase-data/en/{data,messages}.json", dest: "emoji/en" }],
    }),
    // An installable app: a manifest, icons, and a Workbox service worker that keeps the app
    // shell (index.html and the hashed assets) so the app opens at once, and offline. API
    // answers, the socket and pictures always go to the network.
    VitePWA({
      registerType: "autoUpdate",
      // A <script src="/registerSW.js">: an inline script would need the page's nonce.
      injectRegister: "script-defer",
      manifest: {
        name: "SocketSpace",
        short_name: "SocketSpace",
        description: "Self-hosted real-time chat.",
        start_url: "/chat",
        scope: "/",
        display: "standalone",
        background_color: "#6d5cf6",
        theme_color: "#6d5cf6",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["index.html", "assets/*.{js,css}", "favicon.svg", "icons/*.png"],
        // No navigateFallback: it would answer every page load with the precached index.html,
        // whose CSP nonce is the one of the day it was cached (the server writes a fresh one
        // into every page it serves, api/web.py). Pages come from the network; the kept shell
        // only when the network fails or hangs (offline start).
        navigateFallback: null,
        runtimeCaching: [
          {
            // Copied into the worker as source: it can name nothing outside itself. The paths
            // are those the server answers itself; any other is one of the client's own pages.
            urlPattern: ({ request, url }) =>
              request.mode === "navigate" && !/^\/(api(\/|$)|socket\.io\/|media\/|emoji\/|metrics)/.test(url.pathname),
            handler: "NetworkFirst",
            options: {
              cacheName: "pages",
              networkTimeoutSeconds: 3,
              // Nothing kept per page: a copy of each page visited would outlive the deploy
              // whose hashed assets it names (cleanupOutdatedCaches removes them), and list
              // the chats opened. The precached shell, of the same deploy as the assets, is
              // the one fallback.
              plugins: [{ cacheWillUpdate: async () => null }],
              precacheFallback: { fallbackURL: "/index.html" },
            },
          },
        ],
        cleanupOutdatedCaches: true,
        // A new version takes over the open tabs at once (their next page load is new).
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  // The server puts a fresh nonce here in every page it serves (src/socketspace/api/shield.py),
  // and names it in the Content-Security-Policy; Vite adds <meta property="csp-nonce">.
  html: { cspNonce: "__CSP_NONCE__" },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: BACKEND, changeOrigin: false },
      "/socket.io": { target: BACKEND, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: true,
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
