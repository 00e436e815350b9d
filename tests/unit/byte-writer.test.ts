import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ByteWriter } from "@/lib/mail-server/net/byte-writer";

describe("ByteWriter", () => {
  it("writes integers as decimal text, from 0 to 2^53", () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { maxLength: 20 }), (values) => {
        const out = new ByteWriter(8);
        for (const value of values) out.integer(value).text(" ");
        expect(out.take().toString("latin1")).toBe(values.map((v) => `${v} `).join(""));
      }),
    );
    expect(new ByteWriter(4).integer(0).integer(9).integer(10).integer(2 ** 53).take().toString()).toBe(`0910${2 ** 53}`);
  });

  it("writes text as UTF-8, grows past its capacity, and starts empty after take", () => {
    const out = new ByteWriter(4);
    out.text("* 1 FETCH (FLAGS (\\Seen $Étiquette 标签))\r\n");
    expect(out.pending).toBe(Buffer.byteLength("* 1 FETCH (FLAGS (\\Seen $Étiquette 标签))\r\n"));
    const first = out.take();
    expect(first.toString("utf8")).toBe("* 1 FETCH (FLAGS (\\Seen $Étiquette 标签))\r\n");
    out.text("next");
    expect(out.take().toString()).toBe("next");
    // What was taken is not overwritten by later writes.
    expect(first.toString("utf8")).toBe("* 1 FETCH (FLAGS (\\Seen $Étiquette 标签))\r\n");
  });

  it("writes long text, bytes and integers in order, and takes nothing as an empty buffer", () => {
    const out = new ByteWriter(8);
    expect(out.take().length).toBe(0);
    const long = "* SEARCH " + Array.from({ length: 40 }, (_, i) => i).join(" ") + " 标签";
    out.text(long).bytes(Buffer.from([0, 255, 13, 10])).integer(42);
    expect(out.take().equals(Buffer.concat([Buffer.from(long, "utf8"), Buffer.from([0, 255, 13, 10]), Buffer.from("42")]))).toBe(true);
  });
});
