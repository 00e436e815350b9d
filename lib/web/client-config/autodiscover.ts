// Outlook's Autodiscover for POX (plain old XML): a client POSTs a request naming the address and the
// response schema it accepts, and gets IMAP, POP3 and SMTP settings in the "outlook" response schema.
// The request is read with a maintained parser: no entity expansion, bounded nesting, bounded size.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { ClientSettings, ServerSetting } from "./settings";
import { normalizeAddress } from "./settings";
import { xmlDocument } from "./xml";

export const RESPONSE_NAMESPACE = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
export const OUTLOOK_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
/** A real request is a few hundred bytes. */
export const MAX_REQUEST_BYTES = 16 * 1024;

const parser = new XMLParser({
  processEntities: false,
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 16,
});

export type AutodiscoverRequest =
  | { ok: true; address: string; schema: string }
  | { ok: false; code: 600 | 601; message: string };

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The text of a leaf element; a repeated or structured one is not a valid request. */
function text(value: unknown): string | null {
  return typeof value === "string" ? value.trim() : null;
}

export function parseAutodiscoverRequest(body: string): AutodiscoverRequest {
  const invalid = (message: string) => ({ ok: false, code: 600, message }) as const;
  if (Buffer.byteLength(body, "utf8") > MAX_REQUEST_BYTES) return invalid("The request is too large.");
  if (XMLValidator.validate(body) !== true) return invalid("The request is not well-formed XML.");
  let tree: unknown;
  try {
    tree = parser.parse(body);
  } catch {
    return invalid("The request could not be read.");
  }
  const request = record(record(record(tree)?.Autodiscover)?.Request);
  if (!request) return invalid("Expected <Autodiscover><Request>…</Request></Autodiscover>.");
  const given = text(request.EMailAddress);
  // Entities are left unexpanded (no billion laughs, no external files), so one can't be part of an address.
  if (given?.includes("&")) return invalid("Entity references are not accepted in EMailAddress.");
  const address = normalizeAddress(given);
  if (!address) return invalid("The request names no valid EMailAddress.");
  const schema = text(request.AcceptableResponseSchema) ?? OUTLOOK_SCHEMA;
  // ActiveSync (mobilesync) clients ask for a schema only Exchange answers.
  if (schema !== OUTLOOK_SCHEMA) return { ok: false, code: 601, message: "Only the Outlook response schema (IMAP, POP3, SMTP) is provided." };
  return { ok: true, address, schema };
}

function protocol(type: "IMAP" | "POP3" | "SMTP", setting: ServerSetting, loginName: string) {
  return {
    Type: type,
    Server: setting.host,
    Port: setting.port,
    DomainRequired: "off",
    LoginName: loginName,
    SPA: "off",
    SSL: "on",
    // Encryption overrides SSL in Outlook 2007 and later: "SSL" from the first byte, "TLS" for STARTTLS.
    Encryption: setting.socketType === "SSL" ? "SSL" : "TLS",
    AuthRequired: "on",
    ...(type === "SMTP" ? { UsePOPAuth: "on", SMTPLast: "off" } : {}),
  };
}

export function autodiscoverResponse(settings: ClientSettings, displayName: string): string {
  const protocols = [
    ...settings.imap.slice(0, 1).map((s) => protocol("IMAP", s, settings.username)),
    ...settings.pop3.slice(0, 1).map((s) => protocol("POP3", s, settings.username)),
    ...settings.smtp.slice(0, 1).map((s) => protocol("SMTP", s, settings.username)),
  ];
  return xmlDocument({
    Autodiscover: {
      "@xmlns": RESPONSE_NAMESPACE,
      Response: {
        "@xmlns": OUTLOOK_SCHEMA,
        User: { DisplayName: displayName },
        Account: { AccountType: "email", Action: "settings", Protocol: protocols },
      },
    },
  });
}

/** The protocol's error answer: 600 invalid request, 601 the requested schema isn't provided. */
export function autodiscoverError(code: 600 | 601, message: string, now = new Date()): string {
  return xmlDocument({
    Autodiscover: {
      "@xmlns": RESPONSE_NAMESPACE,
      Response: {
        Error: {
          "@Time": now.toISOString().slice(11, 23),
          "@Id": "0",
          ErrorCode: code,
          Message: message,
        },
      },
    },
  });
}
