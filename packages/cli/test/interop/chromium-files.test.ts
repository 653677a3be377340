/**
 * Interop: headless Chromium downloads a 6 MB file from `switchboard share` (Node) with the browser builds of the SDK
 * and @switchboard/files, saving it through the Origin Private File System; the page reads it back from OPFS and it
 * is byte-equal (SHA-256 of the whole file) to what was shared; a second download over a tampered `.part` with a
 * bitfield claiming every piece re-hashes on resume and refetches only the bad piece. Runs in a network namespace
 * with only `lo` (root).
 */
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resultLine, runInLoopbackNamespace, tsxCommand } from "@switchboard/test-support";
import type { FilesPageResult } from "./chromium-files-run.js";

const RUNNER = fileURLToPath(new URL("./chromium-files-run.ts", import.meta.url));

describe("Chromium page (browser builds) downloads from switchboard share into OPFS", () => {
  // It timed out under load when the seeder's (node-datachannel) channel delivered the page's first frames before
  // its own `open`, and the SDK dropped them: packages/client/test/early-messages.test.ts covers the fix.
  it("every piece verified, stored in OPFS, byte-equal", async () => {
    const { code, output } = await runInLoopbackNamespace({
      prefix: "files2opfs",
      command: tsxCommand(RUNNER),
      killAfterMs: 140_000,
    });
    const line = resultLine(output);
    assert.ok(line, `runner exited ${code}: ${output.slice(-4000)}`);
    const r = JSON.parse(line) as { page: FilesPageResult; expected: { size: number; sha256: string } };
    assert.equal(r.page.opfs, true, "the download went to OPFS, not the memory fallback");
    assert.equal(r.page.piecesVerified, r.page.pieceCount);
    assert.ok(r.page.pieceCount > 1);
    assert.equal(r.page.size, r.expected.size);
    assert.equal(r.page.sha256, r.expected.sha256);
    assert.equal(r.page.bitsFileGone, true, "the bitfield file is removed once the download is complete");
    // Resume over a tampered .part whose bitfield claims every piece: piece 1 is caught and fetched again, only it.
    assert.deepEqual(r.page.resume.discarded, [1]);
    assert.equal(r.page.resume.bytesReceived, r.page.resume.pieceSize);
    assert.equal(r.page.resume.sha256, r.expected.sha256);
  }, 150_000);
});
