import { test, expect } from "./fixtures";
import { unique } from "./helpers";

test("an owner creates a restaurant and adds its tables", async ({ page }) => {
  const name = unique("Chez Owner");
  await page.goto("/restaurants/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Phone").fill("+33 1 23 45 67 89");
  await page.getByLabel("Time zone").fill("Europe/Paris");
  await page.getByRole("button", { name: "Create restaurant" }).click();

  await expect(page.getByRole("heading", { name })).toBeVisible();
  const key = page.getByTestId("owner-key");
  await expect(key).toHaveText(/^ck_[0-9A-Z]{32}$/);
  await expect(page.getByText("No tables yet.")).toBeVisible();

  await page.getByLabel("Seats", { exact: true }).fill("2");
  await page.getByRole("button", { name: "Add table" }).click();
  const tables = page.getByRole("table", { name: "Tables" });
  await expect(tables.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Seats", { exact: true }).fill("4");
  await page.getByLabel("Label", { exact: true }).fill("Window");
  await page.getByRole("button", { name: "Add table" }).click();
  await expect(tables.getByRole("row")).toHaveCount(3);
  await expect(tables).toContainText("T1");
  await expect(tables).toContainText("Window");

  // The key is shown once only.
  await page.reload();
  await expect(page.getByTestId("owner-key")).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Tables" }).getByRole("row")).toHaveCount(3);
});

test("a bad restaurant form keeps what was typed and says what is wrong", async ({ page }) => {
  await page.goto("/restaurants/new");
  await page.getByLabel("Name").fill("Chez Typo");
  await page.getByLabel("Phone").fill("12");
  await page.getByLabel("Time zone").fill("Mars/Olympus");
  await page.getByRole("button", { name: "Create restaurant" }).click();
  await expect(page.locator("#field-phone-error")).toContainText("7 to 15 digits");
  await expect(page.locator("#field-timezone-error")).toContainText("not a time zone");
  await expect(page.getByLabel("Name")).toHaveValue("Chez Typo");
  await expect(page.getByLabel("Phone")).toHaveValue("12");
});

test("a table with too many seats is refused beside the field", async ({ page }) => {
  await page.goto("/restaurants/new");
  await page.getByLabel("Name").fill(unique("Chez Seats"));
  await page.getByLabel("Phone").fill("0612345678");
  await page.getByRole("button", { name: "Create restaurant" }).click();
  await expect(page.getByTestId("owner-key")).toBeVisible();
  // The browser's own check would stop 25; remove it to see the server's answer.
  await page.getByLabel("Seats", { exact: true }).evaluate((input) => input.removeAttribute("max"));
  await page.getByLabel("Seats", { exact: true }).fill("25");
  await page.getByRole("button", { name: "Add table" }).click();
  await expect(page.locator("#field-capacity-error")).toContainText("1 to 20");
  await expect(page.getByText("No tables yet.")).toBeVisible();
});

test("another browser cannot manage the tables without the owner key", async ({ page, browser, javaScriptEnabled }) => {
  await page.goto("/restaurants/new");
  await page.getByLabel("Name").fill(unique("Chez Private"));
  await page.getByLabel("Phone").fill("0612345678");
  await page.getByRole("button", { name: "Create restaurant" }).click();
  const key = await page.getByTestId("owner-key").textContent();
  const url = page.url();

  const other = await browser.newContext({ javaScriptEnabled });
  const stranger = await other.newPage();
  await stranger.goto(url);
  await expect(stranger.getByText("Only the restaurant's owner can manage it.")).toBeVisible();
  await expect(stranger.getByRole("button", { name: "Add table" })).toHaveCount(0);
  await stranger.getByLabel("Owner key").fill("ck_WRONG");
  await stranger.getByRole("button", { name: "Manage this restaurant" }).click();
  await expect(stranger.locator("#field-owner_key-error")).toContainText("not the owner key");
  await stranger.getByLabel("Owner key").fill(key!);
  await stranger.getByRole("button", { name: "Manage this restaurant" }).click();
  await expect(stranger.getByRole("button", { name: "Add table" })).toBeVisible();
  await other.close();
});
