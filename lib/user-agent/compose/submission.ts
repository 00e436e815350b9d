// Sending a composed message by SMTP submission (RFC 6409) with the user's own credentials, through
// nodemailer's SMTP transport: SMTP_URL when the operator names another server, else the bundled
// server's SUBMISSION_PORT (or SUBMISSIONS_PORT). One connection per message: sending is rare next to
// reading, and a submission server may close idle connections at any time.
import "server-only";
import nodemailer from "nodemailer";
import { loadConfig, type Config } from "@/lib/config";
import { serverEndpoint, type EndpointSpec, type ImapEndpoint } from "@/lib/user-agent/imap/endpoint";
import type { SendFailure } from "./types";

const SUBMISSION: EndpointSpec = {
  variable: "SMTP_URL",
  plain: { scheme: "smtp:", port: 587, variable: "SUBMISSION_PORT", configured: (config) => config.ports.submission },
  tls: { scheme: "smtps:", port: 465, variable: "SUBMISSIONS_PORT", configured: (config) => config.ports.submissions },
  examples: "smtps://mail.example.org, smtp://127.0.0.1:587",
  role: "submission server to send mail through",
};

export function submissionEndpoint(config: Config = loadConfig()): ImapEndpoint {
  return serverEndpoint(SUBMISSION, config.smtpUrl, config);
}

export interface Submitted {
  /** Recipients refused at RCPT while the others took the message, with the server's answer. */
  rejected: { address: string; answer: string }[];
}

export class SubmissionError extends Error {
  constructor(
    readonly failure: SendFailure,
    readonly detail: string,
  ) {
    super(`${failure}: ${detail}`);
    this.name = "SubmissionError";
  }
}

interface NodemailerError {
  code?: string;
  response?: string;
  recipient?: string;
  message: string;
}

function isNodemailerError(error: unknown): error is NodemailerError {
  return error instanceof Error;
}

// Network trouble as nodemailer and Node name it: nothing was said by a server.
const UNREACHABLE = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ETLS"]);

/** What went wrong, in the server's own words when it said any. */
export function describeFailure(error: unknown): SubmissionError {
  if (!isNodemailerError(error)) return new SubmissionError("unreachable", String(error));
  const answer = error.response?.trim();
  if (error.code === "EAUTH") return new SubmissionError("password", answer ?? error.message);
  if (answer) return new SubmissionError("refused", answer);
  if (error.code && UNREACHABLE.has(error.code)) return new SubmissionError("unreachable", error.message);
  return new SubmissionError("refused", error.message);
}

function rejectedAnswers(info: object): Submitted["rejected"] {
  const errors = "rejectedErrors" in info && Array.isArray(info.rejectedErrors) ? (info.rejectedErrors as unknown[]) : [];
  return errors.filter(isNodemailerError).map((error) => ({ address: error.recipient ?? "", answer: error.response?.trim() ?? error.message }));
}

/** RFC 3461 parameters for every recipient: which reports to ask for, and the ENVID they will echo. */
export interface SubmissionDsn {
  envelopeId: string;
  notify: ("success" | "failure" | "delay")[];
}

/** Submits the message's bytes for the envelope given; throws SubmissionError when nothing was sent. */
export async function submit(raw: Buffer, envelope: { from: string; to: string[] }, auth: { user: string; pass: string }, endpoint = submissionEndpoint(), dsn: SubmissionDsn | null = null): Promise<Submitted> {
  const transport = nodemailer.createTransport({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    requireTLS: endpoint.requireStartTls,
    // As with IMAP: on loopback TLS costs CPU and protects nothing.
    ignoreTLS: !endpoint.secure && endpoint.loopback,
    tls: endpoint.acceptSelfSigned ? { rejectUnauthorized: false } : undefined,
    auth,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    logger: false,
  });
  try {
    // RET=HDRS: a report returns the header (its Message-ID ties it to the sent copy), not the whole message again.
    const info = await transport.sendMail({ envelope, raw, dsn: dsn ? { id: dsn.envelopeId, return: "headers", notify: dsn.notify } : undefined });
    return { rejected: rejectedAnswers(info) };
  } catch (error) {
    throw describeFailure(error);
  } finally {
    transport.close();
  }
}
