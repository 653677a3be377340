import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import type { Outgoing } from "../signaling/session.js";
import { establishedReport } from "./outcome-report.js";
import { DeferredReports, pageEvents } from "./deferred-reports.js";

const report = (setupMs: number): Outgoing =>
  establishedReport({ peerId: "p", method: "host", setupMs }, false);

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("connection reports sent a moment later", () => {
  it("wait their delay, then go once each, in order", async () => {
    const sent: Outgoing[] = [];
    const reports = new DeferredReports((m) => sent.push(m), 40);
    const t0 = Date.now();
    reports.add(report(1));
    reports.add(report(2));
    assert.equal(sent.length, 0, "not sent at once");
    assert.equal(reports.waiting, 2);
    await until("both reports", () => sent.length === 2);
    assert.ok(Date.now() - t0 >= 35, "after the delay");
    assert.deepEqual(sent, [report(1), report(2)]);
    assert.equal(reports.waiting, 0);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(sent.length, 2, "never twice");
  });

  it("go at once on flush (the session is about to close) and not again later", async () => {
    const sent: Outgoing[] = [];
    const reports = new DeferredReports((m) => sent.push(m), 40);
    reports.add(report(3));
    reports.flush();
    assert.deepEqual(sent, [report(3)]);
    assert.equal(reports.waiting, 0);
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(sent, [report(3)]);
  });

  it("go at once when the page is hidden for good, and stop listening once none waits", async () => {
    const page = new EventTarget();
    let listening = 0;
    const events = {
      addEventListener: (type: "pagehide", fn: () => void) => {
        listening++;
        page.addEventListener(type, fn);
      },
      removeEventListener: (type: "pagehide", fn: () => void) => {
        listening--;
        page.removeEventListener(type, fn);
      },
    };
    const sent: Outgoing[] = [];
    const reports = new DeferredReports((m) => sent.push(m), 10_000, events);
    reports.add(report(4));
    reports.add(report(5));
    assert.equal(listening, 1, "one listener for any number waiting");
    page.dispatchEvent(new Event("pagehide"));
    assert.deepEqual(sent, [report(4), report(5)]);
    assert.equal(listening, 0);
    page.dispatchEvent(new Event("pagehide"));
    assert.equal(sent.length, 2, "never twice");

    const quick = new DeferredReports((m) => sent.push(m), 20, events);
    quick.add(report(6));
    assert.equal(listening, 1);
    await until("the timed report", () => sent.length === 3);
    assert.equal(listening, 0, "the listener goes with the last waiting report");
  });

  it("listen to no page outside a browser", () => {
    assert.equal(pageEvents(), undefined);
  });
});
