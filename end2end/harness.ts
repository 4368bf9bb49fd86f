// Where the end-to-end tests' servers are: Covers, a real SMTP server
// (Debian's aiosmtpd, writing what it receives into a Maildir) and a local
// server speaking the SMS provider's API. scripts/test.sh sets the port and
// data directory; the configuration and the tests read them from here.
import path from "node:path";

export const root = path.resolve(__dirname, "..");
export const port = Number(process.env.COVERS_E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;
export const dataDir = process.env.COVERS_E2E_DATA_DIR ?? path.join(root, "target/e2e-data");
/// The SMTP server's port and the Maildir it writes to.
export const smtpPort = port + 1;
export const mailDir = path.join(dataDir, "mail");
/// The SMS provider's port, and the account Covers uses there.
export const smsPort = port + 2;
export const smsURL = `http://127.0.0.1:${smsPort}`;
export const smsAccount = "AC00000000000000000000000000e2e0";
export const smsToken = "end-to-end-token";
