import { NextResponse } from "next/server";
import { createFirstAccount, MailServerUnreachableError, type SetupInput } from "@/lib/user-agent/admin-api";
import { readJsonBody } from "@/lib/web/json-body";
import { isSameOrigin } from "@/lib/web/same-origin";

// Generous for a person, small enough that nobody makes the server hash a megabyte of "password".
const MAX_LENGTH = { address: 254, displayName: 200, password: 1024 } as const;

function parseSetupInput(value: unknown): SetupInput | string {
  if (typeof value !== "object" || value === null) return "Expected an object with address, password and displayName.";
  const { address, password, displayName = "" } = value as Partial<Record<keyof SetupInput, unknown>>;
  if (typeof address !== "string" || typeof password !== "string" || typeof displayName !== "string") {
    return "address, password and displayName must be text.";
  }
  for (const [name, text] of Object.entries({ address, password, displayName })) {
    const max = MAX_LENGTH[name as keyof SetupInput];
    if (text.length > max) return `${name} is longer than ${max} characters.`;
  }
  // The mail server judges the address and the password; trimming is only kindness to copy and paste.
  return { address: address.trim(), password, displayName: displayName.trim() };
}

export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) {
    return NextResponse.json({ error: "Cross-site request refused." }, { status: 403 });
  }
  const body = await readJsonBody(request, 8 * 1024);
  if (!body.ok) return NextResponse.json({ error: body.error }, { status: body.status });
  const input = parseSetupInput(body.value);
  if (typeof input === "string") return NextResponse.json({ error: input }, { status: 400 });

  try {
    const result = await createFirstAccount(input);
    return NextResponse.json(result.body, { status: result.status });
  } catch (error) {
    if (error instanceof MailServerUnreachableError) {
      return NextResponse.json({ error: `Cannot create the account: ${error.message}.` }, { status: 502 });
    }
    throw error;
  }
}
