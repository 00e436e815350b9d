// The whole address book as a file to download: vCard 4.0 (or 3.0, for older programs) or the CSV
// columns of Google Contacts.
import { writeGmailCsv } from "./csv";
import type { ContactInput, ExportFormat } from "./types";
import { writeVcards } from "./vcard";

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

export function exportAddressBook(contacts: ContactInput[], format: ExportFormat): ExportFile {
  if (format === "gmail-csv") return { filename: "contacts.csv", contentType: "text/csv; charset=utf-8", body: writeGmailCsv(contacts) };
  const version = format === "vcard3" ? "3.0" : "4.0";
  return { filename: `contacts-vcard${version[0]}.vcf`, contentType: "text/vcard; charset=utf-8", body: writeVcards(contacts, version) };
}
