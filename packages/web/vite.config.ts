import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

// A static single-page build: nginx (compose) and `npm start` serve dist/ beside /ws and /api on one origin.
export default defineConfig({
  plugins: [svelte()],
  // Workspace packages are bundled from their TypeScript sources (the "source" export condition).
  resolve: { conditions: ["source", "browser", "module", "import", "default"] },
  build: { outDir: "dist", target: "es2022", sourcemap: true, emptyOutDir: true },
  server: {
    proxy: {
      "/ws": { target: "ws://127.0.0.1:8080", ws: true },
      "/api": "http://127.0.0.1:8080",
    },
  },
});
