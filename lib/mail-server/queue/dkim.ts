// DKIM signatures (RFC 6376) on mail leaving for other domains, made with mailauth and the
// From domain's key (lib/mail-server/store/domain-keys.ts). The receiving server checks it
// against the key published in DNS, and DMARC needs the From domain to match.
import type { Envelope } from "@/lib/mime/analyze";
import type { MailStore } from "../store";

/** The header fields we sign, and sign once more where absent so nobody can add them later. */
const SIGNED_FIELDS = ["From", "Sender", "Reply-To", "Subject", "Date", "Message-ID", "To", "Cc", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "In-Reply-To", "References", "List-Unsubscribe"];

/** The DKIM-Signature header for the message (CRLF-terminated), or "" when its From domain has no key of ours. */
export async function dkimSignatureFor(store: MailStore, envelope: Envelope, message: Buffer, log: (line: string) => void): Promise<string> {
  const from = envelope.from?.find(([, , mailbox, host]) => mailbox && host);
  if (!from?.[3]) return "";
  const key = await store.domainKeys.signingKey(from[3]);
  if (!key) return "";
  const { dkimSign } = await import("mailauth");
  const signature = { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey };
  const result = await dkimSign(message, { signatureData: [signature], canonicalization: "relaxed/relaxed", algorithm: "rsa-sha256", headerList: SIGNED_FIELDS, ...signature });
  // An unsigned message still goes: it may be checked less kindly, but it isn't lost.
  if (result.errors.length) log(`dkim: signing for ${key.domain} failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.signatures.startsWith("DKIM-Signature:") ? result.signatures : "";
}
