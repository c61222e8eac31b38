// Runs in headless Chromium on a page served from another origin than the
// API (browser.mjs loads it): the client calls the models app's API
// through fetch with CORS. location.hash is "#<api base URL>" for an
// origin the API lists, "#refused:<api base URL>" for one it does not.
import { Client, ClientError, Level, Mood, type Keyed } from "./client.js";
import { Harness } from "./harness.js";

declare global {
  interface Window {
    podgenResult?: { passed: number; failures: string[] };
  }
}

const h = new Harness();
const hash = decodeURIComponent(location.hash.slice(1));
try {
  if (hash.startsWith("refused:")) {
    // The API answers an unlisted origin's preflight with 403 and no CORS
    // headers: the browser blocks the call, which fails as a ClientError.
    const c = new Client(hash.slice("refused:".length));
    await h.rejects("unlisted origin", c.models.moodOf(Mood.happy), (e) => e instanceof ClientError && e.status === 0 && !e.aborted);
  } else {
    const c = new Client(hash, { authKey: "browser-key" }); // the Authorization header needs a preflight
    await h.echo("moodOf", (v: Mood) => c.models.moodOf(v), Mood.sad);
    await h.echo("echoLevels", (v: Set<Level>) => c.models.echoLevels(v), new Set([Level.low, Level.high]));
    const day = new Date(Date.UTC(2026, 5, 7, 8, 9, 10, 11));
    const k: Keyed = {
      id: 0, tags: new Set(["a"]), scores: null, days: new Set([day]), refs: new Set(), levels: new Set(), moods: new Set([Mood.happy]),
      byId: new Map([[1, "one"]]), byLevel: new Map(), byRef: null, byDay: new Map([[day, 5]]), byMood: new Map(), byName: { x: 1 },
      nested: new Map(), level: Level.medium, levelOpt: null, mood: Mood.neutral, moodOpt: Mood.sad, rank: 2,
    };
    await h.echo("echoKeyed", (v: Keyed) => c.models.echoKeyed(v), k);
    const ctl = new AbortController();
    ctl.abort();
    await h.rejects("aborted", c.models.moodOf(Mood.happy, { signal: ctl.signal }), (e) => e instanceof ClientError && e.aborted);
    const doc = await fetch(hash + "openapi.json");
    h.ok(doc.status === 200 && (await doc.json()).openapi === "3.1.0", "GET /openapi.json across origins");
  }
} catch (e) {
  h.failures.push("threw " + String(e));
}
h.done(location.origin);
window.podgenResult = { passed: h.passed, failures: h.failures };
