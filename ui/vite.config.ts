// Builds the window into ui/dist, which the app embeds (tauri.conf.json `frontendDist`).
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Relative asset paths: the app serves the files from its own protocol, not from a web root.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.40+ (Debian 12) and WebView2 run modern JavaScript; no legacy bundle.
    target: "es2022",
    // Files, not data: URLs, which the window's content security policy refuses.
    assetsInlineLimit: 0,
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
