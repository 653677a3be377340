// What the deploy tests ask of STUN and TURN, on the shared test client: does a credential allocate, does a
// Binding get answered.
import { StunClass, StunMethod, encodeStunMessage, newTransactionId } from "@switchboard/stun-codec";
import { TestTurnClient, errorCode } from "@switchboard/test-support";

async function withClient<T>(
  host: string,
  port: number,
  creds: { username: string; password: string },
  use: (client: TestTurnClient) => Promise<T>,
): Promise<T> {
  const client = new TestTurnClient({ transport: "udp", server: { address: host, port }, ...creds });
  await client.open();
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** Allocates over UDP with the given credentials (answering the 401 challenge): "success" or the error code. */
export function allocate(
  host: string,
  port: number,
  creds: { username: string; password: string },
): Promise<"success" | number> {
  return withClient(host, port, creds, async (c) => errorCode(await c.allocate()) ?? "success");
}

/** A STUN Binding request over UDP: "success" or the error code. */
export function stunBinding(host: string, port: number): Promise<"success" | number> {
  return withClient(host, port, { username: "", password: "" }, async (c) => {
    const transactionId = newTransactionId();
    const request = encodeStunMessage({ method: StunMethod.Binding, cls: StunClass.Request, transactionId });
    const answer = await c.transact(request, transactionId);
    return answer.cls === StunClass.SuccessResponse ? "success" : (errorCode(answer) ?? -1);
  });
}
