import { test, expect } from "./fixtures";
import { daysAhead, ownRestaurant, unique } from "./helpers";

test("a party of six is seated at two tables pushed together", async ({ page, request }) => {
  const name = unique("Joined Tables");
  const created = await request.post("/api/v1/restaurants", {
    data: { name, phone: "+33 1 23 45 67 89", city: "Testville", timezone: "UTC" },
  });
  const { id, owner_key } = await created.json();
  const tables = await request.post(`/api/v1/restaurants/${id}/tables`, {
    headers: { Authorization: `Bearer ${owner_key}` },
    data: {
      tables: [
        { capacity: 2, label: "A", join_group: "window" },
        { capacity: 4, label: "B", join_group: "window" },
        { capacity: 3, label: "C" },
      ],
    },
  });
  expect(tables.status()).toBe(201);
  const date = daysAhead(3);

  await page.goto(`/restaurants/${id}`);
  await page.getByLabel("Date").fill(date);
  await page.getByLabel("Party size").selectOption("6");
  await page.getByRole("button", { name: "Show times" }).click();
  const times = page.getByRole("list", { name: "Available times" });
  // The times for six, not those shown before the choice (the page keeps
  // them on screen, inert, until the new ones have come).
  await expect(times.getByRole("link", { name: "19:00" })).toHaveAttribute("href", /party_size=6/);
  await expect(times.getByRole("link")).toHaveCount(10);
  await times.getByRole("link", { name: "19:00" }).click();

  await expect(page.getByText("6 people")).toBeVisible();
  await expect(page.getByText("Tables A + B, pushed together for your party")).toBeVisible();
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Phone").fill("+1 212 555 0100");
  await page.getByRole("button", { name: "Reserve" }).click();

  await expect(page.locator(".status")).toHaveText("Confirmed");
  await expect(page.getByText("A (2 seats)")).toBeVisible();
  await expect(page.getByText("B (4 seats)")).toBeVisible();

  // Both tables are now held at 19:00: a second party of six finds 19:00 gone.
  await page.goto(`/restaurants/${id}?date=${date}&party_size=6`);
  await expect(times.getByRole("link", { name: "19:00" })).toHaveCount(0);
  await expect(times.getByRole("link", { name: "20:00" })).toBeVisible();
});

/// Creates a restaurant through the page, so this browser holds its owner key.
test("an owner lays out joinable tables and sets the booking rules", async ({ page }) => {
  const { id } = await ownRestaurant(page, unique("Chez Rules"));
  await page.getByLabel("Seats", { exact: true }).fill("2");
  await page.getByLabel("Label", { exact: true }).fill("W1");
  await page.getByLabel("Join group", { exact: true }).fill("window");
  await page.getByRole("button", { name: "Add table" }).click();
  const list = page.getByRole("table", { name: "Tables" });
  await expect(list.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Seats", { exact: true }).fill("4");
  await page.getByLabel("Label", { exact: true }).fill("W2");
  await page.getByLabel("Join group", { exact: true }).fill("window");
  await page.getByRole("button", { name: "Add table" }).click();
  await expect(list.getByRole("row")).toHaveCount(3);
  await page.getByLabel("Seats", { exact: true }).fill("2");
  await page.getByLabel("Label", { exact: true }).fill("Bar");
  await page.getByLabel("Keep for walk-ins (never offered online)").check();
  await page.getByRole("button", { name: "Add table" }).click();
  await expect(list.getByRole("row")).toHaveCount(4);
  await expect(list.getByRole("row", { name: /^Bar/ })).toContainText("Walk-ins only");
  await expect(list.getByRole("row", { name: /^W2/ })).toContainText("window");

  await page.getByRole("navigation", { name: "Restaurant" }).getByRole("link", { name: "Booking rules" }).click();
  await expect(page.getByLabel("A slot every (minutes)")).toHaveValue("60");
  for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]) {
    await page.getByLabel(day).fill("12:00–14:00, 18:00–22:00");
  }
  await page.getByLabel("A slot every (minutes)").fill("30");
  await page.getByLabel("Closed dates").fill(daysAhead(3));
  // A mistake first: it is named beside its field and nothing is saved.
  await page.getByLabel("Monday").fill("noon till late");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.locator("#hours-mon-error")).toContainText("write periods like 12:00–15:00");
  await expect(page.getByLabel("A slot every (minutes)")).toHaveValue("30");
  await page.getByLabel("Monday").fill("12:00–14:00, 18:00–22:00");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.locator("#hours-mon-error")).toBeEmpty();
  await expect(page.getByLabel("Tuesday")).toHaveValue("12:00–14:00, 18:00–22:00");

  // Guests see the new grid: closed on the closed date, lunch and dinner every half hour.
  await page.goto(`/restaurants/${id}?date=${daysAhead(3)}&party_size=2`);
  await expect(page.getByText("The restaurant is closed on this date.")).toBeVisible();
  await page.goto(`/restaurants/${id}?date=${daysAhead(4)}&party_size=6`);
  const times = page.getByRole("list", { name: "Available times" });
  await expect(times.getByRole("link", { name: "12:00" })).toBeVisible();
  await expect(times.getByRole("link", { name: "18:30" })).toBeVisible();
  await expect(times.getByRole("link", { name: "13:30" })).toHaveCount(0);
  await expect(times.getByRole("link", { name: "21:00" })).toBeVisible();
  await expect(times.getByRole("link")).toHaveCount(10);
});

test("an owner runs the day: seats guests, sees the history and why a time is full", async ({ page, request }) => {
  const { id, ownerKey } = await ownRestaurant(page, unique("Chez Service"));
  const auth = { Authorization: `Bearer ${ownerKey}` };
  await request.post(`/api/v1/restaurants/${id}/tables`, { headers: auth, data: { tables: [{ capacity: 4, label: "T1" }] } });
  const date = daysAhead(2);
  const booked = await request.post("/api/v1/reservations", {
    data: { restaurant_id: id, start: `${date}T19:00`, party_size: 3, name: "Ada Lovelace", phone: "0612345678", notes: "Birthday" },
  });
  expect(booked.status()).toBe(201);

  await page.getByRole("navigation", { name: "Restaurant" }).getByRole("link", { name: "Reservations" }).click();
  await page.getByLabel("Day", { exact: true }).fill(date);
  await page.getByRole("button", { name: "Show" }).click();
  const list = page.getByRole("table", { name: "Reservations" });
  const row = list.getByRole("row", { name: /Ada Lovelace/ });
  await expect(row).toContainText("19:00–20:00");
  await expect(row).toContainText("3 people");
  await expect(row).toContainText("Confirmed");

  // Why guests cannot book 19:00 any more.
  const online = page.getByRole("table", { name: "Online booking for 2 people" });
  await expect(online.getByRole("row", { name: /^19:00/ })).toContainText("Every table that fits this party is booked then");
  await expect(online.getByRole("row", { name: /^18:00/ })).toContainText("Would get T1");

  // Move the booking an hour later; a time off the grid is refused first.
  const openMove = async () => {
    const details = row.locator("details", { has: page.getByText("Move", { exact: true }) });
    if ((await details.getAttribute("open")) === null) await details.locator("summary").click();
    return details;
  };
  let move = await openMove();
  await move.getByLabel("Time").fill("20:10");
  await move.getByRole("button", { name: "Move reservation" }).click();
  await expect(page.getByRole("alert")).toContainText("Not moved: no reservation can start then");
  await expect(row).toContainText("19:00–20:00");
  move = await openMove();
  await move.getByLabel("Time").fill("20:00");
  await move.getByRole("button", { name: "Move reservation" }).click();
  await expect(row).toContainText("20:00–21:00");
  await expect(online.getByRole("row", { name: /^19:00/ })).toContainText("Would get T1");

  await row.getByRole("button", { name: "Seat: Ada Lovelace at 20:00" }).click();
  await expect(row).toContainText("Seated");
  await row.getByRole("button", { name: "Complete: Ada Lovelace at 20:00" }).click();
  await expect(row).toContainText("Completed");
  await expect(row.getByRole("button")).toHaveCount(0);
  await row.getByText("History").click();
  await expect(row.getByRole("listitem")).toHaveCount(4);
  await expect(row.getByRole("listitem").nth(1)).toContainText("owner · Moved from");
  await expect(row.getByRole("listitem").nth(2)).toContainText("owner · Confirmed → Seated");

  // A completed visit frees the table: 20:00 is bookable again.
  await expect(online.getByRole("row", { name: /^20:00/ })).toContainText("Would get T1");
});
