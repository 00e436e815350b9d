// Every route of the management API, in one table: method, path pattern (`:name` matches one segment),
// who may call it, and the handler. Add a route here and its handler in a file of this folder.
import type { Access } from "../auth";
import type { Reply, RouteContext } from "../request";
import { getOwnAccount } from "./account";
import { getOwnAddresses } from "./own-addresses";
import { changeOwnPassword } from "./password";
import { getOwnRules, putOwnRules } from "./rules";
import { getDnsHealth } from "./dns";
import { createInvite, listInvites, revokeInvite } from "./invites";
import { createFirstAccount, getSetup } from "./setup";
import { addDomain, deleteDomain, domainRecords, listDomains } from "./domains";
import { createAccount, deleteAccount, listAccounts, updateAccount } from "./accounts";
import { addAlias, deleteAlias, listAliases } from "./aliases";
import { deleteQueued, listQueue, retryQueue } from "./queue";
import { serverStatus } from "./status";
import { createSignupAccount, getSignup } from "./signup";

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  pattern: string;
  access: Access;
  handle: (context: RouteContext) => Promise<Reply>;
}

export const ROUTES: Route[] = [
  { method: "GET", pattern: "/api/v1/health", access: "public", handle: async () => ({ status: 200, body: { ok: true } }) },
  { method: "GET", pattern: "/api/v1/setup", access: "public", handle: getSetup },
  { method: "POST", pattern: "/api/v1/setup", access: "public", handle: createFirstAccount },
  { method: "GET", pattern: "/api/v1/account", access: "account", handle: getOwnAccount },
  { method: "GET", pattern: "/api/v1/account/addresses", access: "account", handle: getOwnAddresses },
  { method: "POST", pattern: "/api/v1/account/password", access: "account", handle: changeOwnPassword },
  { method: "GET", pattern: "/api/v1/account/rules", access: "account", handle: getOwnRules },
  { method: "PUT", pattern: "/api/v1/account/rules", access: "account", handle: putOwnRules },
  { method: "GET", pattern: "/api/v1/domains", access: "admin", handle: listDomains },
  { method: "POST", pattern: "/api/v1/domains", access: "admin", handle: addDomain },
  { method: "GET", pattern: "/api/v1/domains/:name/records", access: "admin", handle: domainRecords },
  { method: "DELETE", pattern: "/api/v1/domains/:name", access: "admin", handle: deleteDomain },
  { method: "GET", pattern: "/api/v1/accounts", access: "admin", handle: listAccounts },
  { method: "POST", pattern: "/api/v1/accounts", access: "admin", handle: createAccount },
  { method: "PATCH", pattern: "/api/v1/accounts/:address", access: "admin", handle: updateAccount },
  { method: "DELETE", pattern: "/api/v1/accounts/:address", access: "admin", handle: deleteAccount },
  { method: "GET", pattern: "/api/v1/aliases", access: "admin", handle: listAliases },
  { method: "POST", pattern: "/api/v1/aliases", access: "admin", handle: addAlias },
  { method: "DELETE", pattern: "/api/v1/aliases", access: "admin", handle: deleteAlias },
  { method: "GET", pattern: "/api/v1/queue", access: "admin", handle: listQueue },
  { method: "POST", pattern: "/api/v1/queue/:id/retry", access: "admin", handle: retryQueue },
  { method: "DELETE", pattern: "/api/v1/queue/:id", access: "admin", handle: deleteQueued },
  { method: "GET", pattern: "/api/v1/status", access: "admin", handle: serverStatus },
  { method: "GET", pattern: "/api/v1/signup", access: "public", handle: getSignup },
  { method: "POST", pattern: "/api/v1/signup", access: "public", handle: createSignupAccount },
  { method: "GET", pattern: "/api/v1/invites", access: "admin", handle: listInvites },
  { method: "POST", pattern: "/api/v1/invites", access: "admin", handle: createInvite },
  { method: "DELETE", pattern: "/api/v1/invites/:id", access: "admin", handle: revokeInvite },
  { method: "GET", pattern: "/api/v1/dns", access: "admin", handle: getDnsHealth },
];
