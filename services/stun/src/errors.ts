/** Coded errors of the STUN service (start-up failures; protocol problems become STUN error replies instead). */
export class WorkerStartError extends Error {
  readonly code = "STUN_ERR_WORKER_START";

  constructor(message: string) {
    super(message);
    this.name = "WorkerStartError";
  }
}
