// The fixed part of every generated TypeScript client (emit/ts.go copies it,
// below this comment, into ts/client.ts): errors, the transport and the wire
// codecs of the scalar kinds. It has no dependencies and needs only ES2020;
// the few platform types it uses (fetch, AbortSignal) are declared
// structurally so that it type-checks without the DOM or Node typings.
// Names that are not part of the client's API start with "$": protocol
// names never do.

/**
 * ServerException is the base class of the app's exceptions: a call that
 * the server answered with one of them rejects with an instance of its
 * generated class (`e instanceof NotFound`), whose `data` holds its fields.
 */
export class ServerException extends Error {
  /** className is the exception's name as the server sent it ("NotFound"). */
  readonly className: string;
  /** status is the HTTP status of the answer (400). */
  readonly status: number;

  constructor(className: string, message: string, status: number) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = className;
    this.className = className;
    this.status = status;
  }
}

/**
 * ClientError is every failed call that is not one of the app's
 * exceptions: a non-200 answer (status and the server's message), no answer
 * at all (status 0: the network failed or the call was aborted), or a value
 * that could not be encoded or decoded (status 0 or 200).
 */
export class ClientError extends Error {
  /** status is the HTTP status of the answer, 0 when there was none. */
  readonly status: number;
  /** aborted is set when the call's AbortSignal stopped it. */
  readonly aborted: boolean;
  /** cause is the underlying failure (fetch's error), if any. */
  readonly cause?: unknown;

  constructor(status: number, message: string, cause?: unknown, aborted = false) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "ClientError";
    this.status = status;
    this.aborted = aborted;
    if (cause !== undefined) {
      this.cause = cause;
    }
  }
}

/** AbortSignalLike is what calls need of an AbortSignal. */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

/** FetchResponse is what calls need of fetch's Response. */
export interface FetchResponse {
  readonly status: number;
  readonly statusText: string;
  text(): Promise<string>;
}

/** Fetch is the shape of the global fetch as calls use it. */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignalLike },
) => Promise<FetchResponse>;

/** ClientOptions configure a Client. */
export interface ClientOptions {
  /** authKey is sent as "Authorization: Bearer <key>" on every call. */
  authKey?: string | null;
  /** fetch replaces the global fetch (tests, proxies, other runtimes). */
  fetch?: Fetch;
}

/** CallOptions configure one call. */
export interface CallOptions {
  /** signal aborts the call; it then rejects with a ClientError whose aborted is set. */
  signal?: AbortSignalLike;
}

/** $WireError is a value that does not fit its type; path says where. */
class $WireError extends Error {
  readonly path: (string | number)[] = [];
}

function $fail(message: string): never {
  throw new $WireError(message);
}

/** $at puts a member key or an index in front of a $WireError's path. */
function $at(e: unknown, key: string | number): unknown {
  if (e instanceof $WireError) {
    e.path.unshift(key);
  }
  return e;
}

/** $Codec converts between a client value and its JSON form. */
interface $Codec<T> {
  enc(v: T): unknown;
  dec(j: unknown): T;
}

function $describe(j: unknown): string {
  if (j === null) return "null";
  if (Array.isArray(j)) return "an array";
  if (j instanceof Map) return "a Map";
  if (j instanceof Set) return "a Set";
  if (typeof j === "string") return j.startsWith($unsafe) ? "the integer " + j.slice($unsafe.length) : "a string";
  return typeof j === "object" ? "an object" : "a " + typeof j;
}

function $expected(what: string, j: unknown): never {
  return $fail(j === undefined ? "missing" : "expected " + what + ", got " + $describe(j));
}

/**
 * $unsafe marks an integer literal of a response that a JS number cannot
 * hold exactly. $parse rewrites such literals into strings carrying this
 * prefix before JSON.parse sees them, so that the int codec refuses them
 * instead of rounding, while the double codec takes them as numbers.
 */
const $unsafe = "\u0000podgen-int:";

const $tokens = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** $parse is JSON.parse that keeps integers beyond ±(2^53-1) recognisable. */
function $parse(text: string): unknown {
  if (!/\d{16}/.test(text)) {
    return JSON.parse(text); // no literal long enough to be unsafe
  }
  return JSON.parse(
    text.replace($tokens, (t) =>
      t[0] === '"' || /[.eE]/.test(t) || Number.isSafeInteger(Number(t)) ? t : '"\\u0000podgen-int:' + t + '"',
    ),
  );
}

const $bool: $Codec<boolean> = {
  enc(v) {
    return typeof v === "boolean" ? v : $expected("a boolean", v);
  },
  dec(j) {
    return typeof j === "boolean" ? j : $expected("a boolean", j);
  },
};

function $safeInt(v: unknown, what: string): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "number") {
    return $fail(
      Number.isInteger(v) ? v + " is beyond ±(2^53-1): a JS number cannot hold it exactly" : "expected " + what + ", got " + v,
    );
  }
  if (typeof v === "string" && v.startsWith($unsafe)) {
    return $fail(v.slice($unsafe.length) + " is beyond ±(2^53-1): a JS number cannot hold it exactly");
  }
  return $expected(what, v);
}

const $int: $Codec<number> = {
  enc: (v) => $safeInt(v, "an integer"),
  dec: (j) => $safeInt(j, "an integer"),
};

const $duration: $Codec<number> = {
  enc: (v) => $safeInt(v, "whole milliseconds"),
  dec: (j) => $safeInt(j, "whole milliseconds"),
};

const $double: $Codec<number> = {
  enc(v) {
    if (typeof v !== "number") return $expected("a number", v);
    return Number.isFinite(v) ? v : $fail(v + " has no JSON form");
  },
  dec(j) {
    if (typeof j === "number") return j;
    if (typeof j === "string" && j.startsWith($unsafe)) return Number(j.slice($unsafe.length));
    return $expected("a number", j);
  },
};

const $string: $Codec<string> = {
  enc(v) {
    return typeof v === "string" ? v : $expected("a string", v);
  },
  dec(j) {
    return typeof j === "string" && !j.startsWith($unsafe) ? j : $expected("a string", j);
  },
};

const $rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * $dateTime sends a Date as toISOString does (UTC, milliseconds) and reads
 * RFC 3339 with any fraction, keeping milliseconds (a Date holds no more;
 * the digits after them are dropped, never rounded up).
 */
const $dateTime: $Codec<Date> = {
  enc(v) {
    if (!(v instanceof Date)) return $expected("a Date", v);
    const y = v.getUTCFullYear();
    if (Number.isNaN(y)) return $fail("invalid Date");
    if (y < 1 || y > 9999) return $fail("year " + y + " is outside 0001-9999");
    return v.toISOString();
  },
  dec(j) {
    const m = typeof j === "string" ? $rfc3339.exec(j) : null;
    if (m === null) return $expected("an RFC 3339 date-time", j);
    const d = new Date(0);
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const ms = m[7] === undefined ? 0 : Number((m[7] + "00").slice(0, 3));
    d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), ms);
    if (m[8] === undefined) {
      const offset = (Number(m[10]) * 60 + Number(m[11])) * 60000;
      d.setTime(d.getTime() - (m[9] === "-" ? -offset : offset));
    }
    return d;
  },
};

const $b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const $b64Index = new Map<string, number>(Array.from($b64, (c, i) => [c, i]));

/** $bytes is a Uint8Array as padded standard base64. */
const $bytes: $Codec<Uint8Array> = {
  enc(v) {
    if (!(v instanceof Uint8Array)) return $expected("a Uint8Array", v);
    let s = "";
    for (let i = 0; i < v.length; i += 3) {
      const n = (v[i] << 16) | ((v[i + 1] ?? 0) << 8) | (v[i + 2] ?? 0);
      s += $b64[n >> 18] + $b64[(n >> 12) & 63];
      s += i + 1 < v.length ? $b64[(n >> 6) & 63] : "=";
      s += i + 2 < v.length ? $b64[n & 63] : "=";
    }
    return s;
  },
  dec(j) {
    if (typeof j !== "string" || j.length % 4 !== 0) return $expected("base64", j);
    const pad = j.endsWith("==") ? 2 : j.endsWith("=") ? 1 : 0;
    const out = new Uint8Array((j.length / 4) * 3 - pad);
    for (let i = 0, o = 0; i < j.length; i += 4) {
      let n = 0;
      for (let k = 0; k < 4; k++) {
        const c = j[i + k];
        const x = c === "=" && i + k >= j.length - pad ? 0 : $b64Index.get(c);
        if (x === undefined) return $expected("base64", j);
        n = (n << 6) | x;
      }
      out[o++] = n >> 16;
      if (o < out.length) out[o++] = (n >> 8) & 255;
      if (o < out.length) out[o++] = n & 255;
    }
    return out;
  },
};

const $uuidForm = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** $uuid is a UUID in its 36-character text form. */
const $uuid: $Codec<string> = {
  enc(v) {
    return typeof v === "string" && $uuidForm.test(v) ? v : $expected("a UUID", v);
  },
  dec(j) {
    return typeof j === "string" && $uuidForm.test(j) ? j : $expected("a UUID", j);
  },
};

/** $uri is a URI reference as a string; the server parses it. */
const $uri = $string;

/** $bigint is a bigint as a string of decimal digits. */
const $bigint: $Codec<bigint> = {
  enc(v) {
    return typeof v === "bigint" ? v.toString() : $expected("a bigint", v);
  },
  dec(j) {
    return typeof j === "string" && /^-?\d+$/.test(j) ? BigInt(j) : $expected("a decimal string", j);
  },
};

/** $nullable makes null (and undefined) a value of c. */
function $nullable<T>(c: $Codec<T>): $Codec<T | null> {
  return {
    enc: (v) => (v === null || v === undefined ? null : c.enc(v)),
    dec: (j) => (j === null || j === undefined ? null : c.dec(j)),
  };
}

function $list<T>(c: $Codec<T>): $Codec<T[]> {
  return {
    enc(v) {
      if (!Array.isArray(v)) return $expected("an array", v);
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) {
        try {
          out[i] = c.enc(v[i]);
        } catch (e) {
          throw $at(e, i);
        }
      }
      return out;
    },
    dec(j) {
      if (!Array.isArray(j)) return $expected("an array", j);
      const out = new Array<T>(j.length);
      for (let i = 0; i < j.length; i++) {
        try {
          out[i] = c.dec(j[i]);
        } catch (e) {
          throw $at(e, i);
        }
      }
      return out;
    },
  };
}

/** $set is a Set as a JSON array (the server sorts it). */
function $set<T>(c: $Codec<T>): $Codec<Set<T>> {
  const list = $list(c);
  return {
    enc: (v) => (v instanceof Set ? list.enc(Array.from(v)) : $expected("a Set", v)),
    dec: (j) => new Set(list.dec(j)),
  };
}

function $isObject(j: unknown): j is Record<string, unknown> {
  return typeof j === "object" && j !== null && !Array.isArray(j);
}

/** $isPlain reports whether v is a plain object (not a Map, Set, Date, …). */
function $isPlain(v: unknown): v is Record<string, unknown> {
  if (!$isObject(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** $put sets o[k], also for the key "__proto__". */
function $put(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") {
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  } else {
    o[k] = v;
  }
}

/** $record is a Map<String, V> as a JSON object. */
function $record<T>(c: $Codec<T>): $Codec<Record<string, T>> {
  return {
    enc(v) {
      if (!$isPlain(v)) return $expected("a plain object", v);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        try {
          $put(out, k, c.enc(v[k]));
        } catch (e) {
          throw $at(e, k);
        }
      }
      return out;
    },
    dec(j) {
      if (!$isObject(j)) return $expected("an object", j);
      const out: Record<string, T> = {};
      for (const k of Object.keys(j)) {
        try {
          $put(out, k, c.dec(j[k]));
        } catch (e) {
          throw $at(e, k);
        }
      }
      return out;
    },
  };
}

/** $entries is a Map with keys other than String as [{"k": key, "v": value}, …]. */
function $entries<K, V>(key: $Codec<K>, value: $Codec<V>): $Codec<Map<K, V>> {
  return {
    enc(v) {
      if (!(v instanceof Map)) return $expected("a Map", v);
      const out: unknown[] = [];
      let i = 0;
      for (const [k, x] of v) {
        try {
          out.push({ k: key.enc(k), v: value.enc(x) });
        } catch (e) {
          throw $at(e, i);
        }
        i++;
      }
      return out;
    },
    dec(j) {
      if (!Array.isArray(j)) return $expected("an array of entries", j);
      const out = new Map<K, V>();
      for (let i = 0; i < j.length; i++) {
        try {
          const e = $object(j[i]);
          out.set($field(key, e, "k"), $field(value, e, "v"));
        } catch (e) {
          throw $at(e, i);
        }
      }
      return out;
    },
  };
}

/** $byName is an enum sent as its value's name; def takes unknown names. */
function $byName<T extends string>(values: readonly T[], def?: T): $Codec<T> {
  const known = new Set<string>(values);
  return {
    enc: (v) => (known.has(v) ? v : $fail("unknown value " + JSON.stringify(v))),
    dec(j) {
      if (typeof j !== "string") return $expected("a string", j);
      if (known.has(j)) return j as T;
      return def ?? $fail("unknown value " + JSON.stringify(j));
    },
  };
}

/** $byIndex is an enum sent as its value's position; def takes unknown ones. */
function $byIndex<T extends number>(count: number, def?: T): $Codec<T> {
  return {
    enc: (v) => (Number.isInteger(v) && v >= 0 && v < count ? v : $fail("unknown value " + v)),
    dec(j) {
      const i = $safeInt(j, "an integer");
      if (i >= 0 && i < count) return i as T;
      return def ?? $fail("unknown value " + i);
    },
  };
}

/** $object is a JSON object, the form of a class. */
function $object(j: unknown): Record<string, unknown> {
  return $isObject(j) ? j : $expected("an object", j);
}

/** $field decodes the member key of o. */
function $field<T>(c: $Codec<T>, o: Record<string, unknown>, key: string): T {
  try {
    return c.dec(o[key]);
  } catch (e) {
    throw $at(e, key);
  }
}

/** $member encodes the member key of a class value. */
function $member<T>(c: $Codec<T>, v: T, key: string): unknown {
  try {
    return c.enc(v);
  } catch (e) {
    throw $at(e, key);
  }
}

/** $void is the result of a method that returns only an error. */
const $void: $Codec<void> = { enc: () => null, dec: () => undefined };

/** $Exceptions builds the app's exceptions from an error answer's class. */
type $Exceptions = Record<string, (message: string, data: unknown, status: number) => ServerException>;

function $message(e: unknown): string {
  if (e instanceof $WireError) {
    const path = e.path.map((k, i) => (typeof k === "number" ? "[" + k + "]" : i === 0 ? k : "." + k)).join("");
    return (path === "" ? "" : path + ": ") + e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** $Transport posts a call and turns its answer into a value or an error. */
class $Transport {
  authKey: string | null;
  private readonly base: string;
  private readonly fetch?: Fetch;
  private readonly exceptions: $Exceptions;

  constructor(baseUrl: string, options: ClientOptions, exceptions: $Exceptions) {
    this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.authKey = options.authKey ?? null;
    this.fetch = options.fetch;
    this.exceptions = exceptions;
  }

  /**
   * call posts the parameters (name, codec, value, … ; undefined ones are
   * left out) to path ("example/hello") and decodes a 200 answer with result.
   */
  async call<T>(path: string, params: unknown[], result: $Codec<T>, opts?: CallOptions): Promise<T> {
    const body: Record<string, unknown> = {};
    for (let i = 0; i < params.length; i += 3) {
      const name = params[i] as string;
      const value = params[i + 2];
      if (value === undefined) continue;
      try {
        body[name] = (params[i + 1] as $Codec<unknown>).enc(value);
      } catch (e) {
        throw new ClientError(0, "parameter " + $message($at(e, name)), e);
      }
    }
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (this.authKey !== null && this.authKey !== "") {
      headers["Authorization"] = "Bearer " + this.authKey;
    }
    const fetch = this.fetch ?? (globalThis as unknown as { fetch: Fetch }).fetch;
    let status: number;
    let text: string;
    try {
      const init = { method: "POST", headers, body: JSON.stringify(body), signal: opts?.signal };
      const res = await fetch(this.base + path, init);
      status = res.status;
      text = await res.text();
    } catch (e) {
      const aborted = opts?.signal?.aborted === true;
      throw new ClientError(0, aborted ? "call aborted" : "POST " + path + ": " + $message(e), e, aborted);
    }
    if (status !== 200) {
      throw this.failure(status, text);
    }
    try {
      return result.dec($parse(text));
    } catch (e) {
      throw new ClientError(status, "decoding result: " + $message(e), e);
    }
  }

  /** failure is the error of a non-200 answer: an exception or a ClientError. */
  private failure(status: number, text: string): Error {
    let env: unknown;
    try {
      env = $parse(text);
    } catch {
      env = undefined;
    }
    if (!$isObject(env) || typeof env.error !== "string") {
      return new ClientError(status, text.trim() === "" ? "status " + status : text.trim());
    }
    const make = typeof env.class === "string" ? this.exceptions[env.class] : undefined;
    if (make === undefined || !Object.prototype.hasOwnProperty.call(this.exceptions, env.class as string)) {
      return new ClientError(status, env.error);
    }
    try {
      return make(env.error, env.data, status);
    } catch (e) {
      return new ClientError(status, "decoding " + String(env.class) + ": " + $message(e), e);
    }
  }
}

// Each app uses some of the codecs above; this reads them all, so that
// the client also compiles with noUnusedLocals.
void [$bool, $int, $duration, $double, $string, $dateTime, $bytes, $uuid, $uri, $bigint, $void];
void [$nullable, $list, $set, $record, $entries, $byName, $byIndex, $object, $field, $member];
