import { NextResponse } from "next/server";
import { getLocale, getTranslations } from "next-intl/server";
import { MailServerUnreachableError } from "@/lib/user-agent/admin-api";
import { createSignupAccount } from "@/lib/user-agent/signup-api";
import { clientAddress } from "@/lib/web/client-address";
import { readJsonBody } from "@/lib/web/json-body";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";
import { redeemChallenge } from "@/lib/web/signup/challenge";
import type en from "@/messages/en.json";

const FIELDS = { localPart: 64, domain: 253, displayName: 100, password: 1024, invite: 100, challenge: 200, solution: 20, website: 200 } as const;
type Fields = Record<keyof typeof FIELDS, string>;

function parseFields(value: unknown): Fields | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const fields = {} as Fields;
  for (const [name, max] of Object.entries(FIELDS) as [keyof Fields, number][]) {
    const field = record[name] ?? "";
    if (typeof field !== "string" || field.length > max) return null;
    fields[name] = field;
  }
  return fields;
}

/** The mail server's refusals by code, in the reader's language; anything else keeps the server's words. */
const REFUSALS: Record<string, keyof (typeof en)["Signup"]["errors"]> = {
  closed: "closed",
  "invite-required": "inviteRequired",
  "invite-used": "inviteUsed",
  "invite-expired": "inviteExpired",
  "invite-revoked": "inviteRevoked",
  "invite-unknown": "inviteUnknown",
  throttled: "throttled",
  taken: "taken",
  reserved: "reserved",
  "bad-local-part": "badLocalPart",
  "bad-domain": "badDomain",
  "bad-name": "badName",
  "weak-password": "weakPassword",
};

/**
 * Creates an account by sign-up: the honeypot, the form's age and its proof of work are checked here, the
 * mode, invite, per-address limit and the account's own rules by the mail server. The browser then signs
 * in with the new address and password as on the sign-in page.
 */
export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const t = await getTranslations("Signup.errors");
  const body = await readJsonBody(request, 8 * 1024);
  if (!body.ok) return jsonError(body.status, body.error);
  const fields = parseFields(body.value);
  if (!fields) return jsonError(400, t("badRequest"));
  // A field people never see: only a script that fills in everything puts something there.
  if (fields.website) return jsonError(400, t("automated"));
  const problem = redeemChallenge(fields.challenge, fields.solution);
  if (problem === "too-fast") return jsonError(400, t("tooFast"));
  if (problem) return jsonError(400, t("challenge"));

  try {
    const answer = await createSignupAccount({
      localPart: fields.localPart.trim(),
      domain: fields.domain.trim(),
      displayName: fields.displayName.trim(),
      password: fields.password,
      invite: fields.invite.trim(),
      clientAddress: clientAddress(request.headers),
      language: await getLocale(),
    });
    if (answer.status === 201 && answer.address) return NextResponse.json({ address: answer.address }, { status: 201 });
    const key = answer.code ? REFUSALS[answer.code] : undefined;
    const address = `${fields.localPart.trim()}@${fields.domain.trim()}`;
    const words = key ? t(key, { address, minutes: answer.retryAfterMinutes ?? 60 }) : (answer.error ?? t("failed", { status: answer.status }));
    return NextResponse.json({ error: words, code: answer.code ?? null }, { status: answer.status >= 400 ? answer.status : 502, headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof MailServerUnreachableError) return jsonError(502, t("unreachable"));
    throw error;
  }
}
