// The composer's checks on files as they are added: what fits under the server's limit (base64 counted),
// and each file's share of an upload's progress.
import { describe, expect, it } from "vitest";
import { fileProgress, fitFiles } from "@/components/compose/files";
import { base64Size, estimatedMessageSize, MESSAGE_OVERHEAD_BYTES, PART_OVERHEAD_BYTES } from "@/lib/user-agent/compose/encoded-size";

const file = (name: string, size: number) => new File([new Uint8Array(size)], name);

describe("files added to the composer", () => {
  it("takes files in order until one would pass the limit, and names that one with the size the message would have had", () => {
    const limit = estimatedMessageSize(100, [300_000, 300_000]);
    const [a, b, c, d] = [file("a.bin", 300_000), file("b.bin", 300_000), file("c.bin", 1), file("d.bin", 1)];
    const { accepted, refused } = fitFiles([a, b, c, d], 100, [], limit);
    expect(accepted).toEqual([a, b]);
    expect(refused?.file).toBe(c);
    expect(refused?.total).toBe(limit + base64Size(1) + PART_OVERHEAD_BYTES);
  });

  it("counts what the message already carries, and base64's growth: a file of 3/4 the limit does not fit", () => {
    const limit = 1_000_000;
    expect(fitFiles([file("big.bin", 750_000)], 0, [], limit).refused).not.toBeNull();
    expect(fitFiles([file("ok.bin", 700_000)], 0, [], limit).refused).toBeNull();
    expect(fitFiles([file("ok.bin", 400_000)], 0, [400_000], limit).refused).not.toBeNull();
    expect(MESSAGE_OVERHEAD_BYTES).toBeGreaterThan(0);
  });

  it("with no known limit takes everything", () => {
    expect(fitFiles([file("x", 10)], 0, [], null)).toEqual({ accepted: [expect.any(File)], refused: null });
  });

  it("splits an upload's progress over its files, in the form's order (the files last)", () => {
    const [a, b] = [file("a", 100), file("b", 300)];
    // 50 bytes of the form before the files.
    const total = 450;
    expect([...fileProgress([a, b], 25, total).values()]).toEqual([0, 0]);
    expect([...fileProgress([a, b], 100, total).values()]).toEqual([0.5, 0]);
    expect([...fileProgress([a, b], 300, total).values()]).toEqual([1, 0.5]);
    expect([...fileProgress([a, b], 450, total).values()]).toEqual([1, 1]);
  });
});
