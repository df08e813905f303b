/**
 * Test identities for the loopback emulators: a self-signed SAML signing certificate (what an AD FS
 * "token-signing" certificate is) and a small CA that issues TLS server certificates for 127.0.0.1.
 *
 * Keys are RSA 2048 and certificates are signed with SHA-256. Key generation uses node:crypto because
 * node-forge's pure-JS RSA generation takes seconds per key; forge is only used to build certificates.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface KeyPair {
  keyPem: string;
  certPem: string;
}

export interface TestCa {
  ca: KeyPair;
  issueServerCert(hosts: string[]): KeyPair;
}

interface ForgeKeys {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  keyPem: string;
}

function generateRsaKeys(): ForgeKeys {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  return { privateKey: forgeKey, publicKey, keyPem: privateKey };
}

/** A positive serial number: X.509 serials are signed integers, so the top bit must be clear. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number): void {
  // Backdate a little so that small clock differences between test processes never matter.
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(notBefore.getTime() + days * 24 * 60 * 60 * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
}

function sign(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey): void {
  cert.sign(key, forge.md.sha256.create());
}

/** A self-signed certificate for signing SAML assertions, like an AD FS token-signing certificate. */
export function createSelfSignedIdentity(commonName: string): KeyPair {
  const keys = generateRsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  validity(cert, 365);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  sign(cert, keys.privateKey);
  return { keyPem: keys.keyPem, certPem: forge.pki.certificateToPem(cert) };
}

/** A throwaway CA whose certificate can be given to clients as a CA bundle. */
export function createTestCa(): TestCa {
  const caKeys = generateRsaKeys();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = caKeys.publicKey;
  caCert.serialNumber = randomSerial();
  validity(caCert, 365);
  const caAttrs = [
    { name: 'commonName', value: 'awsfed test CA' },
    { name: 'organizationName', value: 'awsfed emulator' },
  ];
  caCert.setSubject(caAttrs);
  caCert.setIssuer(caAttrs);
  caCert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  sign(caCert, caKeys.privateKey);
  const ca: KeyPair = { keyPem: caKeys.keyPem, certPem: forge.pki.certificateToPem(caCert) };

  return {
    ca,
    issueServerCert(hosts: string[]): KeyPair {
      if (hosts.length === 0) throw new Error('issueServerCert needs at least one host name or IP address');
      const keys = generateRsaKeys();
      const cert = forge.pki.createCertificate();
      cert.publicKey = keys.publicKey;
      cert.serialNumber = randomSerial();
      validity(cert, 30);
      cert.setSubject([{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
      cert.setIssuer(caCert.subject.attributes);
      // Clients match host names against subjectAltName only (RFC 6125): type 7 is iPAddress, 2 is dNSName.
      const altNames = hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }));
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
        { name: 'subjectKeyIdentifier' },
        { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      ]);
      sign(cert, caKeys.privateKey);
      return { keyPem: keys.keyPem, certPem: forge.pki.certificateToPem(cert) };
    },
  };
}
