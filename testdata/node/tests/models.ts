// Drives the models app's generated TypeScript client against its real
// server (PODGEN_API_URL): Set ↔ Set, maps with other keys than String ↔
// Map (Serverpod's [{"k","v"}]), byIndex enums as numbers, enum defaults.
import { Client, ClientError, Level, Mood, Rank, type Fetch, type Keyed } from "./client.js";
import { Harness } from "./harness.js";

declare const process: { env: Record<string, string | undefined>; exitCode?: number };
declare const fetch: Fetch;

const api = process.env.PODGEN_API_URL ?? "";
const h = new Harness();
const m = new Client(api).models;

const day = new Date(Date.UTC(2026, 0, 2));
const ref = "00000000-0000-0000-0000-000000000007";
const k: Keyed = {
  id: 0,
  tags: new Set(["y", "x"]),
  scores: null,
  days: new Set([day]),
  refs: new Set([ref]),
  levels: new Set([Level.medium, Level.low]),
  moods: new Set(),
  byId: new Map([[-1, "minus one"], [1, "one"]]),
  byLevel: new Map([[Level.low, []], [Level.high, [1, 2]]]),
  byRef: new Map([[ref, { id: 0, name: "p" }]]),
  byDay: new Map([[day, 1500]]),
  byMood: new Map([[Mood.happy, true]]),
  byName: { a: 1 },
  nested: new Map([[5, new Map([[true, 0.25], [false, -1]])]]),
  level: Level.low,
  levelOpt: Level.high,
  mood: Mood.neutral,
  moodOpt: null,
  rank: Rank.bronze,
};
await h.echo("echoKeyed", (v: Keyed) => m.echoKeyed(v), k);
await h.echo("echoKeyed optionals absent", () => m.echoKeyed({ ...k, scores: undefined, byRef: undefined, levelOpt: undefined, moodOpt: undefined }),
  { ...k, scores: null, byRef: null, levelOpt: null, moodOpt: null });
await h.echo("echoKeyed scores", (v: Keyed) => m.echoKeyed(v), { ...k, scores: new Set([3, -3]) });
await h.echo("echoLevels", (v: Set<Level>) => m.echoLevels(v), new Set([Level.high, Level.low]));
h.eq(await m.echoLevels(), new Set(), "echoLevels absent: the server's nil is sent as []");
await h.echo("echoByID", (v: Map<number, string>) => m.echoByID(v), new Map([[2 ** 53 - 1, "max"], [0, ""]]));
await h.echo("echoPlain", (v: { id?: number; name: string }) => m.echoPlain(v), { id: 4, name: "n" });
await h.echo("moodOf", (v: Mood) => m.moodOf(v), Mood.sad);

// The wire forms, as the server sends them.
const wire: string[] = [];
const spying: Fetch = async (url, init) => {
  const res = await fetch(url, init);
  const text = await res.text();
  wire.push(text);
  return { status: res.status, statusText: res.statusText, text: async () => text };
};
const s = new Client(api, { fetch: spying }).models;
await s.echoLevels(new Set([Level.high, Level.low]));
h.eq(wire.pop(), "[0,2]", "a Set of a byIndex enum is a sorted array of positions");
await s.echoByID(new Map([[2, "b"], [1, "a"]]));
h.eq(wire.pop(), '[{"k":1,"v":"a"},{"k":2,"v":"b"}]', "an int-keyed map is Serverpod's sorted [{k, v}]");

// Unknown values: refused on the way out, the enum's default on the way in.
await h.rejects("unknown mood sent", m.moodOf("angry" as Mood), (e) => e instanceof ClientError && e.status === 0);
const rewriting = (body: string): Fetch => (url, init) => fetch(url, { ...init, body });
h.eq(await new Client(api, { fetch: rewriting('{"m": "angry"}') }).models.moodOf(Mood.happy), Mood.neutral,
  "an unknown mood the server got becomes its default");
await h.rejects("a byIndex position out of range sent", m.echoLevels(new Set([7 as Level])), (e) =>
  e instanceof ClientError && e.message.includes("unknown value 7"));
h.eq((await new Client(api, { fetch: (url, init) => fetch(url, { ...init, body: init.body.replace('"rank":1', '"rank":9') }) })
  .models.echoKeyed(k)).rank, Rank.unranked, "an unknown rank becomes unranked");
await h.rejects("a Map where a Record belongs", m.echoKeyed({ ...k, byName: new Map() as unknown as Record<string, number> }),
  (e) => e instanceof ClientError && e.message.includes("parameter k.byName: expected a plain object, got a Map"));
await h.rejects("an array where a Set belongs", m.echoKeyed({ ...k, tags: ["x"] as unknown as Set<string> }),
  (e) => e instanceof ClientError && e.message.includes("parameter k.tags: expected a Set"));

if (!h.done("models")) process.exitCode = 1;
