// Drives the insights page of a running server in Debian's headless
// Chromium (playwright-core, no browser download). Started by
// TestInsightsUI (insights_ui_test.go), which passes the URLs, the secret,
// the ids of the future calls it stored and the screenshot folder, and then
// checks the database. Exits 1 with a message on the first failed check.
import { chromium } from "playwright-core";
import path from "node:path";

const env = (k) => { const v = process.env[k]; if (!v) throw new Error("missing env " + k); return v; };
const insights = env("INSIGHTS_URL"), apiURL = env("API_URL"), secret = env("SECRET"), shots = env("SHOTS");
const cancelID = env("CANCEL_ID"), failedID = env("FAILED_ID");
const origin = new URL(insights).origin;

const problems = [];
let phase = "start";
const step = (name) => { phase = name; console.log("step:", name); };
function check(cond, what) { if (!cond) throw new Error(`[${phase}] ${what}`); }

const browser = await chromium.launch({
  executablePath: env("CHROMIUM"),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let exitCode = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Any request to another host is a failure, and never leaves the machine.
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== origin) {
      problems.push(`request to another host: ${u.href}`);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // The wrong secret's 401 is an error the browser prints by design.
    if (phase === "wrong secret" && /401/.test(msg.text())) return;
    if (phase === "invalid setting" && /400/.test(msg.text())) return; // likewise the refused PUT
    problems.push(`console error in ${phase}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error in ${phase}: ${err.message}`));
  const shot = async (name) => page.screenshot({ path: path.join(shots, name + ".png"), fullPage: false });

  step("open");
  const res = await page.goto(insights + "/");
  check(res.status() === 200, "GET / status " + res.status());
  check((res.headers()["content-security-policy"] || "").includes("script-src 'self'"), "CSP header");
  check(res.headers()["x-frame-options"] === "DENY", "X-Frame-Options");
  await page.waitForSelector("#signin-form", { state: "visible" });

  step("wrong secret");
  await page.fill("#secret", "not-the-secret");
  await page.click("#signin-button");
  await page.waitForFunction(() => document.querySelector("#signin-error").textContent.includes("Wrong service secret"));
  check(await page.evaluate(() => sessionStorage.length === 0), "a wrong secret was stored");
  await shot("01-signin-wrong-secret");

  step("sign in");
  await page.fill("#secret", secret);
  await page.click("#signin-button");
  await page.waitForSelector("#app", { state: "visible" });
  check(await page.evaluate((k) => sessionStorage.getItem(k), "podgen.insights.secret") === secret, "secret in sessionStorage");
  // Sessions made by the test, newest first, the failures marked.
  await page.waitForFunction(() => document.querySelectorAll("#sessions tbody tr").length === 25);
  const calls = await page.$$eval("#sessions tbody tr td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
  console.log("sessions:", calls.join(" "));
  check(calls.includes("calls.internal") && calls.includes("calls.nothing") && calls.includes("store.countCompanies"), "the test's sessions");
  check(calls[0] === "calls.internal", "newest first: " + calls[0]);
  check(await page.$$eval("#sessions tbody tr.failed", (r) => r.length) === 2, "two failed rows");
  // The failing endpoint is visible at once.
  await page.waitForSelector("#failing", { state: "visible" });
  check((await page.textContent("#failing")).includes("calls.internal: 2 of 2 calls"), "failing banner: " + await page.textContent("#failing"));
  await shot("02-sessions");

  step("paging");
  await page.selectOption("#session-filters select[name=limit]", "20");
  await page.waitForFunction(() => document.querySelectorAll("#sessions tbody tr").length === 20 &&
    !document.querySelector("#sessions-older").disabled);
  const firstPage = await page.$$eval("#sessions tbody tr", (rows) => rows.map((r) => r.dataset.id));
  await page.click("#sessions-older");
  await page.waitForFunction(() => document.querySelectorAll("#sessions tbody tr").length === 5);
  const secondPage = await page.$$eval("#sessions tbody tr", (rows) => rows.map((r) => r.dataset.id));
  check(secondPage.every((id) => !firstPage.includes(id)), "the pages overlap");
  check(secondPage.every((id) => id < firstPage[firstPage.length - 1]), "page 2 is not older than page 1");
  check(await page.isDisabled("#sessions-older") && !(await page.isDisabled("#sessions-newer")), "pager buttons on the last page");
  check((await page.textContent("#sessions-page")).startsWith("page 2 · 5 sessions"), "page label: " + await page.textContent("#sessions-page"));
  await shot("03-sessions-page-2");
  await page.click("#sessions-newest");
  await page.waitForFunction(() => document.querySelectorAll("#sessions tbody tr").length === 20);
  await page.selectOption("#session-filters select[name=limit]", "50");
  await page.waitForFunction(() => document.querySelectorAll("#sessions tbody tr").length === 25);

  step("errors only");
  await page.check("#session-filters input[name=errors]");
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll("#sessions tbody tr");
    return rows.length === 2 && Array.from(rows).every((r) => r.classList.contains("failed"));
  });
  await page.click("#sessions tbody tr");
  await page.waitForSelector("#session-detail .failure");
  check((await page.textContent("#session-detail .failure")).includes("secret-db.internal"), "the error in the detail");
  await shot("04-sessions-errors-only");
  await page.uncheck("#session-filters input[name=errors]");

  step("settings");
  await page.click("a[data-view=settings]");
  await page.waitForFunction(() => document.querySelectorAll("#migrations tbody tr td.mono").length >= 4);
  const versions = await page.$$eval("#migrations tbody tr td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
  check(versions.includes("0001-future-calls"), "migrations: " + versions);
  await page.waitForFunction(() => document.querySelector("#server-info").textContent.includes("development"));
  check(!(await page.isChecked("#settings input[name=logAllQueries]")), "logAllQueries starts off");
  check(await page.inputValue("#settings input[name=slowQueryThresholdMs]") === "100", "current slowQueryThresholdMs");
  await page.fill("#settings input[name=retentionDays]", "40000");
  phase = "invalid setting";
  await page.click("#settings button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#settings-result").classList.contains("error"));
  check((await page.textContent("#settings-result")).includes("retentionDays"), "the 400 names the key: " + await page.textContent("#settings-result"));
  await shot("05-settings-invalid");
  step("settings save");
  await page.fill("#settings input[name=retentionDays]", "30");
  await page.check("#settings input[name=logAllQueries]");
  await page.click("#settings button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#settings-result").textContent.includes("Saved: logAllQueries"));
  await shot("06-settings");

  step("setting takes effect");
  const r = await fetch(apiURL + "/store/countCompanies", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
  check(r.ok, "countCompanies " + r.status);
  await page.click("a[data-view=sessions]");
  await page.fill("#session-filters input[name=endpoint]", "store");
  await page.waitForFunction(() => {
    const first = document.querySelector("#sessions tbody tr");
    return document.querySelectorAll("#sessions tbody tr").length === 2 && first && first.children[3].textContent === "1";
  });
  await page.click("#sessions tbody tr");
  await page.waitForSelector("#session-detail pre.sql");
  const sql = await page.textContent("#session-detail pre.sql");
  console.log("stored query:", sql);
  check(/SELECT count\(\*\)/i.test(sql) && sql.includes("company"), "the stored query: " + sql);
  check((await page.textContent("#session-detail .query .meta")).includes("rows: 1"), "rows of the query");
  await shot("07-session-queries");
  // Paging by cursor: the older of the two store sessions on a page of its own.
  await page.fill("#session-filters input[name=endpoint]", "");

  step("future calls");
  await page.click("a[data-view=futurecalls]");
  await page.waitForSelector(`#futurecalls tbody tr[data-id="${cancelID}"]`);
  check((await page.textContent("#fc-states")).includes("Scheduled (2)"), "scheduled count: " + await page.textContent("#fc-states"));
  await shot("08-futurecalls");
  await page.click(`#futurecalls tbody tr[data-id="${cancelID}"] button[data-action=cancel]`);
  await page.waitForSelector(`#futurecalls tbody tr[data-id="${cancelID}"]`, { state: "detached" });
  await page.waitForFunction(() => document.querySelector("#notice").textContent.includes("Cancelled future call"));
  check((await page.textContent("#fc-states")).includes("Scheduled (1)"), "count after cancel");
  await page.click("#fc-states button[data-state=failed]");
  await page.waitForSelector(`#futurecalls tbody tr[data-id="${failedID}"] button[data-action=retry]`);
  check((await page.textContent(`#futurecalls tbody tr[data-id="${failedID}"]`)).includes("relation does not exist"), "failed call's last error");
  await shot("09-futurecalls-failed");

  step("health");
  await page.click("a[data-view=health]");
  await page.waitForFunction(() => {
    const svg = document.querySelector("#charts-history svg");
    return svg && Number(svg.dataset.points) >= 60 && svg.querySelectorAll("polyline").length === 2;
  });
  const points = await page.$$eval("#charts-history svg", (s) => s.map((x) => Number(x.dataset.points)));
  console.log("history chart points:", points.join(","));
  check(points.length === 7 && points.every((n) => n === 60), "every history chart has the 60 rows");
  // The live charts need two samples of /live (every 5 s).
  await page.waitForFunction(() => document.querySelectorAll("#charts-live svg polyline").length >= 3, null, { timeout: 20000 });
  await page.screenshot({ path: path.join(shots, "10-health.png"), fullPage: true });
  await page.click("#health-range button[data-range=day]");
  await page.waitForFunction(() => document.querySelector("#health-range button[data-range=day]").classList.contains("active"));

  step("phone");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click("a[data-view=sessions]");
  await page.waitForSelector("#sessions tbody tr");
  await page.waitForTimeout(300);
  await shot("11-phone-sessions");
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(wide <= 0, "the sessions view is wider than a phone by " + wide + "px");
  await page.click("#sessions tbody tr");
  await page.waitForSelector("#session-detail", { state: "visible" });
  await page.locator("#session-detail").scrollIntoViewIfNeeded();
  await shot("12-phone-session-detail");
  const wide2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(wide2 <= 0, "the session detail is wider than a phone by " + wide2 + "px");
  await page.click("a[data-view=health]");
  await page.waitForSelector("#charts-history svg polyline");
  await shot("13-phone-health");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, "the page is wider than a phone by " + overflow + "px");

  step("sign out");
  await page.click("#signout");
  await page.waitForSelector("#signin-form", { state: "visible" });
  check(await page.evaluate(() => sessionStorage.length === 0), "the secret survived sign-out");
  await page.reload();
  await page.waitForSelector("#signin-form", { state: "visible" });
  await shot("14-signed-out");
} catch (e) {
  console.error("FAIL:", e.message);
  exitCode = 1;
} finally {
  await browser.close();
}
if (problems.length) {
  console.error("FAIL:\n" + problems.join("\n"));
  exitCode = 1;
}
if (exitCode === 0) console.log("ok: every check passed");
process.exit(exitCode);
