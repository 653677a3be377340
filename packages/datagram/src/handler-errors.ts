/**
 * Containment of receive-handler failures, shared by both backends: a handler that throws costs its datagram,
 * is counted, and is reported to the socket's `onHandlerError` hook (or once as a process warning).
 */
export class HandlerErrors {
  readonly #hook: ((err: unknown) => void) | undefined;
  count = 0;

  constructor(hook: ((err: unknown) => void) | undefined) {
    this.#hook = hook;
  }

  report(err: unknown): void {
    this.count++;
    if (this.#hook === undefined) {
      if (this.count === 1)
        process.emitWarning(`datagram handler failed: ${String(err)}`, "DatagramHandlerError");
      return;
    }
    try {
      this.#hook(err);
    } catch {
      // A failing hook must not undo the containment.
    }
  }
}
