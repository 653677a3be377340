/** The signaling session's states: connecting → open → resuming → (open | rejoining → open) → closed. */
export type SignalingState = "connecting" | "open" | "resuming" | "rejoining" | "closed";

const TRANSITIONS: Readonly<Record<SignalingState, readonly SignalingState[]>> = {
  connecting: ["open", "closed"],
  open: ["resuming", "closed"],
  resuming: ["open", "rejoining", "closed"],
  rejoining: ["open", "resuming", "closed"],
  closed: [],
};

/** Whether the session may move from one state to another. */
export function canTransition(from: SignalingState, to: SignalingState): boolean {
  return TRANSITIONS[from].includes(to);
}
