import { defineConfig } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

// scripts/test.sh sets these: a free port, a throwaway data directory and the
// freshly built server and site. Run by hand, the defaults use the debug build.
const root = path.resolve(__dirname, "..");
const port = Number(process.env.COVERS_E2E_PORT ?? 3100);
const server = process.env.COVERS_E2E_SERVER ?? path.join(root, "target/debug/covers");
const siteRoot = process.env.COVERS_E2E_SITE_ROOT ?? path.join(root, "target/site");
const dataDir = process.env.COVERS_E2E_DATA_DIR ?? path.join(root, "target/e2e-data");
const baseURL = `http://127.0.0.1:${port}`;
fs.mkdirSync(dataDir, { recursive: true });

export default defineConfig({
  testDir: "./tests",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium; the flags keep it off the network.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "hydrated", use: { javaScriptEnabled: true } },
    // The same tests with JavaScript off: pages must work before (or without)
    // the WebAssembly. Tests tagged @needs-js exercise the hydrated page only.
    { name: "no-js", use: { javaScriptEnabled: false }, grepInvert: /@needs-js/ },
  ],
  webServer: {
    command: `"${server}"`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    cwd: dataDir,
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      // SQLite in the data directory, unless a PostgreSQL database is given.
      DATABASE_URL: process.env.COVERS_E2E_DATABASE_URL ?? `sqlite:${path.join(dataDir, "covers-e2e.db")}`,
      RUST_LOG: "warn",
      // Every test's restaurants, bookings and deliberately wrong keys and
      // codes come from one address: far more than one person's budgets.
      // The limits per restaurant and per guessed reservation or key stay.
      COVERS_RATE_LIMITS:
        "client=100000/minute,booking=100000/hour,new_restaurant=100000/day,guess_client=100000/hour",
      // Every instance on one PostgreSQL database shares a secret; on SQLite
      // Covers makes its own beside the database file.
      ...(process.env.COVERS_E2E_DATABASE_URL
        ? { COVERS_SECRET: "covers end-to-end tests: a secret of 32+ characters" }
        : {}),
    },
  },
});
