// The administration menu, in order. A new area adds one line here (its label under Admin.nav in
// messages/*.json) and its page under app/admin/.
export const ADMIN_NAV = [
  { href: "/admin/domains", label: "domains" },
  { href: "/admin/accounts", label: "accounts" },
  { href: "/admin/aliases", label: "aliases" },
  { href: "/admin/queue", label: "queue" },
  { href: "/admin/status", label: "status" },
  { href: "/admin/dns", label: "dnsHealth" },
  { href: "/admin/invites", label: "invites" },
] as const satisfies readonly { href: string; label: string }[];

export type AdminNavLabel = (typeof ADMIN_NAV)[number]["label"];
