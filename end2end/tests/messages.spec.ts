import { test, expect } from "./fixtures";
import { daysAhead, ownRestaurant, unique } from "./helpers";

test("an owner sees what was sent to a guest, and what is still to go", async ({ page, request }) => {
  const { id, ownerKey } = await ownRestaurant(page, unique("Chez Messages"));
  const auth = { Authorization: `Bearer ${ownerKey}` };
  await request.post(`/api/v1/restaurants/${id}/tables`, { headers: auth, data: { tables: [{ capacity: 4 }] } });
  const booked = await request.post("/api/v1/reservations", {
    data: {
      restaurant_id: id, start: `${daysAhead(3)}T19:00`, party_size: 2,
      name: "Ada Lovelace", phone: "+44 20 7946 0958", email: "ada@example.com",
    },
  });
  expect(booked.status()).toBe(201);

  await page.getByRole("navigation", { name: "Restaurant" }).getByRole("link", { name: "Messages" }).click();
  await expect(page).toHaveTitle(/Messages/);
  const list = page.getByRole("table", { name: "Messages" });
  const confirmation = list.getByRole("row", { name: /Confirmation/ });
  await expect(confirmation).toContainText("ada@example.com");
  await expect(confirmation).toContainText("E-mail");
  // The worker hands it to the tests' mail server within a second or two.
  await expect(async () => {
    await page.reload();
    await expect(confirmation).toContainText(/Sent \d\d:\d\d/, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  // The reminders wait for their time: by text and by e-mail, a day before.
  const reminders = list.getByRole("row", { name: /Reminder/ });
  await expect(reminders).toHaveCount(2);
  await expect(reminders.first()).toContainText("Goes out");
});
