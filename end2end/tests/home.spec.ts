import { test, expect, waitForHydration } from "./fixtures";
import { createRestaurant, unique } from "./helpers";

test("the home page is rendered on the server with the navigation", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("Covers");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Covers" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Restaurants" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "My reservations" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "New restaurant" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Book a table" })).toBeVisible();
});

test("restaurants are found by name", async ({ page, request }) => {
  const name = unique("Bistro Search");
  await createRestaurant(request, name, [2]);
  await page.goto("/");
  await page.getByLabel("Search restaurants").fill(name);
  await page.getByRole("button", { name: "Search" }).click();
  const list = page.getByRole("list", { name: "Restaurants" });
  await expect(list.getByRole("link")).toHaveCount(1);
  await expect(list.getByRole("link", { name })).toBeVisible();
  await page.getByLabel("Search restaurants").fill("no such restaurant anywhere");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No restaurant matches your search.")).toBeVisible();
});

test("searching after hydration does not reload the page", { tag: "@needs-js" }, async ({ page, request }) => {
  const name = unique("Bistro Hydrated");
  await createRestaurant(request, name, [2]);
  await page.goto("/");
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByLabel("Search restaurants").fill(name);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("list", { name: "Restaurants" }).getByRole("link", { name })).toBeVisible();
  await expect(page).toHaveURL(/\?q=/);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test("an unknown address shows a not-found page with status 404", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  const restaurant = await page.goto("/restaurants/no-such-restaurant");
  expect(restaurant?.status()).toBe(404);
});
