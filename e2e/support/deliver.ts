// Puts mail into the test server's mailboxes the way mail really arrives: over SMTP (the MX role).
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { E2E_PORTS } from "./ports";

const transport = nodemailer.createTransport({
  host: "127.0.0.1",
  port: E2E_PORTS.smtp,
  secure: false,
  // Loopback to our own test server: no STARTTLS to a self-signed certificate.
  ignoreTLS: true,
});

export async function deliver(message: Mail.Options): Promise<void> {
  await transport.sendMail({ from: "Sender <sender@remote.example>", ...message });
}

/** A message exactly as written (hostile MIME and headers included), for the envelope recipient given. */
export async function deliverRaw(to: string, raw: string): Promise<void> {
  await transport.sendMail({ envelope: { from: "mallory@hostile.example", to: [to] }, raw });
}
