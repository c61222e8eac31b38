// A tiny assertion harness shared by the test programs (copied next to
// each one). It knows the client's value kinds: Date, Uint8Array, Map,
// Set, bigint, arrays and plain objects.

export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    const bs = Array.from(b);
    return Array.from(a).every((x) => bs.some((y) => same(x, y)));
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    const be = Array.from(b);
    return Array.from(a).every(([k, v]) => be.some(([k2, v2]) => same(k, k2) && same(v, v2)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return same(ka, kb) && ka.every((k) => same(ra[k], rb[k]));
  }
  return false;
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === "bigint") return x.toString() + "n";
    if (x instanceof Map) return { Map: Array.from(x) };
    if (x instanceof Set) return { Set: Array.from(x) };
    if (x instanceof Uint8Array) return { Uint8Array: Array.from(x) };
    return x;
  });
}

export class Harness {
  passed = 0;
  failures: string[] = [];

  ok(cond: boolean, what: string): void {
    if (cond) this.passed++;
    else this.failures.push(what);
  }

  eq(got: unknown, want: unknown, what: string): void {
    this.ok(same(got, want), what + ": got " + show(got) + ", want " + show(want));
  }

  /** echo calls f with v and expects v back (or want). */
  async echo<T>(what: string, f: (v: T) => Promise<unknown>, v: T, want: unknown = v): Promise<void> {
    try {
      this.eq(await f(v), want, what);
    } catch (e) {
      this.failures.push(what + ": threw " + String(e));
    }
  }

  /** rejects expects p to reject and hands the error to check. */
  async rejects(what: string, p: Promise<unknown>, check: (e: unknown) => boolean): Promise<void> {
    try {
      const v = await p;
      this.failures.push(what + ": resolved with " + show(v));
    } catch (e) {
      this.ok(check(e), what + ": wrong error " + String(e) + " " + show(e));
    }
  }

  /** done prints the result; a failure makes the process exit with 1. */
  done(name: string): boolean {
    for (const f of this.failures) console.log("FAIL " + f);
    console.log(name + ": " + this.passed + " passed, " + this.failures.length + " failed");
    return this.failures.length === 0;
  }
}

declare const console: { log(s: string): void };
