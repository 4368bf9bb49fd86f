import { test as base, expect, type Page } from "@playwright/test";

/// Every test fails if the page throws or logs an error to the console.
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    // Pages answered with an error status (a 404 page, say): the browser logs
    // them too, possibly after the test has moved on to another page; the
    // test checks those statuses itself.
    const errorDocuments = new Set<string>();
    page.on("response", (response) => {
      if (response.request().isNavigationRequest() && response.status() >= 400) {
        errorDocuments.add(response.url());
      }
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // Any other resource that fails to load is a problem.
      const documentStatus =
        message.text().startsWith("Failed to load resource") && errorDocuments.has(message.location().url);
      if (!documentStatus) problems.push(`console error: ${message.text()}`);
    });
    await use(page);
    expect(problems, "errors in the page").toEqual([]);
  },
});

export { expect };

/// Waits until the WebAssembly front end has taken over the page.
export async function waitForHydration(page: Page) {
  await expect(page.locator(".app[data-hydrated=true]")).toBeVisible();
}
