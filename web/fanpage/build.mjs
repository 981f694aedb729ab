// Builds the fan page into server/fanpage/static/, the folder the server serves (committed,
// so a server install needs no Node). One bundle for our code plus the Socket.IO client;
// hls.js is copied beside it and loaded only by browsers without native HLS.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// `node build.mjs DIR` builds elsewhere: the test that checks the committed build is current.
const out = process.argv[2] ? resolve(process.argv[2]) : join(here, "..", "..", "server", "fanpage", "static");
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, "src", "main.ts")],
  outfile: join(out, "app.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019", "chrome70", "safari12", "firefox68"],
  legalComments: "none",
  logLevel: "warning",
});
await build({
  entryPoints: [join(here, "src", "app.css")],
  outfile: join(out, "app.css"),
  bundle: true,
  minify: true,
  logLevel: "warning",
});
copyFileSync(join(here, "node_modules", "hls.js", "dist", "hls.light.min.js"), join(out, "hls.light.min.js"));
for (const page of ["index.html", "404.html"]) {
  // Collapse the indentation: the shell is sent on every visit.
  const text = readFileSync(join(here, "src", page), "utf8").replace(/\n\s+/g, "\n");
  writeFileSync(join(out, page), text);
}

const gz = (name) => gzipSync(readFileSync(join(out, name)), { level: 9 }).length;
const shell = ["index.html", "app.css", "app.js"].reduce((sum, name) => sum + gz(name), 0);
console.log(`page ${(shell / 1024).toFixed(1)} KB gzipped; hls.js ${(gz("hls.light.min.js") / 1024).toFixed(1)} KB when needed`);
