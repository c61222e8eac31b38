// Drives the rich app's generated TypeScript client against its real
// server (PODGEN_API_URL): every type of the wire there and back, optional
// parameters null and absent, exceptions by instanceof, a 500, a network
// failure, an aborted call, integers beyond ±(2^53-1) refused both ways.
import {
  Client,
  ClientError,
  InvalidInput,
  NotFound,
  Role,
  ServerException,
  Status,
  type Address,
  type AllTypes,
  type Fetch,
  type Reminder,
} from "./client.js";
import { Harness } from "./harness.js";

declare const process: { env: Record<string, string | undefined>; exitCode?: number };
declare class AbortController {
  readonly signal: { readonly aborted: boolean };
  abort(): void;
}
declare function setTimeout(f: () => void, ms: number): unknown;
declare const fetch: Fetch & ((url: string) => Promise<{ status: number; text(): Promise<string> }>);

const api = process.env.PODGEN_API_URL ?? "";
const h = new Harness();
const c = new Client(api);
const t = c.types;

const isClientError = (status: number, part = "") => (e: unknown) =>
  e instanceof ClientError && !(e instanceof ServerException) && e.status === status && e.message.includes(part);

// Scalars, required and optional (absent, null and set).
await h.echo("bool", (v: boolean) => t.bool(v), true);
await h.echo("bool false", (v: boolean) => t.bool(v), false);
h.eq(await t.boolOpt(), null, "boolOpt absent");
await h.echo("boolOpt null", (v: boolean | null) => t.boolOpt(v), null);
await h.echo("boolOpt", (v: boolean | null) => t.boolOpt(v), false);
for (const v of [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 1234567890123]) {
  await h.echo("int " + v, (x: number) => t.int(x), v);
}
h.eq(await t.intOpt(), null, "intOpt absent");
await h.echo("intOpt null", (v: number | null) => t.intOpt(v), null);
await h.echo("intOpt", (v: number | null) => t.intOpt(v), -7);
for (const v of [0, 0.5, -1.25, 1e-7, 1e20, 1e21, 1.7976931348623157e308, 5e-324, 123456789012345680000]) {
  await h.echo("double " + v, (x: number) => t.double(x), v);
}
h.eq(await t.doubleOpt(undefined), null, "doubleOpt undefined");
await h.echo("doubleOpt", (v: number | null) => t.doubleOpt(v), 2.5);
for (const v of ["", "hello", 'quote " backslash \\ newline \n tab \t', "grüße 日本語 🚀", "control \u0001 \u001f", "\u2028 \ud83d\ude80"]) {
  await h.echo("string " + JSON.stringify(v), (x: string) => t.string(x), v);
}
await h.rejects("string with NUL is a 400 (Postgres cannot store it)", t.string("a\u0000b"), isClientError(400, "NUL"));
h.eq(await t.stringOpt(), null, "stringOpt absent");
await h.echo("stringOpt", (v: string | null) => t.stringOpt(v), "x");
const when = new Date(Date.UTC(2026, 1, 3, 4, 5, 6, 789));
await h.echo("dateTime", (v: Date) => t.dateTime(v), when);
await h.echo("dateTime year 1", (v: Date) => t.dateTime(v), new Date("0001-01-01T00:00:00.000Z"));
await h.echo("dateTime year 9999", (v: Date) => t.dateTime(v), new Date("9999-12-31T23:59:59.999Z"));
h.eq(await t.dateTimeOpt(), null, "dateTimeOpt absent");
await h.echo("dateTimeOpt", (v: Date | null) => t.dateTimeOpt(v), when);
await h.rejects("dateTime year 10000", t.dateTime(new Date("+010000-01-01T00:00:00Z")), isClientError(0, "year 10000"));
await h.rejects("dateTime invalid", t.dateTime(new Date("nonsense")), isClientError(0, "invalid Date"));
for (const v of [0, 1, 1500, -250, 86_400_000 * 365]) {
  await h.echo("duration " + v, (x: number) => t.duration(x), v);
}
h.eq(await t.durationOpt(), null, "durationOpt absent");
await h.echo("durationOpt", (v: number | null) => t.durationOpt(v), 42);
await h.rejects("duration fraction", t.duration(1.5), isClientError(0, "whole milliseconds"));
for (let n = 0; n < 6; n++) {
  const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 251) & 255);
  await h.echo("byteData " + n, (v: Uint8Array) => t.byteData(v), b);
}
await h.echo("byteData all", (v: Uint8Array) => t.byteData(v), Uint8Array.from({ length: 256 }, (_, i) => i));
h.eq(await t.byteData(), new Uint8Array(0), "byteData absent: the server's nil is sent as empty");
const id = "0b6f7e8e-2c0a-4f55-9c1e-7b1d2f3a4b5c";
await h.echo("uuid", (v: string) => t.uuid(v), id);
h.eq(await t.uuidOpt(), null, "uuidOpt absent");
await h.echo("uuidOpt", (v: string | null) => t.uuidOpt(v), id);
await h.rejects("uuid malformed", t.uuid("not-a-uuid"), isClientError(0, "expected a UUID"));
await h.echo("uri", (v: string) => t.uri(v), "https://example.com/a/b?c=d#e");
await h.echo("uri relative", (v: string) => t.uri(v), "/relative/path");
h.eq(await t.uriOpt(), null, "uriOpt absent");
await h.echo("uriOpt", (v: string | null) => t.uriOpt(v), "mailto:a@example.com");
for (const v of [0n, 1n, -1n, 2n ** 64n, -(2n ** 200n) + 7n]) {
  await h.echo("bigInt " + v, (x: bigint) => t.bigInt(x), v);
}
h.eq(await t.bigInt(), 0n, "bigInt absent: the server's nil is sent as 0");
await h.echo("bigInts", (v: bigint[]) => t.bigInts(v), [1n, 2n ** 70n]);
await h.echo("enum", (v: Status) => t.enum(v), Status.archived);
h.eq(await t.enumOpt(), null, "enumOpt absent");
await h.echo("enumOpt", (v: Role | null) => t.enumOpt(v), Role.manager);
await h.rejects("enum unknown", t.enum("gone" as Status), isClientError(0, 'unknown value "gone"'));
const home: Address = { street: "1 Main St", city: "Springfield", zip: null, country: "US" };
await h.echo("class", (v: Address) => t.class(v), home);
await h.echo("class zip absent", () => t.class({ street: "s", city: "c", country: "x" }), { street: "s", city: "c", zip: null, country: "x" });
h.eq(await t.classOpt(), null, "classOpt absent");
await h.echo("classOpt", (v: Address | null) => t.classOpt(v), { ...home, zip: "12345" });
await h.echo("list", (v: number[]) => t.list(v), [1, -2, 3]);
h.eq(await t.list(), [], "list absent: the server's nil is sent as []");
await h.echo("listOfOpt", (v: (string | null)[]) => t.listOfOpt(v), ["a", null, "b"]);
await h.echo("map", (v: Record<string, number>) => t.map(v), { a: 1.5, "": -2, "spaced key": 0 });
const proto = JSON.parse('{"__proto__": 3, "x": 1}') as Record<string, number>;
const gotProto = await t.map(proto);
h.ok(Object.getPrototypeOf(gotProto) === Object.prototype && gotProto["__proto__"] === 3, "map key __proto__ is a key");
const remind: Reminder = { message: "hi", remindAt: when, recipient: null };
await h.echo("nested", (v: Record<string, Reminder[]>[]) => t.nested(v), [{ k: [remind, { ...remind, recipient: "bob" }] }, {}]);
h.eq(await t.mixed(1, null, undefined, Role.manager), "<nil>/manager", "mixed with nulls");
h.eq(await t.mixed(1, "bob", ["x"], Role.engineer), "bob/engineer", "mixed");

// A class with every type; nullable ones null, then set.
const all: AllTypes = {
  id: 0, boolVal: true, boolOpt: null, intVal: 2 ** 53 - 1, intOpt: null, doubleVal: 0.1, doubleOpt: null,
  stringVal: "s", stringOpt: null, dateTimeVal: when, dateTimeOpt: null, durationVal: 1000, durationOpt: null,
  bytesVal: Uint8Array.of(1, 2, 3), bytesOpt: null, uuidVal: id, uuidOpt: null, uriVal: "https://a.example/",
  uriOpt: null, bigVal: 2n ** 100n, bigOpt: null, enumVal: Status.suspended, enumOpt: null, classVal: home,
  classOpt: null, listVal: [], listOpt: null, mapVal: {}, mapOpt: null, listOfOpt: [null], mapOfOpt: { a: null, b: 1 },
  enumList: [Role.designer, Role.engineer], uriList: ["a:b"], bigList: [null, -3n], nested: null, draft: null, scratch: null,
};
await h.echo("allTypes nulls", (v: AllTypes) => t.allTypes(v), all);
const full: AllTypes = {
  ...all, id: 12, boolOpt: false, intOpt: -1, doubleOpt: -0.5, stringOpt: "", dateTimeOpt: new Date(0), durationOpt: 0,
  bytesOpt: new Uint8Array(0), uuidOpt: id, uriOpt: "x:y", bigOpt: -1n, enumOpt: Role.manager, classOpt: home,
  listOpt: ["q"], mapOpt: { h: home }, nested: [{ r: [remind] }], draft: "d", scratch: 9,
};
await h.echo("allTypes set", (v: AllTypes) => t.allTypes(v), full);
const { id: _omit, ...noID } = all;
await h.echo("allTypes without id", (v: Omit<AllTypes, "id">) => t.allTypes(v), noID, all);
await h.rejects("allTypes unsafe int field", t.allTypes({ ...all, intVal: 2 ** 53 }), isClientError(0, "parameter v.intVal: 9007199254740992 is beyond"));
await h.rejects("allTypes bad nested", t.allTypes({ ...all, bigList: [1n, 7 as unknown as bigint] }), isClientError(0, "parameter v.bigList[1]: expected a bigint"));
await h.echo("employee self reference", (v: Parameters<typeof c.echo.employee>[0]) => c.echo.employee(v), {
  id: 3, name: "Ann", email: "a@example.com", age: 40, salary: 1.5, role: Role.manager, startDate: when, skills: ["go"],
  manager: { id: 1, name: "Bo", email: "b@example.com", age: 50, salary: 2, role: Role.engineer, startDate: when, skills: [], manager: null },
});

// Integers a JS number cannot hold are refused on the way out ...
await h.rejects("int 2^53 sent", t.int(2 ** 53), isClientError(0, "parameter v: 9007199254740992 is beyond"));
await h.rejects("int -2^53 sent", t.int(-(2 ** 53)), isClientError(0, "is beyond"));
await h.rejects("int fraction sent", t.int(0.5), isClientError(0, "expected an integer"));
await h.rejects("double NaN sent", t.double(NaN), isClientError(0, "NaN has no JSON form"));

// ... and on the way in: a fetch that rewrites the request body makes the
// real server answer with what the client would not send.
function rewriting(body: string): Fetch {
  return (url, init) => fetch(url, { ...init, body });
}
const raw = (body: string) => new Client(api, { fetch: rewriting(body) }).types;
await h.rejects("int 2^53+1 received", raw('{"v": 9007199254740993}').int(0), isClientError(200, "decoding result: 9007199254740993 is beyond"));
await h.rejects("int -2^63 received", raw('{"v": -9223372036854775808}').int(0), isClientError(200, "-9223372036854775808 is beyond"));
h.eq(await raw('{"v": 9007199254740991}').int(0), 2 ** 53 - 1, "int 2^53-1 received");
await h.rejects("list with unsafe int received", raw('{"v": [1, 90071992547409930]}').list([]), isClientError(200, "decoding result: [1]: 90071992547409930 is beyond"));
h.eq(await raw('{"v": 12345678901234567890}').double(0), 12345678901234567890, "double with a long integral literal received");
h.eq(await raw('{"v": "digits 12345678901234567890 in a string"}').string(""), "digits 12345678901234567890 in a string", "long digits in a string untouched");
h.eq(
  (await raw('{"v": "2026-01-02T03:04:05.123456789Z"}').dateTime(when)).toISOString(),
  "2026-01-02T03:04:05.123Z",
  "dateTime nanoseconds received: milliseconds kept, the rest dropped",
);
h.eq(
  (await raw('{"v": "2026-01-02T03:04:05+02:30"}').dateTime(when)).toISOString(),
  "2026-01-02T00:34:05.000Z",
  "dateTime with an offset received in UTC",
);

// Exceptions are classes: instanceof works and their fields are there.
await h.rejects("NotFound", c.calls.notFound(7), (e) =>
  e instanceof NotFound && e instanceof ServerException && e instanceof Error && !(e instanceof ClientError) &&
  e.id === 7 && e.data.id === 7 && e.status === 400 && e.className === "NotFound" && e.name === "NotFound");
await h.rejects("InvalidInput", c.calls.invalid("email"), (e) =>
  e instanceof InvalidInput && !(e instanceof NotFound) && e.field === "email" && e.reason === "not acceptable");

// Everything else is a ClientError with the status and the server's message.
await h.rejects("internal error is a 500 without details", c.calls.internal(), (e) =>
  isClientError(500)(e) && !(e as Error).message.includes("secret"));
await h.rejects("panic is a 500 without details", c.calls.panic(), (e) =>
  isClientError(500)(e) && !(e as Error).message.includes("secret"));
await h.rejects("unknown endpoint is a 404", new Client(api + "nope/").types.int(1), isClientError(404));
await h.rejects("mistyped parameter is a 400", raw('{"v": "seven"}').int(0), isClientError(400, "v"));
h.eq(await c.calls.nothing(), undefined, "error-only method resolves to undefined");
await h.rejects("network failure", new Client("http://127.0.0.1:9/").types.int(1), (e) =>
  isClientError(0, "POST types/int")(e) && !(e as ClientError).aborted && (e as ClientError).cause !== undefined);

// An aborted call rejects at once with aborted set.
const ctl = new AbortController();
const started = Date.now();
const slow = c.calls.slow(10_000, { signal: ctl.signal });
setTimeout(() => ctl.abort(), 100);
await h.rejects("aborted call", slow, (e) => e instanceof ClientError && e.aborted && e.status === 0);
h.ok(Date.now() - started < 5000, "the aborted call ended before the server's answer");
h.eq(await c.calls.slow(1), "done", "an unaborted slow call finishes");

// The auth key travels as a bearer token, and can be changed or removed.
const seen: (string | undefined)[] = [];
const spy: Fetch = (url, init) => {
  seen.push(init.headers["Authorization"]);
  return fetch(url, init);
};
const authed = new Client(api, { authKey: "k1", fetch: spy });
await authed.types.int(1);
authed.setAuthKey("k2");
await authed.types.int(1);
authed.setAuthKey(null);
await authed.types.int(1);
h.eq(seen, ["Bearer k1", "Bearer k2", undefined], "Authorization headers");

// The server serves its OpenAPI document.
const doc = await fetch(api + "openapi.json");
const parsed = JSON.parse(await doc.text()) as { openapi: string; paths: Record<string, unknown> };
h.ok(doc.status === 200 && parsed.openapi === "3.1.0" && "/types/allTypes" in parsed.paths, "GET /openapi.json");

if (!h.done("rich")) process.exitCode = 1;
