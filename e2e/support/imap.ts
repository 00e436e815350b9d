// Puts fixtures straight into folders over IMAP (APPEND, CREATE), as another mail client would: mail
// already filed in a folder, or the user's own reply in Sent, which SMTP delivery cannot produce.
import { ImapFlow } from "imapflow";
import { ADMIN } from "./accounts";
import { E2E_IMAP_PORT } from "./ports";

export async function withImap<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: "127.0.0.1", port: E2E_IMAP_PORT, secure: false, doSTARTTLS: false, auth: { user: ADMIN.address, pass: ADMIN.password }, logger: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export interface Fixture {
  subject: string;
  from?: string;
  messageId?: string;
  inReplyTo?: string;
  date?: string;
  body?: string;
  size?: number;
}

export function rawMessage(fixture: Fixture): string {
  const headers = [
    `From: ${fixture.from ?? "Sender <sender@remote.example>"}`,
    "To: admin@example.test",
    `Subject: ${fixture.subject}`,
    `Date: ${fixture.date ?? new Date().toUTCString()}`,
    `Message-ID: ${fixture.messageId ?? `<${Math.random().toString(36).slice(2)}@remote.example>`}`,
    ...(fixture.inReplyTo ? [`In-Reply-To: ${fixture.inReplyTo}`, `References: ${fixture.inReplyTo}`] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
  ];
  const body = (fixture.body ?? `About ${fixture.subject}.`) + (fixture.size ? `\n${"x".repeat(fixture.size)}` : "");
  return `${headers.join("\r\n")}\r\n\r\n${body.replace(/\n/g, "\r\n")}\r\n`;
}

/** Creates `folder` if needed and appends the messages to it, unread unless flags say otherwise. */
export async function seed(folder: string, fixtures: Fixture[], flags: string[] = []): Promise<void> {
  await withImap(async (client) => {
    if (folder !== "INBOX") await client.mailboxCreate(folder).catch(() => undefined);
    for (const fixture of fixtures) await client.append(folder, rawMessage(fixture), flags);
  });
}
