/**
 * Builds the explorer's page (explorer/app) into static files with Vite: Preact and every module bundled,
 * no CDN, so the page loads nothing but its own files. A build takes a few seconds; `./optio explorer`
 * runs it at each start so the page is never stale.
 */
import { fileURLToPath } from "node:url";
import { build } from "vite";

export const APP_DIR = fileURLToPath(new URL("./app/", import.meta.url));

export async function buildExplorer(outDir: string): Promise<void> {
  await build({
    root: APP_DIR,
    base: "./",
    configFile: false,
    logLevel: "warn",
    // Preact's automatic JSX runtime; Vite's own transformer (oxc) does it, no Babel plugin needed.
    oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
    resolve: { alias: { react: "preact/compat", "react-dom": "preact/compat" } },
    build: {
      outDir,
      emptyOutDir: true,
      target: "es2022",
      sourcemap: false,
      // One module graph, small: inline nothing as data URLs (the CSP allows data: images only).
      assetsInlineLimit: 0,
      reportCompressedSize: false,
    },
  });
}
