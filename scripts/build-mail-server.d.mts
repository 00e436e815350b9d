// Types of scripts/build-mail-server.mjs for the TypeScript scripts that import it.
export const ROOT: string;
export const MAIL_SERVER_BUNDLE: string;
export function buildMailServer(): Promise<string>;
export const MAIL_SERVER_NODE_FLAGS: string[];
