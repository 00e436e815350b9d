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
