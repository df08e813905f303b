// Resolves a profile's credentials with the AWS SDK for JavaScript v3 in a process of its own, so that
// the credential_process it may run inherits this process's environment (the test's temporary HOME and
// AWS files), never the developer's. argv: provider (fromProcess | fromIni), profile. Prints the
// access key id and the expiry as JSON (no secret), or the error message with exit 1.
import { fromIni, fromProcess } from '@aws-sdk/credential-providers';

const [provider, profile] = process.argv.slice(2);
const make = provider === 'fromProcess' ? fromProcess : fromIni;
try {
  const creds = await make({ profile, ignoreCache: true })();
  process.stdout.write(JSON.stringify({ accessKeyId: creds.accessKeyId, expiration: creds.expiration?.toISOString(), hasToken: Boolean(creds.sessionToken) }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.message ?? error) }));
  process.exitCode = 1;
}
