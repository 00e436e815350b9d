// The address book in the database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set): contacts per
// owner, groups, imports that merge instead of doubling, recipients collected from sent mail (unless
// turned off), and the suggestions the recipient field gets from all three.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database, type Prisma } from "@/lib/db";
import { applyMigrations } from "@/lib/migrate";
import { readAddressBook } from "@/lib/user-agent/contacts/import";
import { exportAddressBook } from "@/lib/user-agent/contacts/export";
import { rankSuggestions } from "@/lib/user-agent/contacts/suggest";
import type { ContactInput } from "@/lib/user-agent/contacts/types";
import { testConfig, type Provider } from "../helpers/store";

vi.mock("server-only", () => ({}));
const store = await import("@/lib/user-agent/contacts/store");
const { collectRecipients, saveAddressBookSettings } = await import("@/lib/user-agent/contacts/collect");
const { suggestRecipients } = await import("@/lib/user-agent/contacts/directory");

const providers: Provider[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgresql"] : ["sqlite"];

const contact = (name: string, ...addresses: string[]): ContactInput => ({ name, emails: addresses.map((value) => ({ value, label: "" })), phones: [], notes: "", groups: [] });

describe.each(providers)("the address book on %s", (provider) => {
  let database: Database;
  let prisma: Prisma;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const made = await testConfig(provider);
    drop = made.drop;
    await applyMigrations(made.config);
    database = openDatabase(made.config);
    prisma = await database.prisma();
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it("keeps each owner's contacts to that owner: another can neither list, change nor delete them", async () => {
    const made = await store.createContact(prisma, "Alice@Example.test", { ...contact("Bob", "bob@example.test"), phones: [{ value: "+1 555", label: "mobile" }], groups: ["Friends"] });
    expect(made).toMatchObject({ name: "Bob", emails: [{ value: "bob@example.test", label: "" }], groups: ["Friends"] });
    expect(await store.listContacts(prisma, "alice@example.test")).toHaveLength(1);
    expect(await store.listContacts(prisma, "mallory@example.test")).toEqual([]);
    expect(await store.updateContact(prisma, "mallory@example.test", made.id, contact("Pwned"))).toBeNull();
    expect(await store.deleteContact(prisma, "mallory@example.test", made.id)).toBe(false);
    const edited = await store.updateContact(prisma, "alice@example.test", made.id, { ...contact("Robert", "bob@example.test", "rob@example.test"), groups: [] });
    expect(edited).toMatchObject({ name: "Robert", emails: [{ value: "bob@example.test" }, { value: "rob@example.test" }], phones: [], groups: [] });
    expect(await store.deleteContact(prisma, "alice@example.test", made.id)).toBe(true);
    expect(await store.listContacts(prisma, "alice@example.test")).toEqual([]);
  });

  it("groups: names unique per owner, renamed, removed without their contacts", async () => {
    const owner = "groups@example.test";
    const member = await store.createContact(prisma, owner, { ...contact("Carol", "carol@example.test"), groups: ["Team"] });
    const [team] = await store.listGroups(prisma, owner);
    expect(team).toMatchObject({ name: "Team", members: [member.id] });
    await store.createGroup(prisma, owner, "Family");
    await expect(store.createGroup(prisma, owner, "Family")).rejects.toBeInstanceOf(store.GroupExistsError);
    await expect(store.renameGroup(prisma, owner, team.id, "Family")).rejects.toBeInstanceOf(store.GroupExistsError);
    expect(await store.renameGroup(prisma, owner, team.id, "Crew")).toBe(true);
    expect(await store.renameGroup(prisma, "other@example.test", team.id, "Mine")).toBe(false);
    expect((await store.listContacts(prisma, owner))[0].groups).toEqual(["Crew"]);
    expect(await store.deleteGroup(prisma, owner, team.id)).toBe(true);
    expect(await store.listContacts(prisma, owner)).toMatchObject([{ name: "Carol", groups: [] }]);
  });

  it("an import merges by address: the same file twice, or its own export, adds nobody twice", async () => {
    const owner = "importer@example.test";
    await store.createContact(prisma, owner, contact("", "dave@example.test"));
    const file = readAddressBook(new TextEncoder().encode("Name,E-mail Address,Mobile Phone\nDave Jones,DAVE@example.test,+1 555 0100\nErin,erin@example.test,\nErin Again,erin@example.test,+1 555 0101\nFrank,,+1 555 0102\n"));
    expect(await store.mergeContacts(prisma, owner, file.contacts)).toEqual({ added: 2, merged: 2, refused: 0 });
    const contacts = await store.listContacts(prisma, owner);
    expect(contacts.map((entry) => entry.name)).toEqual(["Dave Jones", "Erin", "Frank"]);
    expect(contacts[0]).toMatchObject({ emails: [{ value: "dave@example.test" }], phones: [{ value: "+1 555 0100" }] });
    expect(contacts[1].phones).toEqual([{ value: "+1 555 0101", label: "mobile" }]);
    expect(await store.mergeContacts(prisma, owner, file.contacts)).toEqual({ added: 0, merged: 4, refused: 0 });
    const exported = readAddressBook(new TextEncoder().encode(exportAddressBook(contacts, "vcard4").body));
    expect(await store.mergeContacts(prisma, owner, exported.contacts)).toEqual({ added: 0, merged: 3, refused: 0 });
    expect(await store.listContacts(prisma, owner)).toEqual(contacts);
  });

  it("collects recipients of sent mail with a count, not the sender nor their aliases, and nothing once turned off", async () => {
    const owner = "sender@example.test";
    const aliases = [owner, "Sales@Example.test"];
    await collectRecipients(prisma, owner, [{ name: "Gina", address: "Gina@Example.test" }, { name: "", address: owner }, { name: "Sales", address: "sales@example.TEST" }], new Date(1000), aliases);
    await collectRecipients(prisma, owner, [{ name: "", address: "gina@example.test" }, { name: "Hal", address: "hal@example.test" }], new Date(2000));
    const rows = await prisma.collectedRecipient.findMany({ where: { owner }, orderBy: { address: "asc" } });
    expect(rows.map(({ address, name, useCount }) => ({ address, name, useCount }))).toEqual([
      { address: "gina@example.test", name: "Gina", useCount: 2 },
      { address: "hal@example.test", name: "Hal", useCount: 1 },
    ]);
    await saveAddressBookSettings(prisma, owner, { collectRecipients: false });
    await collectRecipients(prisma, owner, [{ name: "Ivy", address: "ivy@example.test" }]);
    expect(await prisma.collectedRecipient.count({ where: { owner } })).toBe(2);
  });

  it("suggests contacts, groups (with their members) and recent correspondents, prefix matches and the most used first", async () => {
    const owner = "suggest@example.test";
    await store.createContact(prisma, owner, { ...contact("Jane Smith", "jane@work.test", "jane@home.test"), groups: ["Jazz club"] });
    await store.createContact(prisma, owner, { ...contact("Bob Jameson", "bob@example.test"), groups: ["Jazz club"] });
    await store.createContact(prisma, owner, contact("Ben", "ajax@example.test"));
    await collectRecipients(prisma, owner, [{ name: "", address: "jane@home.test" }]);
    await collectRecipients(prisma, owner, [{ name: "Jake", address: "jake@example.test" }]);
    await collectRecipients(prisma, owner, [{ name: "Jake", address: "jake@example.test" }]);

    const suggestions = await suggestRecipients(prisma, owner, "ja");
    expect(suggestions.map((entry) => (entry.kind === "group" ? `group:${entry.name}` : `${entry.kind}:${entry.address}`))).toEqual([
      "recent:jake@example.test",
      "contact:jane@home.test",
      "contact:bob@example.test",
      "contact:jane@work.test",
      "group:Jazz club",
      "contact:ajax@example.test",
    ]);
    const group = suggestions.find((entry) => entry.kind === "group");
    expect(group?.kind === "group" && group.members).toEqual([
      { name: "Jane Smith", address: "jane@work.test" },
      { name: "Bob Jameson", address: "bob@example.test" },
    ]);
    expect(await suggestRecipients(prisma, "nobody@example.test", "ja")).toEqual([]);
  });
});

describe("ranking suggestions", () => {
  it("matches word and domain prefixes before substrings, drops what does not match, and stops at the limit", () => {
    const candidates = [
      { kind: "contact" as const, name: "Xavier", address: "x@ana.test", useCount: 0, lastUsed: 0 },
      { kind: "contact" as const, name: "Mary Ann", address: "mary@example.test", useCount: 0, lastUsed: 0 },
      { kind: "recent" as const, name: "", address: "banana@example.test", useCount: 9, lastUsed: 5 },
      { kind: "recent" as const, name: "", address: "zed@example.test", useCount: 9, lastUsed: 5 },
    ];
    expect(rankSuggestions("an", candidates, []).map((entry) => entry.kind !== "group" && entry.address)).toEqual(["mary@example.test", "x@ana.test", "banana@example.test"]);
    expect(rankSuggestions("e", candidates, [], 2)).toHaveLength(2);
    expect(rankSuggestions("  ", candidates, [])).toEqual([]);
  });
});
