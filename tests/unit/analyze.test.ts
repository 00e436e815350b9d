// analyzeMessage (lib/mime/analyze.ts): the part tree with byte offsets that IMAP FETCH
// BODY[part] and BODYSTRUCTURE will be served from, part numbers (RFC 3501 §6.4.5), the
// decoded summary, limits on hostile structure, and a seeded mutation fuzz of the corpus.
import { describe, expect, it } from "vitest";
import { analyzeMessage, countLines, type MessageAnalysis, type MimePart } from "@/lib/mime/analyze";
import { CORPUS, crlf, type ExpectedPart } from "./fixtures/mime-corpus";
import { seeded, type Random } from "./helpers/random";

const endsWithBlankLine = (header: string) => header === "\r\n" || header === "\n" || header.endsWith("\r\n\r\n") || header.endsWith("\n\n");

/** Offsets that can be trusted: in range, nested, and every part's header block is a header block. */
function checkOffsets(raw: Buffer, part: MimePart, label: string, strict: boolean) {
  const where = `${label}, part ${JSON.stringify(part.part)} ${part.type}/${part.subtype}`;
  expect(part.headerStart, where).toBeGreaterThanOrEqual(0);
  expect(part.bodyStart, where).toBeGreaterThanOrEqual(part.headerStart);
  expect(part.bodyEnd, where).toBeGreaterThanOrEqual(part.bodyStart);
  expect(part.bodyEnd, where).toBeLessThanOrEqual(raw.length);
  if (strict) {
    const header = raw.subarray(part.headerStart, part.bodyStart).toString("latin1");
    expect(endsWithBlankLine(header), `${where}: header block ${JSON.stringify(header.slice(-40))}`).toBe(true);
    if (part.type === "text" || (part.type === "message" && part.subtype === "rfc822")) {
      expect(part.lines, where).toBe(countLines(raw, part.bodyStart, part.bodyEnd));
    }
  }
  let previousEnd = part.bodyStart;
  for (const child of part.children) {
    expect(child.headerStart, where).toBeGreaterThanOrEqual(previousEnd);
    expect(child.bodyEnd, where).toBeLessThanOrEqual(part.bodyEnd);
    previousEnd = child.bodyEnd;
    if (strict && part.type === "multipart") {
      // A child starts right after its delimiter line and ends right before the CRLF that
      // belongs to the next delimiter (RFC 2046 §5.1.1).
      const boundary = part.params.boundary;
      const before = raw.subarray(0, child.headerStart).toString("latin1");
      expect(before.endsWith(`--${boundary}\r\n`) || before.endsWith(`--${boundary}\n`), `${where}: child ${child.part} follows its delimiter`).toBe(true);
      // (Where a multipart child ends is checked on its own below: containerEndErrors.)
      if (child.type !== "multipart") {
        const after = raw.subarray(child.bodyEnd).toString("latin1");
        expect(after.startsWith(`\r\n--${boundary}`) || after.startsWith(`\n--${boundary}`), `${where}: child ${child.part} ends at a delimiter`).toBe(true);
      }
    }
    if (strict && part.type === "message") {
      expect(child.headerStart, where).toBe(part.bodyStart);
      expect(child.bodyEnd, where).toBe(part.bodyEnd);
    }
    checkOffsets(raw, child, label, strict);
  }
}

function checkExpectedTree(raw: Buffer, part: MimePart, expected: ExpectedPart, label: string) {
  const where = `${label}, part ${expected.part}`;
  expect(part.part, where).toBe(expected.part);
  expect(`${part.type}/${part.subtype}`, where).toBe(expected.type);
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  if (expected.body !== undefined) expect(body.toString("utf8"), where).toBe(expected.body.toString());
  if (expected.decoded) expect(Buffer.from(body.toString("latin1"), "base64"), where).toEqual(expected.decoded);
  if (expected.children) {
    expect(part.children.map((c) => c.part), where).toEqual(expected.children.map((c) => c.part));
    expected.children.forEach((child, i) => checkExpectedTree(raw, part.children[i], child, label));
  }
}

/**
 * RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter, so a multipart that
 * is itself a part runs from its header to that CRLF: its preamble, its parts, its own
 * close-delimiter and its epilogue. BODY[1] of a nested multipart is all of that.
 */
function containerEndErrors(raw: Buffer, part: MimePart): string[] {
  const errors: string[] = [];
  if (part.type !== "multipart") return errors;
  for (const child of part.children) {
    if (child.type === "multipart") {
      const body = raw.subarray(child.bodyStart, child.bodyEnd).toString("latin1");
      const after = raw.subarray(child.bodyEnd).toString("latin1");
      if (!body.includes(`--${child.params.boundary}--`)) errors.push(`part ${child.part} lacks its close-delimiter --${child.params.boundary}--`);
      if (!after.startsWith(`\r\n--${part.params.boundary}`)) errors.push(`part ${child.part} is followed by ${JSON.stringify(after.slice(0, 24))}, not the parent's delimiter`);
    }
    errors.push(...containerEndErrors(raw, child));
  }
  return errors;
}

function allParts(part: MimePart): MimePart[] {
  return [part, ...part.children.flatMap(allParts)];
}

function depthOf(part: MimePart): number {
  return 1 + Math.max(0, ...part.children.map(depthOf));
}

describe("analyzeMessage: corpus", () => {
  for (const message of CORPUS) {
    it(message.name, async () => {
      const analysis = await analyzeMessage(message.raw);
      const { expected } = message;
      expect(analysis.size).toBe(message.raw.length);
      const wellFormed = message.raw.length > 0 && !message.name.startsWith("no blank line");
      checkOffsets(message.raw, analysis.structure, message.name, wellFormed);
      expect(analysis.structure.headerStart).toBe(0);
      expect(analysis.structure.bodyEnd).toBe(message.raw.length);
      expect(analysis.headerSize).toBe(analysis.structure.bodyStart);
      if (expected.tree) checkExpectedTree(message.raw, analysis.structure, expected.tree, message.name);
      if (expected.subject !== undefined) expect(analysis.subject).toBe(expected.subject);
      if (expected.from) expect(analysis.from).toEqual(expected.from);
      if (expected.to !== undefined) expect(analysis.to).toBe(expected.to);
      if (expected.cc !== undefined) expect(analysis.cc).toBe(expected.cc);
      if (expected.preview !== undefined) expect(analysis.preview).toBe(expected.preview);
      for (const piece of expected.text ?? []) expect(analysis.text).toContain(piece);
      if (expected.hasAttachment !== undefined) expect(analysis.hasAttachment).toBe(expected.hasAttachment);
      // What the store saves must survive JSON.
      expect(JSON.parse(JSON.stringify(analysis.structure))).toEqual(analysis.structure);
    });
  }
});

describe("analyzeMessage: details", () => {
  const byName = (name: string) => CORPUS.find((m) => m.name === name)!;

  it("the envelope keeps addresses raw and dates parsed", async () => {
    const analysis = await analyzeMessage(byName("single part, plain text").raw);
    expect(analysis.envelope).toMatchObject({
      subject: "Lunch tomorrow?",
      from: [["Alice Example", null, "alice", "example.test"]],
      to: [
        ["Bob", null, "bob", "example.test"],
        [null, null, "carol", "example.test"],
      ],
      messageId: "<plain.1@example.test>",
    });
    expect(analysis.envelope.sender).toEqual(analysis.envelope.from);
    expect(analysis.envelope.replyTo).toEqual(analysis.envelope.from);
    expect(analysis.sentAt?.toISOString()).toBe("2025-04-01T08:00:00.000Z");
    expect(analysis.messageId).toBe("<plain.1@example.test>");
  });

  it("groups are start and end markers around their members (RFC 3501 §7.4.2)", async () => {
    const analysis = await analyzeMessage(byName("group addresses").raw);
    expect(analysis.envelope.to).toEqual([
      [null, null, "undisclosed-recipients", null],
      [null, null, null, null],
    ]);
    expect(analysis.envelope.cc).toEqual([
      [null, null, "Friends", null],
      [null, null, "bob", "example.test"],
      ["Carol C", null, "carol", "example.test"],
      [null, null, null, null],
      [null, null, "dave", "example.test"],
    ]);
  });

  it("a message/rfc822 part has the envelope of the message it holds", async () => {
    const analysis = await analyzeMessage(byName("message/rfc822 attached, with a multipart inside").raw);
    const forwarded = analysis.structure.children[1];
    expect(forwarded.envelope).toMatchObject({ subject: "Minutes", messageId: "<minutes@example.test>", from: [["Carol", null, "carol", "example.test"]] });
    expect(forwarded.disposition).toEqual({ type: "attachment", params: { filename: "minutes.eml" } });
  });

  it("part metadata: parameters, disposition, Content-ID, encoding", async () => {
    const analysis = await analyzeMessage(byName("nested multipart with preamble, epilogue and an image").raw);
    const image = analysis.structure.children[1];
    expect(image).toMatchObject({ type: "image", subtype: "png", encoding: "base64", id: "<photo@example.test>" });
    expect(image.disposition).toEqual({ type: "inline", params: { filename: "photo.png" } });
    expect(analysis.structure.params.boundary).toBe("outer");
  });

  it("a part without Content-Type is text/plain", async () => {
    const analysis = await analyzeMessage(byName("no Content-Type at all").raw);
    expect(analysis.structure).toMatchObject({ type: "text", subtype: "plain", encoding: "7bit" });
  });

  it("a header block without a blank line doesn't lose the headers", async () => {
    const raw = byName("no blank line between header and body").raw;
    const analysis = await analyzeMessage(raw);
    expect(analysis.subject).toBe("no separator");
    expect(analysis.structure.bodyStart).toBeLessThanOrEqual(raw.length);
  });
});

describe("analyzeMessage: where a nested multipart ends", () => {
  it("a nested multipart/alternative includes its close-delimiter and epilogue (RFC 2046 §5.1.1)", async () => {
    const raw = CORPUS.find((m) => m.name === "nested multipart with preamble, epilogue and an image")!.raw;
    const analysis = await analyzeMessage(raw);
    const alternative = analysis.structure.children[0];
    expect(alternative.type).toBe("multipart");
    const start = raw.indexOf("inner preamble");
    const end = raw.indexOf("\r\n--outer\r\nContent-Type: image/png");
    expect(raw.subarray(alternative.bodyStart, alternative.bodyEnd).toString()).toBe(raw.subarray(start, end).toString());
  });

  it("multiparts nested three deep each end at their parent's next delimiter", async () => {
    let raw = "From: alice@example.test\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n";
    for (let i = 0; i < 3; i++) raw += `--b${i}\r\nContent-Type: multipart/mixed; boundary=b${i + 1}\r\n\r\n`;
    raw += "--b3\r\nContent-Type: text/plain\r\n\r\ndeepest text\r\n--b3--\r\n--b2--\r\n--b1--\r\n--b0--\r\n";
    const buffer = Buffer.from(raw);
    const analysis = await analyzeMessage(buffer);
    expect(containerEndErrors(buffer, analysis.structure)).toEqual([]);
  });
});

describe("analyzeMessage: limits", () => {
  function nested(levels: number): Buffer {
    let raw = "From: alice@example.test\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n";
    for (let i = 0; i < levels; i++) raw += `--b${i}\r\nContent-Type: multipart/mixed; boundary=b${i + 1}\r\n\r\n`;
    raw += `--b${levels}\r\nContent-Type: text/plain\r\n\r\ndeepest text\r\n--b${levels}--\r\n`;
    for (let i = levels - 1; i >= 0; i--) raw += `--b${i}--\r\n`;
    return Buffer.from(raw);
  }

  it("300 nested multiparts: a bounded tree, quickly, offsets in range", async () => {
    const raw = nested(300);
    const started = performance.now();
    const analysis = await analyzeMessage(raw);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(analysis.subject).toBe("deep");
    expect(depthOf(analysis.structure)).toBeLessThanOrEqual(50);
    checkOffsets(raw, analysis.structure, "nested 300", false);
    expect(() => JSON.stringify(analysis.structure)).not.toThrow();
  });

  it("300 nested multiparts: the parts kept still hold the bytes of the parts cut off", async () => {
    // analyze.ts LIMITS.maxDepth: "Deeper parts are kept as bytes of their ancestor". The text
    // at level 301 is inside every one of its ancestors, kept or not.
    const raw = nested(300);
    const analysis = await analyzeMessage(raw);
    const textEnd = raw.indexOf("deepest text") + "deepest text".length;
    const short = allParts(analysis.structure)
      .filter((part) => part.bodyEnd < textEnd)
      .map((part) => `level ${part.part.split(".").length} ends at ${part.bodyEnd}`);
    expect(short, `kept parts that end before the cut-off text ending at ${textEnd}`).toEqual([]);
  });

  it("nesting within the limit keeps every level", async () => {
    const raw = nested(10);
    const analysis = await analyzeMessage(raw);
    expect(depthOf(analysis.structure)).toBe(12);
    checkOffsets(raw, analysis.structure, "nested 10", true);
    const deepest = allParts(analysis.structure).at(-1)!;
    expect(deepest.part).toBe(Array(11).fill("1").join("."));
    expect(raw.subarray(deepest.bodyStart, deepest.bodyEnd).toString()).toBe("deepest text");
  });

  it("message/rfc822 nested 100 deep: bounded and in range", async () => {
    let raw = "From: a@example.test\r\nSubject: innermost\r\n\r\ntext\r\n";
    for (let i = 0; i < 100; i++) raw = `From: a@example.test\r\nSubject: level ${i}\r\nContent-Type: message/rfc822\r\n\r\n${raw}`;
    const buffer = Buffer.from(raw);
    const started = performance.now();
    const analysis = await analyzeMessage(buffer);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(analysis.subject).toBe("level 99");
    checkOffsets(buffer, analysis.structure, "rfc822 x100", false);
    expect(depthOf(analysis.structure)).toBeLessThanOrEqual(51);
  });

  it("a 200 KB subject on one line is kept whole", async () => {
    const subject = "S".repeat(200 * 1024);
    const raw = crlf(["From: alice@example.test", `Subject: ${subject}`, "", "body", ""]);
    const analysis = await analyzeMessage(raw);
    expect(analysis.subject).toBe(subject);
    expect(analysis.preview).toBe("body");
    checkOffsets(raw, analysis.structure, "200 KB header", true);
  });

  it("a 2 MB header line (over the 1 MB header limit) doesn't throw and stays in range", async () => {
    const raw = crlf(["From: alice@example.test", "Subject: big", `X-Junk: ${"J".repeat(2 * 1024 * 1024)}`, "", "body", ""]);
    const started = performance.now();
    const analysis = await analyzeMessage(raw);
    expect(performance.now() - started).toBeLessThan(5000);
    checkOffsets(raw, analysis.structure, "2 MB header", false);
    expect(analysis.size).toBe(raw.length);
  });

  it("a header folded into 60,000 lines is parsed in linear time", async () => {
    const raw = crlf(["From: alice@example.test", `Subject: start${"\r\n x".repeat(60_000)}`, "", "body", ""]);
    const started = performance.now();
    const analysis = await analyzeMessage(raw);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(analysis.subject.startsWith("start x x")).toBe(true);
  });

  it("more parts than mailsplit allows (1,001+): still a message with its subject and sender", async () => {
    const lines = ["From: alice@example.test", "Subject: many parts", "Content-Type: multipart/mixed; boundary=m", ""];
    for (let i = 0; i < 1200; i++) lines.push("--m", "Content-Type: text/plain", "", `part ${i}`);
    lines.push("--m--", "");
    const raw = crlf(lines);
    const analysis = await analyzeMessage(raw);
    checkOffsets(raw, analysis.structure, "1200 parts", false);
    expect(analysis.subject).toBe("many parts");
    expect(analysis.from.address).toBe("alice@example.test");
  });
});

describe("analyzeMessage: mutation fuzz", () => {
  const bases = CORPUS.filter((m) => m.raw.length > 0).map((m) => m.raw);

  function mutate(random: Random, input: Buffer): Buffer {
    let bytes = Buffer.from(input);
    for (let n = random.between(1, 4); n > 0; n--) {
      const text = bytes.toString("latin1");
      switch (random.int(7)) {
        case 0: {
          // flip a few bytes
          for (let k = random.between(1, 8); k > 0 && bytes.length; k--) bytes[random.int(bytes.length)] ^= 1 << random.int(8);
          break;
        }
        case 1:
          bytes = bytes.subarray(0, random.int(bytes.length + 1));
          break;
        case 2: {
          // duplicate a boundary line (or any line) somewhere else
          const lines = text.split(/(?<=\n)/);
          const boundaries = lines.filter((l) => l.startsWith("--"));
          const line = boundaries.length ? random.pick(boundaries) : random.pick(lines);
          lines.splice(random.int(lines.length + 1), 0, line);
          bytes = Buffer.from(lines.join(""), "latin1");
          break;
        }
        case 3: {
          // delete a range
          const start = random.int(bytes.length + 1);
          bytes = Buffer.concat([bytes.subarray(0, start), bytes.subarray(start + random.int(40))]);
          break;
        }
        case 4: {
          // insert hostile bytes
          const junk = random.pick(["\r", "\n", "\r\n\r\n", "\u0000", "--", "=?", "?=", ":", ";", '"', "\xff\xfe", "boundary=", "Content-Type: multipart/mixed; boundary=x\r\n", "--x\r\n"]);
          const at = random.int(bytes.length + 1);
          bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(junk, "latin1"), bytes.subarray(at)]);
          break;
        }
        case 5:
          // swap the line endings
          bytes = Buffer.from(random.bool() ? text.replace(/\r\n/g, "\n") : text.replace(/\r?\n/g, "\r"), "latin1");
          break;
        default: {
          // truncate a header line
          const colon = text.indexOf(":", random.int(Math.max(1, text.length)));
          if (colon !== -1) bytes = Buffer.concat([bytes.subarray(0, colon), bytes.subarray(colon + 1)]);
        }
      }
    }
    return bytes;
  }

  it("2,000 mutated corpus messages: never throws, offsets always within the message", async () => {
    const random = seeded(0x5eed31);
    for (let i = 0; i < 2000; i++) {
      const raw = mutate(random, random.pick(bases));
      let analysis: MessageAnalysis;
      try {
        analysis = await analyzeMessage(raw);
      } catch (error) {
        throw new Error(`case ${i} threw ${String(error)} on ${JSON.stringify(raw.toString("latin1").slice(0, 300))}`);
      }
      const label = `case ${i}`;
      expect(analysis.size, label).toBe(raw.length);
      expect(analysis.structure.headerStart, label).toBe(0);
      checkOffsets(raw, analysis.structure, label, false);
      expect(typeof analysis.subject, label).toBe("string");
      expect(typeof analysis.preview, label).toBe("string");
      expect(analysis.preview.length, label).toBeLessThanOrEqual(200);
    }
  });
});
