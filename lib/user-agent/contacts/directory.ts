// The address book as the recipient field searches it: contacts' addresses, groups with their members'
// first addresses, and collected recipients, ranked by suggest.ts.
import "server-only";
import type { Prisma } from "@/lib/db";
import { ownerKey } from "./store";
import { rankSuggestions, type Candidate, type GroupCandidate } from "./suggest";
import { LIMITS, type Suggestion } from "./types";

export async function suggestRecipients(prisma: Prisma, owner: string, query: string): Promise<Suggestion[]> {
  const key = ownerKey(owner);
  const [contacts, groups, collected] = await Promise.all([
    prisma.contact.findMany({ where: { owner: key }, select: { id: true, name: true, emails: { select: { address: true }, orderBy: { position: "asc" } } } }),
    prisma.contactGroup.findMany({ where: { owner: key }, select: { id: true, name: true, members: { select: { contactId: true } } } }),
    prisma.collectedRecipient.findMany({ where: { owner: key }, orderBy: { lastUsedAt: "desc" }, take: LIMITS.collected }),
  ]);
  const candidates: Candidate[] = [
    ...contacts.flatMap((contact) => contact.emails.map((email) => ({ kind: "contact" as const, name: contact.name, address: email.address, useCount: 0, lastUsed: 0 }))),
    ...collected.map((row) => ({ kind: "recent" as const, name: row.name, address: row.address, useCount: row.useCount, lastUsed: row.lastUsedAt.getTime() })),
  ];
  const firstAddress = new Map(contacts.filter((contact) => contact.emails.length > 0).map((contact) => [contact.id, { name: contact.name, address: contact.emails[0].address }]));
  const groupCandidates: GroupCandidate[] = groups.map((group) => ({
    id: group.id,
    name: group.name,
    members: group.members.flatMap((member) => firstAddress.get(member.contactId) ?? []),
  }));
  return rankSuggestions(query, candidates, groupCandidates);
}
