// A whole `* n FETCH (…)` response for one message: every item's name and value, sections as
// literals, and the result parses back as one well-formed FETCH response.
import { describe, expect, it } from "vitest";
import { analyzeMessage } from "@/lib/mime/analyze";
import { formatInternalDate, parseFetchAttributes, renderBodyStructure, renderEnvelope, renderFetchResponse, type FetchMessage } from "@/lib/mail-server/imap/fetch";
import { parseFetchResponse } from "./dovecot";
import { MIXED } from "./messages";

async function message(withRaw: boolean): Promise<FetchMessage> {
  const analysis = await analyzeMessage(MIXED.raw);
  return {
    uid: 42,
    flags: ["\\Seen", "$Forwarded"],
    internalDate: new Date(Date.UTC(1996, 6, 7, 2, 44, 25)),
    size: MIXED.raw.length,
    modseq: 12345678901234567n,
    envelope: analysis.envelope,
    structure: analysis.structure,
    raw: withRaw ? MIXED.raw : undefined,
  };
}

describe("formatInternalDate", () => {
  it("writes RFC 3501 date-time in UTC with the day space-padded", () => {
    expect(formatInternalDate(new Date(Date.UTC(1996, 6, 7, 2, 44, 25)))).toBe('" 7-Jul-1996 02:44:25 +0000"');
    expect(formatInternalDate(new Date(Date.UTC(2024, 11, 31, 23, 59, 59)))).toBe('"31-Dec-2024 23:59:59 +0000"');
  });
});

describe("renderFetchResponse", () => {
  it("writes every item with its value, sections as literals, and parses back", async () => {
    const m = await message(true);
    const attributes = parseFetchAttributes("(UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ ENVELOPE BODY BODYSTRUCTURE BODY.PEEK[1]<0.5> RFC822.HEADER BODY[9])");
    const out = Buffer.concat(renderFetchResponse(7, attributes, m));
    const header = MIXED.header;
    expect(out.toString("utf8")).toBe(
      `* 7 FETCH (UID 42 FLAGS (\\Seen $Forwarded) INTERNALDATE " 7-Jul-1996 02:44:25 +0000" RFC822.SIZE ${MIXED.raw.length} MODSEQ (12345678901234567) ` +
        `ENVELOPE ${renderEnvelope(m.envelope).toString("utf8")} BODY ${renderBodyStructure(m.structure, false).toString("utf8")} ` +
        `BODYSTRUCTURE ${renderBodyStructure(m.structure, true).toString("utf8")} ` +
        `BODY[1]<0> {5}\r\n${MIXED.textBody.slice(0, 5)} RFC822.HEADER {${Buffer.byteLength(header)}}\r\n${header} BODY[9] {0}\r\n)\r\n`,
    );
    const items = parseFetchResponse(out);
    expect([...items.keys()]).toEqual(["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "MODSEQ", "ENVELOPE", "BODY", "BODYSTRUCTURE", "BODY[1]<0>", "RFC822.HEADER", "BODY[9]"]);
  });

  it("hands back the message's own bytes for a section, not a copy", async () => {
    const m = await message(true);
    const chunks = renderFetchResponse(1, parseFetchAttributes("BODY[]"), m);
    expect(chunks.some((chunk) => chunk.buffer === MIXED.raw.buffer && chunk.length === MIXED.raw.length)).toBe(true);
  });

  it("refuses to answer a body item without the message bytes (a caller bug, not a client error)", async () => {
    const m = await message(false);
    expect(() => renderFetchResponse(1, parseFetchAttributes("BODY.PEEK[HEADER]"), m)).toThrow(/needs the message bytes/);
    expect(() => renderFetchResponse(1, parseFetchAttributes("FULL"), m)).not.toThrow();
  });
});
