import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
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
