// Puts mail into the test server's mailboxes the way mail really arrives: over SMTP (the MX role). Against
// Dovecot (E2E_TARGET=dovecot), which has no MX in front of it here, the same message is built by nodemailer
// and APPENDed to the account's INBOX: what the webmail sees (a new unread message, an IDLE notice) is the same.
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { ADMIN } from "./accounts";
import { withImap } from "./imap";
import { E2E_PORTS, E2E_TARGET } from "./ports";

const smtp = nodemailer.createTransport({
  host: "127.0.0.1",
  port: E2E_PORTS.smtp,
  secure: false,
  // Loopback to our own test server: no STARTTLS to a self-signed certificate.
  ignoreTLS: true,
});
// Builds the message as the SMTP transport would send it, and hands back its bytes.
const build = nodemailer.createTransport({ streamTransport: true, buffer: true });

async function send(message: Mail.Options): Promise<void> {
  if (E2E_TARGET !== "dovecot") {
    await smtp.sendMail(message);
    return;
  }
  const { envelope, message: bytes } = await build.sendMail(message);
  if (!Buffer.isBuffer(bytes)) throw new Error("nodemailer gave a stream, not the message's bytes");
  if (envelope.to.some((address) => address !== ADMIN.address)) throw new Error(`the Dovecot run has one mailbox, ${ADMIN.address}; not ${envelope.to.join(", ")}`);
  await withImap((client) => client.append("INBOX", bytes));
}

export async function deliver(message: Mail.Options): Promise<void> {
  await send({ from: "Sender <sender@remote.example>", ...message });
}

/** A message exactly as written (hostile MIME and headers included), for the envelope recipient given. */
export async function deliverRaw(to: string, raw: string): Promise<void> {
  await send({ envelope: { from: "mallory@hostile.example", to: [to] }, raw });
}
