// What every management API route shares: reading a bounded JSON body, its fields, and the reply shape.
import type http from "node:http";
import type { Config } from "@/lib/config";
import type { OutboundQueue } from "../queue";
import { StoreError, type MailStore } from "../store";

const MAX_BODY = 64 * 1024;

export type Reply = { status: number; body: unknown };

/** The account whose credentials came with the request (HTTP Basic), as the store verified them. */
export interface Caller {
  id: number;
  address: string;
  displayName: string;
  isAdmin: boolean;
}

/** The running server as the administration routes see it. */
export interface ServerInfo {
  /** The queue the server delivers from: retry wakes it, delete bounces through it. */
  queue: OutboundQueue;
  /** What listens where. */
  endpoints(): { name: string; port: number }[];
}

export interface RouteContext {
  config: Config;
  store: MailStore;
  server: ServerInfo;
  request: http.IncomingMessage;
  url: URL;
  /** Values of the route pattern's `:name` segments, decoded. */
  params: Record<string, string>;
  /** Set for routes that require an account or an administrator; null on public routes. */
  caller: Caller | null;
}

export async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new StoreError("invalid", "request body too large");
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new StoreError("invalid", "the request body is not JSON");
  }
}

/** A text field of a JSON body; "" when absent. */
export function field(body: unknown, name: string): string {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new StoreError("invalid", `${name} must be a string`);
  return value;
}
