// Contacts as CSV, through csv-parse and csv-stringify: the columns Google Contacts exports (its current
// "First Name … E-mail 1 - Label, E-mail 1 - Value" and its older "Name, Given Name … E-mail 1 - Type"),
// Outlook's ("E-mail Address, E-mail 2 Address, Mobile Phone … Categories"), and the plain
// "Name, Email, Phone" that other programs write. Exports are in Google's current columns, or in
// Outlook's for Outlook and the programs that follow it.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { ContactInput, LabelledValue } from "./types";
import { splitName } from "./vcard";

export type CsvDialect = "gmail" | "outlook" | "generic";

/** Google writes several values of one field into one cell, separated by " ::: ". */
const GOOGLE_SEPARATOR = " ::: ";

export class CsvError extends Error {}

/** The delimiter of the header line: Outlook in many locales writes ";", some programs a tab. */
function delimiterOf(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const counts = [",", ";", "\t"].map((delimiter) => ({ delimiter, count: header.split(delimiter).length }));
  return counts.reduce((best, next) => (next.count > best.count ? next : best)).delimiter;
}

export function readRows(text: string): string[][] {
  try {
    return parse(text, {
      delimiter: delimiterOf(text),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: 256 * 1024,
    }) as string[][];
  } catch (error) {
    throw new CsvError(error instanceof Error ? error.message : String(error));
  }
}

export function dialectOf(header: string[]): CsvDialect {
  const names = new Set(header.map((name) => name.toLowerCase()));
  if (names.has("e-mail 1 - value") || names.has("group membership") || names.has("labels")) return "gmail";
  if (names.has("e-mail address") || names.has("e-mail 2 address") || names.has("mobile phone")) return "outlook";
  return "generic";
}

type Row = (name: string) => string;

function cells(value: string, separator: string | null): string[] {
  return (separator === null ? [value] : value.split(separator)).map((part) => part.trim()).filter(Boolean);
}

/** Google's numbered "E-mail N - Label/Type" and "E-mail N - Value" pairs (and the same for Phone). */
function googleValues(header: string[], row: Row, field: "e-mail" | "phone"): LabelledValue[] {
  const found: LabelledValue[] = [];
  for (const column of header) {
    const numbered = new RegExp(`^${field} (\\d+) - value$`, "i").exec(column);
    if (!numbered) continue;
    const label = row(`${field} ${numbered[1]} - label`) || row(`${field} ${numbered[1]} - type`);
    for (const value of cells(row(column), GOOGLE_SEPARATOR)) found.push({ value, label });
  }
  return found;
}

// Outlook names each phone by its kind.
const OUTLOOK_PHONES: [string, string][] = [
  ["mobile phone", "mobile"],
  ["primary phone", ""],
  ["home phone", "home"],
  ["home phone 2", "home"],
  ["business phone", "work"],
  ["business phone 2", "work"],
  ["company main phone", "work"],
  ["other phone", "other"],
  ["car phone", "other"],
];

const GENERIC_EMAILS = ["email", "e-mail", "email address", "e-mail address", "primary email", "secondary email", "work email", "home email"];
const GENERIC_PHONES = ["phone", "telephone", "mobile", "mobile number", "work phone", "home phone", "phone number"];

function joined(...parts: string[]): string {
  return parts.filter(Boolean).join(" ");
}

function contactOf(dialect: CsvDialect, header: string[], row: Row): ContactInput {
  const structuredName = joined(row("first name") || row("given name"), row("middle name") || row("additional name"), row("last name") || row("family name"));
  const name = structuredName || row("name") || row("display name") || row("full name") || row("e-mail display name");
  if (dialect === "gmail") {
    return {
      name,
      emails: googleValues(header, row, "e-mail"),
      phones: googleValues(header, row, "phone"),
      notes: row("notes"),
      // "* myContacts ::: Friends": the starred names are Google's own, not the user's groups.
      groups: cells(row("labels") || row("group membership"), GOOGLE_SEPARATOR).filter((label) => !label.startsWith("*")),
    };
  }
  if (dialect === "outlook") {
    return {
      name,
      emails: ["e-mail address", "e-mail 2 address", "e-mail 3 address"].flatMap((column) => cells(row(column), null).map((value) => ({ value, label: "" }))),
      phones: OUTLOOK_PHONES.flatMap(([column, label]) => cells(row(column), null).map((value) => ({ value, label }))),
      notes: row("notes"),
      groups: cells(row("categories"), ";"),
    };
  }
  return {
    name,
    emails: GENERIC_EMAILS.flatMap((column) => cells(row(column), null).map((value) => ({ value, label: column.includes("work") ? "work" : column.includes("home") ? "home" : "" }))),
    phones: GENERIC_PHONES.flatMap((column) => cells(row(column), null).map((value) => ({ value, label: column.startsWith("mobile") ? "mobile" : column.includes("work") ? "work" : column.includes("home") ? "home" : "" }))),
    notes: row("notes") || row("note"),
    groups: cells(row("groups") || row("categories"), ";"),
  };
}

/** The contacts of a CSV file with a header line; the dialect says whose columns were recognised. */
export function parseCsv(text: string): { dialect: CsvDialect; contacts: ContactInput[] } {
  const [header = [], ...rows] = readRows(text);
  const names = header.map((name) => name.toLowerCase());
  const dialect = dialectOf(header);
  const contacts = rows.map((cellsOfRow) => {
    const row: Row = (column) => {
      const index = names.indexOf(column);
      return index >= 0 ? (cellsOfRow[index] ?? "").trim() : "";
    };
    return contactOf(dialect, names, row);
  });
  return { dialect, contacts };
}

const LABEL_WORDS: Record<string, string> = { home: "Home", work: "Work", mobile: "Mobile", other: "Other" };

const PHONE_NUMBER = /^\+[\d\s().-]+$/;

/**
 * A cell a spreadsheet will show as text: one that starts as a formula would (=, @, +, -, a tab or a
 * carriage return) gets a leading apostrophe, or opening the export in Excel or LibreOffice could run
 * what a stranger put in a collected name (CSV injection). "+44 20 …" stays a phone number.
 */
export function spreadsheetSafe(value: string): string {
  return /^[=@+\-\t\r]/.test(value) && !PHONE_NUMBER.test(value) ? `'${value}` : value;
}

/** Contacts in Google Contacts' current CSV columns. */
export function writeGmailCsv(contacts: ContactInput[]): string {
  const emailColumns = Math.max(1, ...contacts.map((contact) => contact.emails.length));
  const phoneColumns = Math.max(1, ...contacts.map((contact) => contact.phones.length));
  const numbered = (field: string, count: number) => Array.from({ length: count }, (_, index) => [`${field} ${index + 1} - Label`, `${field} ${index + 1} - Value`]).flat();
  const header = ["First Name", "Middle Name", "Last Name", "Notes", "Labels", ...numbered("E-mail", emailColumns), ...numbered("Phone", phoneColumns)];
  const pairs = (values: LabelledValue[], count: number) => Array.from({ length: count }, (_, index) => [LABEL_WORDS[values[index]?.label ?? ""] ?? "", values[index]?.value ?? ""]).flat();
  const rows = contacts.map((contact) => {
    const { given, family } = splitName(contact.name);
    return [given, "", family, contact.notes, ["* myContacts", ...contact.groups].join(GOOGLE_SEPARATOR), ...pairs(contact.emails, emailColumns), ...pairs(contact.phones, phoneColumns)];
  });
  return stringify([header, ...rows.map((row) => row.map(spreadsheetSafe))], { record_delimiter: "windows" });
}

/** Outlook's export columns: three e-mail addresses, phones by kind, groups as ";"-separated categories. */
const OUTLOOK_EXPORT_PHONES: [string, string][] = [
  ["Mobile Phone", "mobile"],
  ["Home Phone", "home"],
  ["Business Phone", "work"],
  ["Other Phone", "other"],
];

/** Contacts in the CSV columns Outlook (outlook.com and desktop) exports and imports. */
export function writeOutlookCsv(contacts: ContactInput[]): string {
  const header = ["First Name", "Middle Name", "Last Name", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", ...OUTLOOK_EXPORT_PHONES.map(([column]) => column), "Notes", "Categories"];
  const rows = contacts.map((contact) => {
    const { given, family } = splitName(contact.name);
    const emails = contact.emails.slice(0, 3).map((email) => email.value);
    // Each kind holds one number; the rest of a kind go to Other Phone if it is free.
    const phones = new Map<string, string>();
    for (const phone of contact.phones) {
      const column = OUTLOOK_EXPORT_PHONES.find(([, label]) => label === phone.label)?.[0] ?? "Other Phone";
      if (!phones.has(column)) phones.set(column, phone.value);
      else if (!phones.has("Other Phone")) phones.set("Other Phone", phone.value);
    }
    return [given, "", family, emails[0] ?? "", emails[1] ?? "", emails[2] ?? "", ...OUTLOOK_EXPORT_PHONES.map(([column]) => phones.get(column) ?? ""), contact.notes, contact.groups.join(";")];
  });
  return stringify([header, ...rows.map((row) => row.map(spreadsheetSafe))], { record_delimiter: "windows" });
}
