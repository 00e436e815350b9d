// The TLS identity every listener shares: the operator's certificate (TLS_CERT/TLS_KEY), or a
// self-signed one generated on first start into DATA_DIR/tls and kept for later starts, so
// that clients that pinned it the first time keep trusting it.
import { promises as fs } from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { generate } from "selfsigned";
import { ConfigError, type Config } from "@/lib/config";

export interface TlsIdentity {
  context: tls.SecureContext;
  cert: string;
  key: string;
}

async function generatedIdentity(config: Config): Promise<{ cert: string; key: string }> {
  const dir = path.join(config.dataDir, "tls");
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  try {
    return { cert: await fs.readFile(certFile, "utf8"), key: await fs.readFile(keyFile, "utf8") };
  } catch {
    // first start: make one
  }
  const notAfterDate = new Date();
  notAfterDate.setFullYear(notAfterDate.getFullYear() + 10);
  const pems = await generate([{ name: "commonName", value: config.hostname }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: false },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: config.hostname },
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(keyFile, pems.private, { mode: 0o600 });
  await fs.writeFile(certFile, pems.cert);
  return { cert: pems.cert, key: pems.private };
}

export async function loadTlsIdentity(config: Config): Promise<TlsIdentity> {
  let pem: { cert: string; key: string };
  if (config.tls.certFile && config.tls.keyFile) {
    pem = { cert: await fs.readFile(config.tls.certFile, "utf8"), key: await fs.readFile(config.tls.keyFile, "utf8") };
  } else {
    pem = await generatedIdentity(config);
  }
  try {
    return { ...pem, context: tls.createSecureContext({ cert: pem.cert, key: pem.key, minVersion: "TLSv1.2" }) };
  } catch (error) {
    throw new ConfigError(config.tls.certFile ? "TLS_CERT" : "DATA_DIR", `the TLS certificate or key is not usable: ${(error as Error).message}`);
  }
}
