import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { createSelfSignedIdentity, createTestCa } from './certs.js';

describe('createSelfSignedIdentity', () => {
  it('makes a self-signed RSA 2048 / SHA-256 certificate matching its key', () => {
    const id = createSelfSignedIdentity('ADFS Signing - adfs.example.com');
    const cert = new X509Certificate(id.certPem);
    expect(cert.subject).toBe('CN=ADFS Signing - adfs.example.com');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(id.keyPem))).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // sha256WithRSAEncryption
    expect(forge.pki.certificateFromPem(id.certPem).siginfo.algorithmOid).toBe('1.2.840.113549.1.1.11');
    expect(cert.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 86400_000);
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now());
  });

  it('makes a different key every time', () => {
    const a = createSelfSignedIdentity('a');
    const b = createSelfSignedIdentity('a');
    expect(createPublicKey(a.keyPem).export({ format: 'pem', type: 'spki' })).not.toBe(
      createPublicKey(b.keyPem).export({ format: 'pem', type: 'spki' }),
    );
  });
});

describe('createTestCa', () => {
  it('issues server certificates for 127.0.0.1 and localhost signed by the CA', () => {
    const ca = createTestCa();
    const caCert = new X509Certificate(ca.ca.certPem);
    expect(caCert.ca).toBe(true);
    const leaf = ca.issueServerCert(['127.0.0.1', 'localhost']);
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.ca).toBe(false);
    expect(forge.pki.certificateFromPem(leaf.certPem).siginfo.algorithmOid).toBe('1.2.840.113549.1.1.11');
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
  });

  it('serves TLS that Node accepts with the CA and refuses without it', async () => {
    const ca = createTestCa();
    const leaf = ca.issueServerCert(['127.0.0.1', 'localhost']);
    const server = https.createServer({ key: leaf.keyPem, cert: leaf.certPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (ca?: string): Promise<string> =>
      new Promise((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/', ...(ca ? { ca } : {}), agent: false }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
    try {
      expect(await get(ca.ca.certPem)).toBe('ok');
      await expect(get()).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses to issue a certificate without hosts', () => {
    expect(() => createTestCa().issueServerCert([])).toThrow(/at least one host/);
  });
});
