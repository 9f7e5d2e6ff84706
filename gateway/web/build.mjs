// Builds the dashboard page into dist/ and the young people's mobile page into dist/m/ (src/m/, served at /m/):
// our files from src/ plus the libraries from node_modules
// (ECharts, the graphql-ws client). No bundler and no network: a copy is all the page needs.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "vendor"), { recursive: true });
cpSync(join(here, "src"), dist, { recursive: true });
cpSync(join(here, "node_modules/echarts/dist/echarts.min.js"), join(dist, "vendor/echarts.min.js"));
cpSync(join(here, "node_modules/graphql-ws/umd/graphql-ws.min.js"), join(dist, "vendor/graphql-ws.min.js"));

// Every file in src/sections/ is a section: list them so index.html loads each (add a file, get a section).
const sections = readdirSync(join(here, "src/sections")).filter((f) => f.endsWith(".js") && f !== "registry.js").sort();
writeFileSync(join(dist, "sections/index.json"), JSON.stringify(sections));
console.log(`dashboard built into ${dist} (${sections.length} section files), mobile page into ${join(dist, "m")}`);
