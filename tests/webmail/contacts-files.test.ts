// Address book files: vCard 3.0 and 4.0 (as Apple, Google and Thunderbird write them), Google's and
// Outlook's CSV exports, round trips through our own exports, and files that are hostile or broken.
import { describe, expect, it } from "vitest";
import { exportAddressBook } from "@/lib/user-agent/contacts/export";
import { ImportRefused, readAddressBook, type ImportedFile } from "@/lib/user-agent/contacts/import";
import { LIMITS, type ContactInput } from "@/lib/user-agent/contacts/types";
import { parseContactForm } from "@/lib/user-agent/contacts/validate";

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (text: string) => readAddressBook(bytes(text));
function refusal(input: Uint8Array): string {
  try {
    readAddressBook(input);
  } catch (error) {
    if (error instanceof ImportRefused) return error.reason;
    throw error;
  }
  throw new Error("the file was taken");
}

const VCARD3_APPLE = [
  "BEGIN:VCARD",
  "VERSION:3.0",
  "PRODID:-//Apple Inc.//macOS 14.0//EN",
  "N:Lovelace;Ada;Augusta;;",
  "FN:Ada Lovelace",
  "item1.EMAIL;type=INTERNET;type=WORK;type=pref:ada@engine.test",
  "EMAIL;type=INTERNET;type=HOME:ada@home.test",
  "TEL;type=CELL;type=VOICE;type=pref:+44 20 7946 0000",
  "NOTE:Analytical engine\\, notes\\nsecond line",
  "CATEGORIES:Mathematicians,Friends",
  "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD",
  " /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U",
  "END:VCARD",
  "",
].join("\r\n");

const VCARD4 = [
  "BEGIN:VCARD",
  "VERSION:4.0",
  "FN:张伟",
  "N:张;伟;;;",
  "EMAIL;TYPE=work:zhang.wei@example.cn",
  "TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+86-10-1234-5678",
  "NOTE:A very long note that is folded across lines as RFC 6350 asks for lines longer than seve",
  " nty-five octets.",
  "END:VCARD",
  "BEGIN:VCARD",
  "VERSION:4.0",
  "FN:bare@example.cn",
  "EMAIL:bare@example.cn",
  "END:VCARD",
].join("\n");

// Google Contacts' current export (a subset of its columns, in its order).
const GMAIL_CSV = [
  "First Name,Middle Name,Last Name,Phonetic First Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value",
  'Grace,Brewster,Hopper,,,,Amazing Grace,,US Navy,,"Found a moth, taped it in the log",,* myContacts ::: Navy ::: Friends,* Work,grace@navy.test ::: grace2@navy.test,Home,grace@home.test,Mobile,+1 202 555 0100',
  "Linus,,Torvalds,,,,,,,,,,* myContacts,* Other,linus@kernel.test,,,,",
  ",,,,,,,,,,,,* starred,,,,,,",
].join("\r\n");

// Google's older export ("Google CSV" before 2023).
const GMAIL_OLD_CSV = [
  "Name,Given Name,Additional Name,Family Name,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value",
  "Alan Turing,Alan,,Turing,Bletchley,* My Contacts ::: Codebreakers,* Home,alan@bletchley.test,Work,01908 640404",
].join("\n");

// Outlook's export: its column names, a quoted category list.
const OUTLOOK_CSV = [
  '"First Name","Middle Name","Last Name","Title","Suffix","Nickname","E-mail Address","E-mail Display Name","E-mail 2 Address","E-mail 3 Address","Home Phone","Business Phone","Mobile Phone","Notes","Categories"',
  '"Margaret","","Hamilton","","","","margaret@apollo.test","Margaret Hamilton (margaret@apollo.test)","mh@mit.test","","","+1 617 555 0101","+1 617 555 0199","Wrote the\nflight software","Apollo;Engineers"',
].join("\r\n");

function byName(file: ImportedFile, name: string): ContactInput {
  const found = file.contacts.find((contact) => contact.name === name);
  if (!found) throw new Error(`no ${name} in ${JSON.stringify(file.contacts.map((contact) => contact.name))}`);
  return found;
}

describe("importing", () => {
  it("reads vCard 3.0 as Apple writes it: grouped properties, TYPE lists, escapes, folded photo", () => {
    const file = read(VCARD3_APPLE);
    expect(file.format).toBe("vcard");
    expect(file.contacts).toEqual([
      {
        name: "Ada Lovelace",
        emails: [
          { value: "ada@engine.test", label: "work" },
          { value: "ada@home.test", label: "home" },
        ],
        phones: [{ value: "+44 20 7946 0000", label: "mobile" }],
        notes: "Analytical engine, notes\nsecond line",
        groups: ["Mathematicians", "Friends"],
      },
    ]);
  });

  it("reads vCard 4.0: UTF-8 names, tel: URIs, folded lines, a card whose FN is only its address", () => {
    const file = read(VCARD4);
    expect(file.contacts).toHaveLength(2);
    expect(byName(file, "张伟")).toMatchObject({ emails: [{ value: "zhang.wei@example.cn", label: "work" }], phones: [{ value: "+86-10-1234-5678", label: "mobile" }] });
    expect(byName(file, "张伟").notes).toContain("seventy-five octets.");
    expect(file.contacts[1]).toMatchObject({ name: "", emails: [{ value: "bare@example.cn" }] });
  });

  it("reads vCard 2.1 as phones export it: bare parameters, quoted-printable names in their charset", () => {
    const android = [
      "BEGIN:VCARD",
      "VERSION:2.1",
      "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B;=E5=B0=8F=E6=98=8E;;;",
      "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B=E5=B0=8F=E6=98=8E",
      "TEL;CELL;PREF:+86 138 0000 0000",
      "EMAIL;HOME:wang@example.cn",
      "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Caf=E9, line one=0D=0A=",
      "line two",
      "END:VCARD",
    ].join("\r\n");
    expect(read(android).contacts).toEqual([
      { name: "王小明", emails: [{ value: "wang@example.cn", label: "home" }], phones: [{ value: "+86 138 0000 0000", label: "mobile" }], notes: "Café, line one\nline two", groups: [] },
    ]);
    // A line of nothing but parameters is read in linear time, not backtracked over.
    const started = performance.now();
    read(`BEGIN:VCARD\r\nVERSION:2.1\r\nFN:x\r\nNOTE${";a".repeat(100_000)}\r\nEND:VCARD\r\n`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("reads Google's current CSV: several values in one cell, labels as groups without Google's own", () => {
    const file = read(GMAIL_CSV);
    expect(file.format).toBe("gmail-csv");
    expect(file.contacts).toHaveLength(2);
    expect(file.skipped).toBe(1);
    expect(byName(file, "Grace Brewster Hopper")).toEqual({
      name: "Grace Brewster Hopper",
      emails: [
        { value: "grace@navy.test", label: "work" },
        { value: "grace2@navy.test", label: "work" },
        { value: "grace@home.test", label: "home" },
      ],
      phones: [{ value: "+1 202 555 0100", label: "mobile" }],
      notes: "Found a moth, taped it in the log",
      groups: ["Navy", "Friends"],
    });
    expect(byName(file, "Linus Torvalds").emails).toEqual([{ value: "linus@kernel.test", label: "other" }]);
  });

  it("reads Google's older CSV (Given Name, Group Membership, E-mail 1 - Type)", () => {
    const file = read(GMAIL_OLD_CSV);
    expect(file.format).toBe("gmail-csv");
    expect(file.contacts).toEqual([{ name: "Alan Turing", emails: [{ value: "alan@bletchley.test", label: "home" }], phones: [{ value: "01908 640404", label: "work" }], notes: "Bletchley", groups: ["Codebreakers"] }]);
  });

  it("reads Outlook's CSV, also with semicolons between fields as Outlook writes in many locales", () => {
    const expected = {
      name: "Margaret Hamilton",
      emails: [
        { value: "margaret@apollo.test", label: "" },
        { value: "mh@mit.test", label: "" },
      ],
      phones: [
        { value: "+1 617 555 0199", label: "mobile" },
        { value: "+1 617 555 0101", label: "work" },
      ],
      notes: "Wrote the\nflight software",
      groups: ["Apollo", "Engineers"],
    };
    expect(read(OUTLOOK_CSV)).toMatchObject({ format: "outlook-csv", contacts: [expected] });
    const semicolons = OUTLOOK_CSV.replace(/","/g, '";"');
    expect(read(semicolons).contacts).toEqual([expected]);
  });

  it("reads Windows-1252 (older Outlook) and UTF-16 with a byte-order mark, and says so for the former", () => {
    const latin = Buffer.from("First Name,Last Name,E-mail Address\r\nJos\xe9,M\xfcller,jose@example.test\r\n", "latin1");
    expect(readAddressBook(latin)).toMatchObject({ legacyEncoding: true, contacts: [{ name: "José Müller" }] });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("First Name,E-mail Address\r\n李,li@example.test\r\n", "utf16le")]);
    expect(readAddressBook(utf16)).toMatchObject({ legacyEncoding: false, contacts: [{ name: "李", emails: [{ value: "li@example.test" }] }] });
  });
});

const SAMPLE: ContactInput[] = [
  { name: "Ada Lovelace", emails: [{ value: "ada@engine.test", label: "work" }, { value: "ada@home.test", label: "home" }], phones: [{ value: "+44 20 7946 0000", label: "mobile" }], notes: "Line one, with a comma; and a semicolon\nLine \"two\"", groups: ["Friends", "Work, Team"] },
  { name: "王小明", emails: [{ value: "xiaoming@example.cn", label: "" }], phones: [], notes: "", groups: [] },
  { name: "Jean-Luc van der Berg", emails: [], phones: [{ value: "+33 1 23 45 67 89", label: "work" }], notes: "", groups: ["Friends"] },
];

describe("exporting and importing back", () => {
  it.each(["vcard4", "vcard3", "gmail-csv"] as const)("%s keeps names, addresses, phones, labels, notes and groups", (format) => {
    const file = exportAddressBook(SAMPLE, format);
    const back = readAddressBook(bytes(file.body));
    expect(back.contacts).toEqual(SAMPLE);
    expect(back.skipped).toBe(0);
  });

  it("outlook-csv keeps names, addresses, phones by kind, notes and groups (Outlook has no labels for addresses)", () => {
    const file = exportAddressBook(SAMPLE, "outlook-csv");
    expect(file.body.split("\r\n")[0]).toBe("First Name,Middle Name,Last Name,E-mail Address,E-mail 2 Address,E-mail 3 Address,Mobile Phone,Home Phone,Business Phone,Other Phone,Notes,Categories");
    const back = readAddressBook(bytes(file.body));
    expect(back.format).toBe("outlook-csv");
    expect(back.contacts).toEqual(SAMPLE.map((contact) => ({ ...contact, emails: contact.emails.map((email) => ({ ...email, label: "" })) })));
  });

  it("writes vCard 4.0 and 3.0 with CRLF lines of at most 75 octets, and CSV with Google's headers", () => {
    const long: ContactInput = { ...SAMPLE[0], notes: `${"x".repeat(300)}${"长".repeat(100)}` };
    for (const format of ["vcard4", "vcard3"] as const) {
      const { body, contentType } = exportAddressBook([long], format);
      expect(contentType).toMatch(/^text\/vcard/);
      expect(body).toMatch(format === "vcard4" ? /^BEGIN:VCARD\r\nVERSION:4\.0\r\n/ : /^BEGIN:VCARD\r\nVERSION:3\.0\r\n/);
      for (const line of body.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      expect(body.replace(/\r\n/g, "")).not.toContain("\n");
    }
    const csv = exportAddressBook(SAMPLE, "gmail-csv").body;
    expect(csv.split("\r\n")[0]).toBe("First Name,Middle Name,Last Name,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value");
  });
});

describe("hostile files", () => {
  it("refuses a file over the size limit, binary data and unrecognisable text, with a reason", () => {
    expect(refusal(new Uint8Array(LIMITS.importBytes + 1))).toBe("too-large");
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...new Array(200).fill(0)]);
    expect(refusal(png)).toBe("not-text");
    expect(refusal(Uint8Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256))).toBe("not-text");
    expect(refusal(bytes("just some words\nwithout any columns\n"))).toBe("unknown-format");
    expect(refusal(bytes("BEGIN:VCARD\nVERSION:4.0\nFN:never ends\n"))).toBe("unreadable");
    expect(refusal(bytes('Name,Email\n"unclosed,quote@x.test\n'.repeat(1) + `"${"x".repeat(300_000)}`))).toBe("unreadable");
  });

  it("skips broken cards and keeps the good ones around them", () => {
    const broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN;=:x\r\nEMAIL;TYPE=\"unterminated:a@x.test\r\nEND:VCARD\r\n";
    const empty = "BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n";
    const file = read(`${VCARD3_APPLE}${broken}${empty}${VCARD4}`);
    expect(file.contacts.map((contact) => contact.name)).toEqual(["Ada Lovelace", "张伟", ""]);
    expect(file.skipped).toBe(2);
  });

  it("cuts what is too long, drops unusable addresses and control characters", () => {
    const csv = `Name,E-mail Address,Notes\r\n"${"N".repeat(5000)}\u0007",not-an-address,"${"n".repeat(LIMITS.notes + 500)}"\r\n"Eve",eve@example.test;x,ok\r\n`;
    const file = read(csv);
    expect(file.contacts[0].name).toHaveLength(LIMITS.name);
    expect(file.contacts[0].emails).toEqual([]);
    expect(file.contacts[0].notes).toHaveLength(LIMITS.notes);
    expect(file.contacts[1]).toMatchObject({ name: "Eve", emails: [] });
  });

  it("exports no cell a spreadsheet would run as a formula (CSV injection), phone numbers kept", () => {
    const evil: ContactInput = { name: "=HYPERLINK(\"http://evil.test\",\"x\")", emails: [{ label: "home", value: "eve@example.test" }], phones: [{ label: "mobile", value: "+44 20 7946 0958" }, { label: "work", value: "-2+3+cmd|' /C calc'!A0" }], notes: "@SUM(1)", groups: [] };
    const csv = exportAddressBook([evil], "gmail-csv").body;
    const [, row] = csv.split("\r\n");
    expect(row).toContain(`"'=HYPERLINK(`);
    expect(row).toContain("'@SUM(1)");
    expect(row).toContain(",+44 20 7946 0958,");
    expect(row).toContain("'-2+3+cmd|");
  });

  it("takes the first cards of a 100,000-row file, says how many were left out, within a second or two", () => {
    const rows = Array.from({ length: 100_000 }, (_, index) => `P${index},p${index}@x.test`).join("\n");
    const started = performance.now();
    const file = read(`Name,Email\n${rows}\n`);
    expect(file.contacts).toHaveLength(LIMITS.importContacts);
    expect(file.leftOut).toBe(100_000 - LIMITS.importContacts);
    expect(performance.now() - started).toBeLessThan(5000);
    const cards = Array.from({ length: 12_000 }, (_, index) => `BEGIN:VCARD\nVERSION:3.0\nFN:C${index}\nEMAIL:c${index}@x.test\nEND:VCARD`).join("\n");
    expect(read(cards)).toMatchObject({ leftOut: 12_000 - LIMITS.importContacts });
  });
});

describe("the contact form", () => {
  it("takes a contact with labels normalised, empty rows dropped and addresses deduplicated", () => {
    expect(
      parseContactForm({
        name: "  Ada\nLovelace ",
        emails: [{ value: "ada@engine.test", label: "WORK" }, { value: "", label: "" }, { value: "ADA@engine.test", label: "home" }],
        phones: [{ value: "+44 20", label: "cell" }],
        notes: "a\r\nb",
        groups: ["Friends", "Friends", ""],
      }),
    ).toEqual({ name: "Ada Lovelace", emails: [{ value: "ada@engine.test", label: "work" }], phones: [{ value: "+44 20", label: "mobile" }], notes: "a\nb", groups: ["Friends"] });
  });

  it("refuses in words what cannot be stored", () => {
    expect(parseContactForm({ name: "", emails: [], phones: [] })).toBe("Give a name, an address or a phone number.");
    expect(parseContactForm({ name: "x".repeat(LIMITS.name + 1) })).toBe(`A name has at most ${LIMITS.name} characters.`);
    expect(parseContactForm({ name: "X", emails: [{ value: "a@b.test, c@d.test", label: "" }] })).toBe("“a@b.test, c@d.test” is not an e-mail address.");
    expect(parseContactForm({ name: "X", emails: [{ value: 42, label: "" }] })).toMatch(/is not an e-mail address/);
    expect(parseContactForm({ name: "X", emails: Array.from({ length: LIMITS.emailsPerContact + 1 }, (_, index) => ({ value: `a${index}@b.test`, label: "" })) })).toMatch(/at most/);
    expect(parseContactForm({ name: "X", notes: "n".repeat(LIMITS.notes + 1) })).toMatch(/at most/);
  });
});
