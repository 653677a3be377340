/** Who a session is: from a verified token, or anonymous. */
export interface Identity {
  readonly anonymous: boolean;
  readonly userId?: string;
  readonly name?: string;
  readonly email?: string;
  /** Rooms the token grants (absent: any room). */
  readonly rooms?: readonly string[];
  /** Rooms in which the token makes the user a host. */
  readonly hostOf?: readonly string[];
  /** The token's `role` claim is `"admin"` or a list naming `"admin"`: may read any user's meetings. */
  readonly admin?: boolean;
}

export const ANONYMOUS: Identity = Object.freeze({ anonymous: true });
