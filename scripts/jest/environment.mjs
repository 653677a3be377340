// The jest test environment of every project: node's, with the test realm's seams to node's built-ins closed
// (see below), plus one thing jest lacks: a test that calls skipTest(reason) (@switchboard/test-support/jest)
// from inside its body is reported as skipped, with the reason appended to its name, instead of failed. Any other
// error of the same test still fails it.
import { TestEnvironment } from "jest-environment-node";

const MARK = "switchboardSkip";

// Jest itself needs --experimental-vm-modules; the services and tools the tests spawn must not inherit it (their
// stderr would carry the experimental warning). The environment module loads in the worker's own realm, so this
// edits the real process.env that child processes get.
if (process.env.NODE_OPTIONS) {
  const rest = process.env.NODE_OPTIONS.split(/\s+/)
    .filter((o) => o && o !== "--experimental-vm-modules" && o !== "--disable-warning=ExperimentalWarning")
    .join(" ");
  if (rest) process.env.NODE_OPTIONS = rest;
  else delete process.env.NODE_OPTIONS;
}

export default class SwitchboardEnvironment extends TestEnvironment {
  #reasons = new WeakMap();
  #restore = [];

  // A test file runs in a vm context of its own, whose Object and Array are not the ones node's built-ins create
  // objects with. `fetch` is node's: the data of `await res.json()` would then fail node:assert's deepStrictEqual
  // against a literal ({} and [] of the test) on the prototype check alone. Parse response bodies in the test's
  // realm instead (the body text is the same; only the realm of the resulting objects changes).
  constructor(config, context) {
    super(config, context);
    // Errors that node's built-ins throw (fs, child_process, util.parseArgs, sockets…) are of the outer realm: make
    // `err instanceof Error` (and TypeError…) in the test's realm true for them too, as it is outside jest.
    const ordinary = Function.prototype[Symbol.hasInstance];
    for (const name of [
      "Error",
      "TypeError",
      "RangeError",
      "SyntaxError",
      "ReferenceError",
      "EvalError",
      "URIError",
      "AggregateError",
    ]) {
      const inner = this.global[name];
      const outer = globalThis[name];
      if (typeof inner !== "function" || inner === outer) continue;
      Object.defineProperty(inner, Symbol.hasInstance, {
        configurable: true,
        value(value) {
          // `this` is the class on the right of instanceof: subclasses keep the ordinary check.
          return ordinary.call(this, value) || (this === inner && ordinary.call(outer, value));
        },
      });
    }
  }

  async setup() {
    await super.setup();
    const json = this.global.JSON;
    for (const Body of [this.global.Response, this.global.Request]) {
      if (typeof Body !== "function") continue;
      const original = Object.getOwnPropertyDescriptor(Body.prototype, "json");
      Object.defineProperty(Body.prototype, "json", {
        ...original,
        value: async function () {
          return json.parse(await this.text());
        },
      });
      this.#restore.push(() => Object.defineProperty(Body.prototype, "json", original));
    }
  }

  async teardown() {
    for (const undo of this.#restore.splice(0)) undo();
    await super.teardown();
  }

  async handleTestEvent(event) {
    if (event.name === "test_fn_failure" && typeof event.error?.[MARK] === "string") {
      this.#reasons.set(event.test, event.error[MARK]);
    } else if (event.name === "test_done" && this.#reasons.has(event.test)) {
      const test = event.test;
      const reason = this.#reasons.get(test);
      test.errors = test.errors.filter(([err]) => typeof err?.[MARK] !== "string");
      if (test.errors.length === 0) {
        test.status = "skip";
        test.name = `${test.name} (skipped: ${reason})`;
      }
    }
  }
}
