/** A Svelte action: plays a MediaStream in a `<video>` (srcObject is not an attribute). */
export function srcObject(
  node: HTMLVideoElement,
  stream: MediaStream | null | undefined,
): { update(s: MediaStream | null | undefined): void } {
  const set = (s: MediaStream | null | undefined): void => {
    if (node.srcObject === (s ?? null)) return;
    node.srcObject = s ?? null;
    if (s) void node.play().catch(() => undefined);
  };
  set(stream);
  return { update: set };
}
