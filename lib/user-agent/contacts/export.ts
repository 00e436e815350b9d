// The whole address book as a file to download: vCard 4.0 (or 3.0, for older programs), or CSV in the
// columns of Google Contacts or of Outlook.
import { writeGmailCsv, writeOutlookCsv } from "./csv";
import type { ContactInput, ExportFormat } from "./types";
import { writeVcards } from "./vcard";

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

export function exportAddressBook(contacts: ContactInput[], format: ExportFormat): ExportFile {
  if (format === "gmail-csv") return { filename: "contacts.csv", contentType: "text/csv; charset=utf-8", body: writeGmailCsv(contacts) };
  if (format === "outlook-csv") return { filename: "contacts-outlook.csv", contentType: "text/csv; charset=utf-8", body: writeOutlookCsv(contacts) };
  const version = format === "vcard3" ? "3.0" : "4.0";
  return { filename: `contacts-vcard${version[0]}.vcf`, contentType: "text/vcard; charset=utf-8", body: writeVcards(contacts, version) };
}
