// Builds the terminal into the Python package (src/quintex/web/static), which `quintex serve` serves at /.
// Two entries: the page, and the signing module on its own (its exports kept by name) so that the
// test suite can run the very file the browser loads under node (tests/web/test_signing.py).
import { resolve } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  build: {
    outDir: resolve(__dirname, "../src/quintex/web/static"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      input: { index: resolve(__dirname, "index.html"), sign: resolve(__dirname, "src/okx/sign.ts") },
      preserveEntrySignatures: "strict",
    },
  },
  server: {
    // `npm run dev` against a `quintex serve` on the default port
    proxy: {
      "/api": "http://127.0.0.1:8080",
      "/admin": "http://127.0.0.1:8080",
      "/ws": { target: "ws://127.0.0.1:8080", ws: true },
    },
  },
});
