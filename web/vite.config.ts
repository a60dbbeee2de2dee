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
        navigateFallback: "/index.html",
        // Only the client's own pages; everything the server answers itself goes to it.
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/socket\.io\//, /^\/media\//, /^\/emoji\//, /^\/metrics/],
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
