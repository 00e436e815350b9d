import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GATHER_BELOW, GatheredOutput } from "@/lib/mail-server/net/gathered-output";

/** Strings (any Unicode, lone surrogates too) and Buffers, some of them too long to gather. */
const chunk = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes)),
  fc.integer({ min: GATHER_BELOW - 2, max: GATHER_BELOW + 2 }).map((n) => Buffer.alloc(n, n % 251)),
  fc.integer({ min: Math.floor(GATHER_BELOW / 3) - 2, max: GATHER_BELOW + 2 }).map((n) => "é".repeat(n)),
);

describe("GatheredOutput", () => {
  it("hands on every chunk's bytes in order, as Connection uses it: gathered, or taken ahead of a long one", () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 60 }), fc.array(fc.nat(59)), (chunks, takeAt) => {
        const gathered = new GatheredOutput();
        const sent: Buffer[] = [];
        const send = (data: string | Buffer) => sent.push(typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data));
        const takeNow = () => {
          const taken = gathered.take();
          if (taken) send(taken);
        };
        chunks.forEach((data, i) => {
          if (!gathered.add(data)) {
            expect(data.length).toBeGreaterThanOrEqual(GATHER_BELOW);
            takeNow();
            send(data);
          }
          if (takeAt.includes(i)) takeNow();
        });
        takeNow();
        expect(gathered.size).toBe(0);
        const expected = Buffer.concat(chunks.map((data) => (typeof data === "string" ? Buffer.from(data, "utf8") : data)));
        expect(Buffer.concat(sent).equals(expected)).toBe(true);
      }),
    );
  });

  it("counts what it holds, and what it handed on is not overwritten by later chunks", () => {
    const gathered = new GatheredOutput();
    expect(gathered.take()).toBeNull();
    gathered.add("* 1 EXISTS\r\n");
    gathered.add(Buffer.from("* OK [UIDNEXT 2] 标签\r\n"));
    expect(gathered.size).toBe(Buffer.byteLength("* 1 EXISTS\r\n* OK [UIDNEXT 2] 标签\r\n"));
    const first = gathered.take()!;
    gathered.add("x".repeat(10_000));
    gathered.add(Buffer.alloc(10_000, 0x79));
    expect(gathered.take()!.length).toBe(20_000);
    expect(first.toString("utf8")).toBe("* 1 EXISTS\r\n* OK [UIDNEXT 2] 标签\r\n");
  });
});
