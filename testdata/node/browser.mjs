// Loads each page URL given (argv) in headless Debian Chromium and prints
// what the page reports in window.podgenResult; exits 1 on any failure.
// Never downloads a browser: playwright-core only drives /usr/bin/chromium.
import { chromium } from "playwright-core";

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  for (const url of process.argv.slice(2)) {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => console.log("  page: " + m.text()));
    await page.goto(url);
    const result = await page.waitForFunction(() => window.podgenResult, null, { timeout: 30000 }).then((r) => r.jsonValue());
    console.log(`${url}: ${result.passed} passed, ${result.failures.length} failed`);
    for (const f of [...result.failures, ...errors]) {
      console.log("FAIL " + f);
      failed = true;
    }
    if (result.passed === 0) failed = true;
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
