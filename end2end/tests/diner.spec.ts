import { test, expect } from "./fixtures";
import { createRestaurant, daysAhead, unique } from "./helpers";

test("a diner sees the times, reserves a table, finds it again and cancels it", async ({ page, request }) => {
  const name = unique("Trattoria Diner");
  const { id } = await createRestaurant(request, name, [2, 4]);
  const date = daysAhead(3);

  await page.goto(`/restaurants/${id}`);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await page.getByLabel("Date").fill(date);
  await page.getByLabel("Party size").selectOption("3");
  await page.getByRole("button", { name: "Show times" }).click();
  await expect(page).toHaveURL(new RegExp(`date=${date}`));

  // Every slot by table: 12:00–21:00, two tables.
  const grid = page.getByRole("table");
  await expect(grid.locator("tbody tr")).toHaveCount(10);
  await expect(grid.getByRole("columnheader", { name: "T2 (4 seats)" })).toBeVisible();

  const times = page.getByRole("list", { name: "Available times" });
  // The times for three, not those shown before the choice.
  await expect(times.getByRole("link", { name: "19:00" })).toHaveAttribute("href", /party_size=3/);
  await expect(times.getByRole("link")).toHaveCount(10);
  await times.getByRole("link", { name: "19:00" }).click();

  await expect(page.getByRole("heading", { name: "Reserve a table" })).toBeVisible();
  await expect(page.getByText("3 people")).toBeVisible();
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByLabel("Phone").fill("+44 20 7946 0958");
  await page.getByLabel("Notes").fill("Vegetarian, a birthday");
  await page.getByRole("button", { name: "Reserve" }).click();

  await expect(page.locator(".status")).toHaveText("Confirmed");
  const code = await page.getByTestId("confirmation-code").textContent();
  expect(code).toMatch(/^[0-9A-Z]{10}$/);
  await expect(page.getByText("T2 (4 seats)")).toBeVisible();
  await expect(page.getByText("Vegetarian, a birthday")).toBeVisible();
  const reservationUrl = page.url();

  // The slot grid now shows T2 taken at 19:00.
  await page.goto(`/restaurants/${id}?date=${date}&party_size=3`);
  const seven = page.getByRole("row", { name: /^19:00/ });
  await expect(seven.getByRole("cell").nth(1)).toHaveText("Taken");
  await expect(page.getByRole("list", { name: "Available times" }).getByRole("link", { name: "19:00" })).toHaveCount(0);

  // My reservations lists it.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My reservations" }).click();
  await expect(page.getByRole("list", { name: "Reservations" }).getByRole("link", { name })).toBeVisible();

  await page.goto(reservationUrl);
  await page.getByRole("button", { name: "Cancel reservation" }).click();
  await expect(page.locator(".status")).toHaveText("Cancelled");
  await expect(page.getByRole("button", { name: "Cancel reservation" })).toHaveCount(0);

  // The table is free again.
  await page.goto(`/restaurants/${id}?date=${date}&party_size=3`);
  await expect(page.getByRole("list", { name: "Available times" }).getByRole("link", { name: "19:00" })).toBeVisible();
});

test("a reservation is found from another browser with its number and code", async ({ page, request, browser, javaScriptEnabled }) => {
  const { id } = await createRestaurant(request, unique("Osteria Found"), [2]);
  const made = await request.post("/api/v1/reservations", {
    data: { restaurant_id: id, start: `${daysAhead(4)}T13:00`, party_size: 2, name: "Grace", phone: "0612345678" },
  });
  expect(made.status()).toBe(201);
  const { id: reservationId, code } = await made.json();

  await page.goto("/reservations");
  await expect(page.getByText("No reservation is kept in this browser yet.")).toBeVisible();
  await page.getByLabel("Reservation number").fill(reservationId);
  await page.getByLabel("Confirmation code").fill("WRONGCODE1");
  await page.getByRole("button", { name: "Find reservation" }).click();
  await expect(page.locator("#field-code-error")).toContainText("no reservation has this number and code");
  await expect(page.getByLabel("Reservation number")).toHaveValue(reservationId);
  await page.getByLabel("Confirmation code").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Find reservation" }).click();
  await expect(page.locator(".status")).toHaveText("Confirmed");
  await expect(page.getByTestId("confirmation-code")).toHaveText(code);

  // A browser without the code sees nothing of it.
  const other = await browser.newContext({ javaScriptEnabled });
  const stranger = await other.newPage();
  const response = await stranger.goto(`/reservations/${reservationId}`);
  expect(response?.status()).toBe(404);
  await expect(stranger.getByText("Grace")).toHaveCount(0);
  await other.close();
});

test("bad details are shown beside the fields and nothing typed is lost", async ({ page, request }) => {
  const { id } = await createRestaurant(request, unique("Brasserie Check"), [2]);
  await page.goto(`/restaurants/${id}/slot?start=${daysAhead(5)}T20:00&party_size=2`);
  await page.getByLabel("Name").fill("Alan Turing");
  await page.getByLabel("Phone").fill("not a phone");
  await page.getByLabel("Notes").fill("Quiet table");
  await page.getByRole("button", { name: "Reserve" }).click();
  await expect(page.locator("#field-phone-error")).toContainText("phone number");
  await expect(page.getByLabel("Name")).toHaveValue("Alan Turing");
  await expect(page.getByLabel("Notes")).toHaveValue("Quiet table");
  const check = await request.get(`/api/v1/restaurants/${id}/slots?date=${daysAhead(5)}`);
  const slots = (await check.json()).slots;
  expect(slots.every((s: any) => s.tables.every((t: any) => t.available))).toBe(true);
});

test("a slot taken meanwhile says so and offers the other free times", async ({ page, request }) => {
  const { id } = await createRestaurant(request, unique("Taverna Busy"), [2]);
  const date = daysAhead(6);
  await page.goto(`/restaurants/${id}/slot?start=${date}T19:00&party_size=2`);
  await expect(page.getByRole("button", { name: "Reserve" })).toBeVisible();
  // Someone else books the only table first.
  const other = await request.post("/api/v1/reservations", {
    data: { restaurant_id: id, start: `${date}T19:00`, party_size: 2, name: "Quick", phone: "0612345678" },
  });
  expect(other.status()).toBe(201);
  await page.getByLabel("Name").fill("Slow Diner");
  await page.getByLabel("Phone").fill("0698765432");
  await page.getByRole("button", { name: "Reserve" }).click();
  await expect(page.getByRole("alert")).toContainText("no table for 2 is free");
  const others = page.getByRole("list", { name: "Other times" });
  await expect(others.getByRole("link", { name: "18:00" })).toBeVisible();
  await expect(others.getByRole("link", { name: "20:00" })).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("Slow Diner");
  await others.getByRole("link", { name: "20:00" }).click();
  await expect(page.getByText(/at 20:00/)).toBeVisible();
});
