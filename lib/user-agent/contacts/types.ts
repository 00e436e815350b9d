// The address book as the browser and the server exchange it, and the limits both sides check. No
// server-only imports: the contacts page and the composer use these types and limits too.

export interface LabelledValue {
  value: string;
  /** "home", "work", "mobile", "other" or "" (as vCard TYPE and the CSV columns name them). */
  label: string;
}

/** A contact as a form or an import gives it. */
export interface ContactInput {
  name: string;
  emails: LabelledValue[];
  phones: LabelledValue[];
  notes: string;
  /** Names of the groups it belongs to. */
  groups: string[];
}

export interface ContactView extends ContactInput {
  id: number;
}

export interface GroupView {
  id: number;
  name: string;
  /** Ids of the member contacts. */
  members: number[];
}

/** What the recipient field offers while the user types. */
export type Suggestion =
  | { kind: "contact" | "recent"; name: string; address: string }
  | { kind: "group"; name: string; id: number; members: { name: string; address: string }[] };

export interface AddressBookSettings {
  /** Whether recipients of sent mail are remembered for autocomplete. */
  collectRecipients: boolean;
}

export const LIMITS = {
  contacts: 5000,
  groups: 500,
  emailsPerContact: 20,
  phonesPerContact: 20,
  groupsPerContact: 50,
  name: 200,
  label: 40,
  address: 254,
  phone: 64,
  notes: 10_000,
  groupName: 100,
  /** An import file: larger ones are refused before they are read. */
  importBytes: 5 * 1024 * 1024,
  /** Contacts taken from one import; the rest are left out and the user is told how many. */
  importContacts: 5000,
  /** Collected recipients kept per user: the least recently used go first. */
  collected: 2000,
  suggestions: 8,
} as const;

export const EXPORT_FORMATS = ["vcard4", "vcard3", "gmail-csv", "outlook-csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
