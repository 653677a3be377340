/** A throwaway self-signed certificate for TLS tests (openssl; P-256, valid one day). */
import { execFileSync } from "node:child_process";

export function makeSelfSignedCert(keyPath: string, certPath: string, cn = "localhost"): void {
  execFileSync(
    "openssl",
    [
      ...[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
      ],
      ...["-keyout", keyPath, "-out", certPath, "-subj", `/CN=${cn}`],
    ],
    { stdio: "ignore" },
  );
}
