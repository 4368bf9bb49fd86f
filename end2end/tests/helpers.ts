import { expect, type APIRequestContext, type Page } from "@playwright/test";

/// A date a few days ahead, as YYYY-MM-DD (UTC), so every slot is bookable.
export function daysAhead(days: number): string {
  const d = new Date(Date.now() + days * 24 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

/// Creates a restaurant with tables through the API; returns its id and owner key.
export async function createRestaurant(
  request: APIRequestContext,
  name: string,
  seats: number[],
): Promise<{ id: string; ownerKey: string }> {
  const created = await request.post("/api/v1/restaurants", {
    data: { name, phone: "+33 1 23 45 67 89", city: "Testville", timezone: "UTC" },
  });
  expect(created.status()).toBe(201);
  const body = await created.json();
  const tables = await request.post(`/api/v1/restaurants/${body.id}/tables`, {
    headers: { Authorization: `Bearer ${body.owner_key}` },
    data: { tables: seats.map((capacity) => ({ capacity })) },
  });
  expect(tables.status()).toBe(201);
  return { id: body.id, ownerKey: body.owner_key };
}

/// A unique name, so tests running side by side do not see each other's data.
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/// Creates a restaurant through its form, so this browser holds its owner key;
/// returns its id and owner key, on its tables page.
export async function ownRestaurant(page: Page, name: string) {
  await page.goto("/restaurants/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Phone").fill("+33 1 23 45 67 89");
  await page.getByRole("button", { name: "Create restaurant" }).click();
  const ownerKey = (await page.getByTestId("owner-key").textContent())!;
  const id = page.url().split("/restaurants/")[1].split("/")[0];
  return { id, ownerKey };
}
