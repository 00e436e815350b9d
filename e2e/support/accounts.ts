// The account the first-run project creates through the set-up page; the webmail tests sign in as it.
export const ADMIN = { address: "admin@example.test", password: "correct horse battery staple" } as const;
