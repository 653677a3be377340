import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Registry } from "@switchboard/runtime";
import { createSignalingMetrics } from "./metrics.js";

describe("signaling metrics", () => {
  it("hands bus counts kept as plain numbers to the counter when scraped, and keeps counting after", async () => {
    const registry = new Registry();
    const m = createSignalingMetrics(registry);
    m.countBus("out");
    m.countBus("out", 149);
    m.countBus("in", 3);
    const line = (text: string, direction: string) =>
      text.split("\n").find((l) => l.startsWith(`signaling_bus_messages_total{direction="${direction}"}`));
    let text = await registry.metrics();
    assert.equal(line(text, "out"), 'signaling_bus_messages_total{direction="out"} 150');
    assert.equal(line(text, "in"), 'signaling_bus_messages_total{direction="in"} 3');
    m.countBus("in");
    text = await registry.metrics();
    assert.equal(line(text, "in"), 'signaling_bus_messages_total{direction="in"} 4');
    assert.equal(line(text, "out"), 'signaling_bus_messages_total{direction="out"} 150');
  });
});
