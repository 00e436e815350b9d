import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/web/auth/options";
import { isSecureRequest } from "@/lib/web/auth/request-security";

type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth checks its own CSRF token on every POST (sign-in, sign-out).
async function handler(request: NextRequest, context: Context): Promise<Response> {
  return NextAuth(request, context, authOptions(isSecureRequest(request.headers))) as Promise<Response>;
}

export { handler as GET, handler as POST };
