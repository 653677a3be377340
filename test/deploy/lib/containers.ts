// Starts a ContainerPlan (lib/container-plan.ts) with testcontainers, imported only here and only when
// @switchboard/test-support's deployBacking() says "container"; testcontainers' reaper removes what a crashed run
// leaves behind.
import type { Readable } from "node:stream";
import type { ContainerPlan } from "./container-plan.js";
import type { Running } from "./processes.js";

/** testcontainers' container for a plan, not started (the tests read the request it would send). */
export async function containerFor(
  plan: ContainerPlan,
  onLogs: (stream: Readable) => void = () => undefined,
) {
  const { GenericContainer } = await import("testcontainers");
  return new GenericContainer(plan.image)
    .withEntrypoint([...plan.entrypoint])
    .withCommand([...plan.command])
    .withNetworkMode(plan.networkMode)
    .withUser(plan.user)
    .withBindMounts(plan.binds.map((b) => ({ source: b.source, target: b.target, mode: b.mode })))
    .withLogConsumer(onLogs)
    .withStartupTimeout(120_000);
}

/** A long-running server (nginx, Prometheus); the caller waits for it to answer, as for a local process. */
export async function startContainer(plan: ContainerPlan): Promise<Running> {
  let out = "";
  let ended = false;
  const started = await (
    await containerFor(plan, (stream) => {
      stream.on("data", (d: Buffer | string) => (out += d.toString()));
      stream.on("close", () => (ended = true)).on("end", () => (ended = true));
    })
  ).start();
  return {
    name: plan.name,
    output: () => out,
    running: () => !ended,
    stop: async () => {
      await started.stop({ timeout: 5000 });
    },
  };
}

/**
 * A container that runs to its end (`nginx -t`): its exit status and output. A start that fails for another reason
 * than the command's own failure (no image, no engine) is thrown, not reported as a failed check.
 */
export async function runContainer(plan: ContainerPlan): Promise<{ status: number; output: string }> {
  const { Wait } = await import("testcontainers");
  let out = "";
  let closed: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (closed = resolve));
  const c = (
    await containerFor(plan, (stream) => {
      stream.on("data", (d: Buffer | string) => (out += d.toString()));
      stream.on("close", () => closed()).on("end", () => closed());
    })
  ).withWaitStrategy(Wait.forOneShotStartup());
  try {
    await (await c.start()).stop();
    return { status: 0, output: out };
  } catch (err) {
    // The one-shot check fails on a non-zero exit: tell it from a failed start by what nginx printed.
    await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
    if (!/^nginx: /m.test(out)) throw err;
    return { status: 1, output: out };
  }
}
