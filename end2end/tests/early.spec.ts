import { test, expect, waitForHydration } from "./fixtures";
import { createRestaurant, daysAhead, unique } from "./helpers";

/// Holds the WebAssembly back until `release` is called, as on a slow phone.
async function slowFrontEnd(page: import("@playwright/test").Page) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/pkg/*.wasm", async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test("a date and party size chosen before the page came alive are kept", async ({ page, request, javaScriptEnabled }) => {
  const { id } = await createRestaurant(request, unique("Early Choice"), [2, 4, 6]);
  const date = daysAhead(4);
  const release = await slowFrontEnd(page);
  await page.goto(`/restaurants/${id}`);
  await page.getByLabel("Date").fill(date);
  await page.getByLabel("Party size").selectOption("5");
  release();
  if (javaScriptEnabled) await waitForHydration(page);
  await expect(page.getByLabel("Date")).toHaveValue(date);
  await expect(page.getByLabel("Party size")).toHaveValue("5");
  await page.getByRole("button", { name: "Show times" }).click();
  await expect(page).toHaveURL(new RegExp(`date=${date}.*party_size=5`));
  await expect(page.getByLabel("Party size")).toHaveValue("5");
  const first = page.getByRole("list", { name: "Available times" }).getByRole("link").first();
  await expect(first).toHaveAttribute("href", new RegExp(`start=${date}T.*party_size=5`));
});

test("what a diner typed into the booking form before the page came alive is kept", async ({ page, request, javaScriptEnabled }) => {
  const { id } = await createRestaurant(request, unique("Early Typing"), [4]);
  const release = await slowFrontEnd(page);
  await page.goto(`/restaurants/${id}/slot?start=${daysAhead(4)}T19:00&party_size=2`);
  await page.getByLabel("Name").fill("Katherine Johnson");
  await page.getByLabel("Phone").fill("+1 757 555 0100");
  await page.getByLabel("Notes").fill("Window, please");
  release();
  if (javaScriptEnabled) await waitForHydration(page);
  await expect(page.getByLabel("Name")).toHaveValue("Katherine Johnson");
  await expect(page.getByLabel("Notes")).toHaveValue("Window, please");
  await page.getByRole("button", { name: "Reserve" }).click();
  await expect(page.locator(".status")).toHaveText("Confirmed");
  await expect(page.getByText("Katherine Johnson")).toBeVisible();
});

test("an address crafted to carry a message or a link shows neither", async ({ page, request }) => {
  const { id } = await createRestaurant(request, unique("Crafted Address"), [4]);
  const forged = {
    SlotTaken: {
      message: "Call +1 555 0100 to keep your table",
      alternatives: [{ local_time: "20:00", href: "javascript:alert(document.domain)" }],
      values: { name: "Mallory" },
    },
  };
  const err = Buffer.from(JSON.stringify(forged)).toString("base64url");
  const slot = `/restaurants/${id}/slot?start=${daysAhead(4)}T19:00&party_size=2`;
  // The booking form's own server function, as a crafted address would name it.
  await page.goto(slot);
  const action = await page.locator("form").first().getAttribute("action");
  expect(action).toMatch(/^\/api\//);
  const response = await page.goto(`${slot}&__path=${action}&__err=${err}`);
  expect(response?.status()).toBe(200);
  expect(page.url()).not.toContain("__err");
  await expect(page.getByRole("heading", { name: "Reserve a table" })).toBeVisible();
  await expect(page.getByText("555 0100")).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:"]')).toHaveCount(0);
  await expect(page.getByLabel("Name")).toHaveValue("");
});
