// Property-based tests (fast-check) of the SMTP command parser: every line gives a Command, every
// MAIL/RCPT argument gives a path or an SmtpError (never another exception), and a path with
// ESMTP parameters written from RFC 5321's grammar is read back as written.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommand, parsePathAndParams, SmtpError } from "@/lib/mail-server/smtp/protocol";

const RUNS = { numRuns: 300, seed: 5321 };
const chars = (text: string) => [...text];
const LETTERS = chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
const DIGITS = chars("0123456789");

/** Dot-string: atoms of atext joined by single dots. */
const ATEXT = [...LETTERS, ...DIGITS, ...chars("!#$%&'*+-/=?^_`{|}~")];
const dotString = fc
  .array(fc.string({ unit: fc.constantFrom(...ATEXT), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 })
  .map((atoms) => atoms.join("."));

/** Quoted-string local part: qtext and quoted-pairs. */
const quotedLocal = fc
  .string({ unit: fc.constantFrom(...chars(" !#abcXYZ.@<>:,"), '\\"', "\\\\"), minLength: 1, maxLength: 10 })
  .map((inner) => `"${inner}"`);

const label = fc
  .tuple(fc.constantFrom(...LETTERS, ...DIGITS), fc.string({ unit: fc.constantFrom(...LETTERS, ...DIGITS, "-"), maxLength: 10 }), fc.constantFrom(...LETTERS, ...DIGITS))
  .map(([first, middle, last]) => first + middle + last);
const domain = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join(".")),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((n) => `[${n.join(".")}]`),
);

const keyword = fc
  .tuple(fc.constantFrom(...LETTERS, ...DIGITS), fc.string({ unit: fc.constantFrom(...LETTERS, ...DIGITS, "-"), maxLength: 8 }))
  .map(([first, rest]) => first + rest);
/** esmtp-value: printable ASCII except "=" and SP. */
const paramValue = fc.string({ unit: fc.constantFrom(...chars("!\"#$%&'()*+,-./0123456789:;<>?@ABCXYZ[\\]^_`abcxyz{|}~")), minLength: 1, maxLength: 12 });
const params = fc.uniqueArray(fc.tuple(keyword, fc.option(paramValue)), { selector: ([key]) => key.toUpperCase(), maxLength: 4 });

describe("SMTP commands", () => {
  it("parseCommand never throws; a verb is the leading letters, upper-cased", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 100 }), (line) => {
        const command = parseCommand(line);
        expect(command.verb).toMatch(/^[A-Z]*$/);
      }),
      RUNS,
    );
  });

  it("MAIL/RCPT arguments: a path or an SmtpError, for any text", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...chars('<>@:,."\\ =+ab[]IPv6:1'), "ſ", "\u00e9"), maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, fc.boolean(), fc.boolean(), (argument, allowNull, allowUtf8) => {
        try {
          parsePathAndParams(argument, { allowNull, allowUtf8, allowPostmaster: true });
        } catch (error) {
          expect(error).toBeInstanceOf(SmtpError);
        }
      }),
      RUNS,
    );
  });

  it("a path with parameters, written from the grammar, reads back as written", () => {
    fc.assert(
      fc.property(fc.oneof(dotString, quotedLocal), domain, params, fc.boolean(), (local, host, list, sourceRoute) => {
        const route = sourceRoute ? "@relay.example,@other.example:" : "";
        const line = `<${route}${local}@${host}>${list.map(([key, value]) => ` ${key}${value === null ? "" : `=${value}`}`).join("")}`;
        const parsed = parsePathAndParams(line, { allowNull: false, allowUtf8: false });
        expect(parsed.mailbox?.address).toBe(`${local}@${host}`);
        expect(parsed.mailbox?.domain).toBe(host);
        expect(Object.fromEntries(parsed.params)).toEqual(Object.fromEntries(list.map(([key, value]) => [key.toUpperCase(), value])));
      }),
      RUNS,
    );
  });
});
