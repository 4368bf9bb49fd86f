// What Covers sent during the tests: the mails in the test SMTP server's
// Maildir and the texts the local SMS provider was given.
import fs from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { simpleParser, type ParsedMail } from "mailparser";
import { mailDir, smsURL } from "../harness";

/// A unique address at example.com, so tests running side by side do not see each other's mail.
export function uniqueEmail(name: string): string {
  return `${name}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}@example.com`;
}

/// A unique phone number (a UK London number with random digits).
export function uniquePhone(): string {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
  return `+44 20 ${digits.slice(0, 4)} ${digits.slice(4)}`;
}

async function mailsTo(address: string): Promise<ParsedMail[]> {
  const dir = path.join(mailDir, "new");
  if (!fs.existsSync(dir)) return [];
  const mails = await Promise.all(
    fs.readdirSync(dir).map((name) => simpleParser(fs.readFileSync(path.join(dir, name)))),
  );
  return mails
    .filter((m) => [m.to].flat().some((to) => to?.value.some((v) => v.address === address)))
    .sort((a, b) => (a.date?.getTime() ?? 0) - (b.date?.getTime() ?? 0));
}

/// The mail to `address` whose subject matches, once it has arrived.
export async function mailTo(address: string, subject: RegExp): Promise<ParsedMail> {
  let found: ParsedMail | undefined;
  await expect(async () => {
    found = (await mailsTo(address)).find((m) => subject.test(m.subject ?? ""));
    expect(found, `a mail to ${address} about ${subject}`).toBeDefined();
  }).toPass({ timeout: 20_000 });
  return found!;
}

/// The texts sent to `number` (compared by its digits), oldest first.
async function textsTo(number: string): Promise<string[]> {
  const digits = (n: string) => n.replace(/[^0-9]/g, "");
  const texts: { to: string; body: string }[] = await (await fetch(`${smsURL}/texts`)).json();
  return texts.filter((t) => digits(t.to) === digits(number)).map((t) => t.body);
}

/// The text to `number` that matches, once it has arrived.
export async function textTo(number: string, body: RegExp): Promise<string> {
  let found: string | undefined;
  await expect(async () => {
    found = (await textsTo(number)).find((t) => body.test(t));
    expect(found, `a text to ${number} matching ${body}`).toBeDefined();
  }).toPass({ timeout: 20_000 });
  return found!;
}

/// The manage link in a message, as a path on this site.
export function manageLink(text: string): string {
  const link = text.match(/https?:\/\/[^\s"<>]+\/manage\/[A-Za-z0-9_.-]+/);
  expect(link, `a manage link in ${text}`).not.toBeNull();
  return new URL(link![0]).pathname;
}

/// The 6-digit code in a message.
export function codeIn(text: string): string {
  const code = text.match(/\b(\d{6})\b/);
  expect(code, `a code in ${text}`).not.toBeNull();
  return code![1];
}
