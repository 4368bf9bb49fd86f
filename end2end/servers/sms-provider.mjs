// A local server speaking the SMS provider's API (Twilio's Messages API) for
// the end-to-end tests: it checks the account's credentials, keeps every text
// it is given, and lists them at GET /texts for the tests to read.
//
//   node servers/sms-provider.mjs <port> <account> <token>

import http from "node:http";
import { randomBytes } from "node:crypto";

const [port, account, token] = process.argv.slice(2);
const texts = [];
const expected = "Basic " + Buffer.from(`${account}:${token}`).toString("base64");

function answer(response, status, body) {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, "http://localhost");
  if (request.method === "GET" && url.pathname === "/texts") {
    return answer(response, 200, texts);
  }
  if (request.method !== "POST" || url.pathname !== `/2010-04-01/Accounts/${account}/Messages.json`) {
    return answer(response, 404, { code: 20404, message: "The requested resource was not found", status: 404 });
  }
  if (request.headers.authorization !== expected) {
    return answer(response, 401, { code: 20003, message: "Authenticate", status: 401 });
  }
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    const form = new URLSearchParams(body);
    const [to, from, text] = [form.get("To"), form.get("From"), form.get("Body")];
    if (!to || !from || !text) {
      return answer(response, 400, { code: 21604, message: "A 'To', 'From' and 'Body' are required", status: 400 });
    }
    const sid = "SM" + randomBytes(16).toString("hex");
    texts.push({ sid, to, from, body: text });
    answer(response, 201, { sid, to, from, body: text, status: "queued", account_sid: account });
  });
});

server.listen(Number(port), "127.0.0.1");
