// nginx for the deploy suite on a rendered tree (lib/nginx-config.ts): the official image through testcontainers
// or the local binary, as @switchboard/test-support's deployBacking() decides for the whole run.
import { deployBacking } from "@switchboard/test-support";
import { nginxPlan } from "./container-plan.js";
import { localNginxTest, NGINX_BIN, nginxArgs, type NginxTree } from "./nginx-config.js";
import { startProc, type Running } from "./processes.js";

/** Starts nginx in the foreground on a tree; wait for it with waitForHttp(…, { proc }). */
export async function startNginx(tree: NginxTree): Promise<Running> {
  if ((await deployBacking()) === "container") {
    const { startContainer } = await import("./containers.js");
    return startContainer(nginxPlan(tree));
  }
  return startProc("nginx", NGINX_BIN, nginxArgs(tree));
}

/** `nginx -t` on a tree; returns nginx's exit status and what it printed. */
export async function nginxTest(tree: NginxTree): Promise<{ status: number | null; output: string }> {
  if ((await deployBacking()) === "container") {
    const { runContainer } = await import("./containers.js");
    return runContainer(nginxPlan(tree, { check: true }));
  }
  return localNginxTest(tree);
}
