import "server-only";
import { NextResponse } from "next/server";
import { adminErrorText, MailServerUnreachableError } from "@/lib/user-agent/admin-api";
import { jsonError } from "@/lib/web/mail-route";

/** The mail server's answer passed on, its error words kept; it decides who is an administrator. */
export async function passThrough(call: () => Promise<{ status: number; body: unknown }>): Promise<Response> {
  try {
    const { status, body } = await call();
    if (status >= 400) return jsonError(status, adminErrorText(status, body));
    return NextResponse.json(body, { status, headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof MailServerUnreachableError) return jsonError(502, error.message);
    throw error;
  }
}
