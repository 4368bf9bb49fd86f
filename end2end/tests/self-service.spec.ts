import { test, expect } from "./fixtures";
import { createRestaurant, daysAhead, unique } from "./helpers";
import { codeIn, mailTo, manageLink, textTo, uniqueEmail, uniquePhone } from "./inbox";

/// The calendar file a mail carries.
function calendarOf(mail: Awaited<ReturnType<typeof mailTo>>): string {
  const file = mail.attachments.find((a) => a.contentType.startsWith("text/calendar"));
  expect(file, "a calendar file").toBeDefined();
  return file!.content.toString("utf8");
}

test("a diner manages a booking from the link in its e-mails, and hears of each change", async ({ page, request }) => {
  const name = unique("Bistro Lien");
  const { id } = await createRestaurant(request, name, [2, 4]);
  const date = daysAhead(4);
  const email = uniqueEmail("ada");

  await page.goto(`/restaurants/${id}/slot?start=${date}T19:00&party_size=2`);
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByLabel("Phone").fill(uniquePhone());
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Reserve" }).click();
  await expect(page.locator(".status")).toHaveText("Confirmed");

  // The confirmation: a link to manage the booking, and a calendar event.
  const confirmation = await mailTo(email, new RegExp(`^Your table at ${name}`));
  expect(confirmation.text).toContain("Hello Ada Lovelace,");
  expect(calendarOf(confirmation)).toMatch(/METHOD:REQUEST[\s\S]*DTSTART:\d{8}T190000Z/);
  const link = manageLink(confirmation.text!);
  expect(confirmation.html).toContain(link);

  await page.goto(link);
  await expect(page.getByRole("heading", { name: `Your table at ${name}` })).toBeVisible();
  await expect(page.getByTestId("when")).toContainText("19:00");
  await page.getByRole("button", { name: "I'm coming" }).click();
  await expect(page.getByText("You told the restaurant you are coming.")).toBeVisible();

  // A later time and one more guest, as a new booking would be made.
  await page.getByLabel("Time").fill("20:00");
  await page.getByLabel("Party size").fill("3");
  await page.getByRole("button", { name: "Change reservation" }).click();
  await expect(page.getByTestId("when")).toContainText("20:00");
  await expect(page.getByTestId("party")).toHaveText("3 people");
  const change = await mailTo(email, /has changed/);
  expect(change.text).toContain("is now for 3 people");
  expect(calendarOf(change)).toMatch(/METHOD:REQUEST[\s\S]*DTSTART:\d{8}T200000Z/);
  expect(manageLink(change.text!)).toMatch(/^\/manage\//);

  // A time the restaurant does not open: said beside the field, nothing changed.
  await page.getByLabel("Time").fill("03:00");
  await page.getByRole("button", { name: "Change reservation" }).click();
  await expect(page.locator("#field-time-error")).not.toBeEmpty();
  await page.goto(link);
  await expect(page.getByTestId("when")).toContainText("20:00");

  await page.getByRole("button", { name: "Cancel reservation" }).click();
  await expect(page.locator(".status")).toHaveText("Cancelled");
  await expect(page.getByRole("button", { name: "Change reservation" })).toHaveCount(0);
  const cancellation = await mailTo(email, /is cancelled/);
  expect(calendarOf(cancellation)).toContain("METHOD:CANCEL");
});

test("a diner finds their reservations with a code sent by e-mail, then by text", async ({ page, request }) => {
  const name = unique("Chez Retrouvé");
  const { id } = await createRestaurant(request, name, [2]);
  const email = uniqueEmail("grace");
  const phone = uniquePhone();
  const booked = await request.post("/api/v1/reservations", {
    data: { restaurant_id: id, start: `${daysAhead(5)}T19:00`, party_size: 2, name: "Grace Hopper", phone, email },
  });
  expect(booked.status()).toBe(201);

  await page.goto("/reservations");
  await page.getByRole("link", { name: "Find my reservations" }).click();
  await expect(page.getByRole("heading", { name: "Find my reservations" })).toBeVisible();
  await page.getByLabel("Phone or email").fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText("a 6-digit code is on its way")).toBeVisible();
  // Nothing personal in the address.
  expect(page.url()).not.toContain("grace");

  const code = codeIn((await mailTo(email, /^Your code/)).text!);
  const wrong = code === "000000" ? "111111" : "000000";
  await page.getByLabel("Code").fill(wrong);
  await page.getByRole("button", { name: "Show my reservations" }).click();
  await expect(page.locator("#field-code-error")).toContainText("wrong or has expired");
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Show my reservations" }).click();
  const list = page.getByRole("list", { name: "Reservations" });
  await list.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name: `Your table at ${name}` })).toBeVisible();

  // Again, by phone: the code comes by text.
  await page.goto("/reservations/find");
  await page.getByRole("button", { name: "Use another phone or email" }).click();
  await page.getByLabel("Phone or email").fill(phone);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText("a 6-digit code is on its way")).toBeVisible();
  const text = await textTo(phone, /Your code/);
  await page.getByLabel("Code").fill(codeIn(text));
  await page.getByRole("button", { name: "Show my reservations" }).click();
  await expect(page.getByRole("list", { name: "Reservations" }).getByRole("link", { name })).toBeVisible();
});
