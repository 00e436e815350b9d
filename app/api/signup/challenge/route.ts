import { NextResponse } from "next/server";
import { issueChallenge } from "@/lib/web/signup/challenge";

/** A fresh proof-of-work challenge for the sign-up form; it also dates the form (the minimum fill time). */
export function GET() {
  return NextResponse.json(issueChallenge(), { headers: { "cache-control": "no-store" } });
}
