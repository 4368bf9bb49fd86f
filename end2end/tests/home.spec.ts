import { test, expect, waitForHydration } from "./fixtures";

test("the home page is rendered on the server with the navigation", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("Covers");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Covers" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Restaurants" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Book a table" })).toBeVisible();
  await expect(page.getByRole("group", { name: "Party size" })).toContainText("2 guests");
});

test("the party size picker works once the page has hydrated", { tag: "@needs-js" }, async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  const picker = page.getByRole("group", { name: "Party size" });
  await picker.getByRole("button", { name: "More guests" }).click();
  await picker.getByRole("button", { name: "More guests" }).click();
  await expect(picker).toContainText("4 guests");
  for (let i = 0; i < 3; i++) {
    await picker.getByRole("button", { name: "Fewer guests" }).click();
  }
  await expect(picker).toContainText("1 guest");
  await expect(picker.getByRole("button", { name: "Fewer guests" })).toBeDisabled();
});

test("an unknown address shows a not-found page with status 404", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
