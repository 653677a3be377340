// The least TURN client that proves a credential: Allocate over UDP, answer the 401 challenge with the long-term
// key, report what the server finally said (success, or the error code).
import { createSocket, type Socket } from "node:dgram";
import {
  AttributeType,
  StunClass,
  StunMethod,
  decodeErrorCode,
  decodeStunMessage,
  decodeText,
  encodeRequestedTransport,
  encodeStunMessage,
  getAttribute,
  longTermKey,
  newTransactionId,
  textAttribute,
  type StunAttribute,
  type StunMessage,
} from "@switchboard/stun-codec";

const UDP = 17;

/** One request, one answer, over a socket kept for the whole exchange (TURN nonces belong to the 5-tuple). */
function exchange(
  sock: Socket,
  host: string,
  port: number,
  packet: Uint8Array,
  timeoutMs = 3000,
): Promise<StunMessage> {
  return new Promise<StunMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no TURN answer from ${host}:${port}`)), timeoutMs);
    sock.once("message", (msg: Buffer) => {
      clearTimeout(timer);
      try {
        resolve(decodeStunMessage(new Uint8Array(msg)));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    sock.send(packet, port, host);
  });
}

function text(msg: StunMessage, type: number): string {
  const a = getAttribute(msg, type);
  if (!a) throw new Error(`attribute ${type} missing`);
  return decodeText(a.value, type);
}

/** Allocates with the given credentials: "success" or the final error code. */
export async function allocate(
  host: string,
  port: number,
  creds: { username: string; password: string },
): Promise<"success" | number> {
  const sock = createSocket("udp4");
  try {
    return await allocateOn(sock, host, port, creds);
  } finally {
    sock.close();
  }
}

async function allocateOn(
  sock: Socket,
  host: string,
  port: number,
  creds: { username: string; password: string },
): Promise<"success" | number> {
  const transport: StunAttribute = {
    type: AttributeType.RequestedTransport,
    value: encodeRequestedTransport(UDP),
  };
  const challenge = await exchange(
    sock,
    host,
    port,
    encodeStunMessage({
      method: StunMethod.Allocate,
      cls: StunClass.Request,
      transactionId: newTransactionId(),
      attributes: [transport],
    }),
  );
  const err = getAttribute(challenge, AttributeType.ErrorCode);
  if (challenge.cls !== StunClass.ErrorResponse || !err || decodeErrorCode(err.value).code !== 401) {
    throw new Error("expected a 401 challenge");
  }
  const realm = text(challenge, AttributeType.Realm);
  const nonce = text(challenge, AttributeType.Nonce);
  const key = longTermKey({ username: creds.username, realm, password: creds.password });
  const answer = await exchange(
    sock,
    host,
    port,
    encodeStunMessage(
      {
        method: StunMethod.Allocate,
        cls: StunClass.Request,
        transactionId: newTransactionId(),
        attributes: [
          transport,
          textAttribute(AttributeType.Username, creds.username),
          textAttribute(AttributeType.Realm, realm),
          textAttribute(AttributeType.Nonce, nonce),
        ],
      },
      { integrity: { key }, fingerprint: true },
    ),
  );
  if (answer.cls === StunClass.SuccessResponse) return "success";
  const code = getAttribute(answer, AttributeType.ErrorCode);
  return code ? decodeErrorCode(code.value).code : -1;
}

/** A STUN Binding request over UDP: "success" or the error code. */
export async function stunBinding(host: string, port: number): Promise<"success" | number> {
  const sock = createSocket("udp4");
  try {
    const answer = await exchange(
      sock,
      host,
      port,
      encodeStunMessage({
        method: StunMethod.Binding,
        cls: StunClass.Request,
        transactionId: newTransactionId(),
      }),
    );
    if (answer.cls === StunClass.SuccessResponse) return "success";
    const code = getAttribute(answer, AttributeType.ErrorCode);
    return code ? decodeErrorCode(code.value).code : -1;
  } finally {
    sock.close();
  }
}
