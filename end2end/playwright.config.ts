import { defineConfig } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { baseURL, dataDir, mailDir, port, root, smsAccount, smsPort, smsToken, smsURL, smtpPort } from "./harness";

// scripts/test.sh sets these: a free port (the mail and SMS servers take the
// next two), a throwaway data directory and the freshly built server and
// site. Run by hand, the defaults use the debug build.
const server = process.env.COVERS_E2E_SERVER ?? path.join(root, "target/debug/covers");
const siteRoot = process.env.COVERS_E2E_SITE_ROOT ?? path.join(root, "target/site");
const python = process.env.COVERS_TEST_PYTHON ?? "/usr/bin/python3";
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
  webServer: [
  {
    // A real SMTP server: what Covers sends lands in a Maildir the tests read.
    command: `"${python}" -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox "${mailDir}"`,
    port: smtpPort,
    reuseExistingServer: false,
    timeout: 30_000,
  },
  {
    // The SMS provider's API, served locally.
    command: `node "${path.join(__dirname, "servers/sms-provider.mjs")}" ${smsPort} ${smsAccount} ${smsToken}`,
    url: `${smsURL}/texts`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
  {
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
        "client=100000/minute,booking=100000/hour,new_restaurant=100000/day,lookup=100000/hour,guess_client=100000/hour",
      // Every instance on one PostgreSQL database shares a secret; on SQLite
      // Covers makes its own beside the database file.
      ...(process.env.COVERS_E2E_DATABASE_URL
        ? { COVERS_SECRET: "covers end-to-end tests: a secret of 32+ characters" }
        : {}),
      // Messages go to the tests' own mail server and SMS provider.
      COVERS_PUBLIC_URL: baseURL,
      COVERS_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      COVERS_MAIL_FROM: "Covers <covers@example.com>",
      COVERS_SMS_URL: smsURL,
      COVERS_SMS_ACCOUNT: smsAccount,
      COVERS_SMS_TOKEN: smsToken,
      COVERS_SMS_FROM: "+15005550006",
    },
  },
  ],
});
