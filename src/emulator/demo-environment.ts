/**
 * The standard world of the demo and the end-to-end tests: one AD FS emulator and one STS emulator
 * that trusts its signing certificate, a demo user with roles in two accounts (one role written
 * provider-first, as some AD FS claim rules do).
 */
import type { AdfsEmulator, AdfsEmulatorOptions, AdfsUser, AdfsVariant } from './adfs.js';
import { startAdfsEmulator } from './adfs.js';
import type { StsEmulator, StsEmulatorRole } from './sts.js';
import { startStsEmulator } from './sts.js';
import type { KeyPair, TestCa } from './certs.js';
import { createSelfSignedIdentity, createTestCa } from './certs.js';
import type { IssuedRole } from './saml-issuer.js';
import type { DuoIntegration } from './duo.js';

export const DEMO_USER = { username: 'alice@corp.example', password: 'Demo-Passw0rd!' } as const;

export const GATEWAY_ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';

export const DEMO_ROLES: IssuedRole[] = [
  { roleArn: `arn:aws:iam::${GATEWAY_ACCOUNT}:role/ADFS-Admins`, principalArn: `arn:aws:iam::${GATEWAY_ACCOUNT}:saml-provider/ADFS` },
  { roleArn: `arn:aws:iam::${GATEWAY_ACCOUNT}:role/ADFS-ReadOnly`, principalArn: `arn:aws:iam::${GATEWAY_ACCOUNT}:saml-provider/ADFS`, providerFirst: true },
  { roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/ADFS-Developers`, principalArn: `arn:aws:iam::${OTHER_ACCOUNT}:saml-provider/ADFS` },
];

export const DEMO_ACCOUNTS = { roleCount: DEMO_ROLES.length, accountCount: 2, defaultRolePattern: '*ReadOnly' } as const;

/**
 * The destination accounts of `awsfed demo`: one role each, whose trust policy names every role the
 * gateway can hold after the SAML sign-in (so whichever role the user picks, both hops work).
 */
export const DEMO_DESTINATIONS = [
  { name: 'dev', account: '333333333333', role: 'Developer' },
  { name: 'prod', account: '444444444444', role: 'ReadOnly' },
] as const;

/**
 * The demo's push: Microsoft Authenticator with number matching (every push since May 2023), approved
 * by the emulated phone after this many polls; awsfed polls every 1.5 s, so about 3 seconds.
 */
export const DEMO_PUSH_APPROVE_AFTER_POLLS = 2;

export interface DemoEnvironmentOptions {
  variant?: AdfsVariant;
  users?: AdfsUser[];
  /** Extra or replacement STS role settings (e.g. a small MaxSessionDuration). */
  stsRoles?: StsEmulatorRole[];
  /** Serve the AD FS emulator over TLS with a certificate from a generated CA. */
  https?: boolean;
  clock?: () => Date;
  /** A Duo emulator behind the DuoAdfsAdapter (src/emulator/duo.ts). */
  duo?: DuoIntegration;
  /** Windows integrated sign-in on the AD FS emulator (NTLM at /adfs/ls/wia). */
  wia?: AdfsEmulatorOptions['wia'];
}

export interface DemoEnvironment {
  adfs: AdfsEmulator;
  sts: StsEmulator;
  signer: KeyPair;
  /** Present when https was asked for: the CA that issued the AD FS server certificate. */
  ca?: TestCa;
  close(): Promise<void>;
}

export function demoUser(overrides: Partial<AdfsUser> = {}): AdfsUser {
  return { ...DEMO_USER, roles: DEMO_ROLES, roleSessionName: DEMO_USER.username, sessionDuration: 28800, ...overrides };
}

/**
 * The world of `awsfed demo`: the demo user behind an Authenticator push showing `numberToMatch`, and
 * the destination roles of DEMO_DESTINATIONS in the STS emulator.
 */
export function startDemoDay(numberToMatch: string): Promise<DemoEnvironment> {
  const gatewayRoles = DEMO_ROLES.map((r) => r.roleArn);
  return startDemoEnvironment({
    users: [
      demoUser({ mfaAdapter: 'AzureMfaAuthentication', mfaNumberToMatch: numberToMatch, mfaPushApproveAfterPolls: DEMO_PUSH_APPROVE_AFTER_POLLS }),
    ],
    stsRoles: DEMO_DESTINATIONS.map((d) => ({ roleArn: destinationRoleArn(d), trustedPrincipals: gatewayRoles })),
  });
}

export function destinationRoleArn(d: { account: string; role: string }): string {
  return `arn:aws:iam::${d.account}:role/${d.role}`;
}

export async function startDemoEnvironment(options: DemoEnvironmentOptions = {}): Promise<DemoEnvironment> {
  const signer = createSelfSignedIdentity('adfs.corp.example signing');
  const users = options.users ?? [demoUser()];
  const providers = new Map<string, string>();
  for (const user of users) for (const role of user.roles) providers.set(role.principalArn, signer.certPem);
  const stsRoles = new Map<string, StsEmulatorRole>();
  for (const user of users) for (const role of user.roles) stsRoles.set(role.roleArn, { roleArn: role.roleArn, maxSessionDuration: 43200 });
  for (const role of options.stsRoles ?? []) stsRoles.set(role.roleArn, role);

  const ca = options.https ? createTestCa() : undefined;
  const sts = await startStsEmulator({
    providers: [...providers].map(([principalArn, certPem]) => ({ principalArn, certPem })),
    roles: [...stsRoles.values()],
    clock: options.clock,
  });
  const adfs = await startAdfsEmulator({
    variant: options.variant ?? 'adfs3',
    users,
    signer,
    https: ca?.issueServerCert(['127.0.0.1', 'localhost']),
    clock: options.clock,
    duo: options.duo,
    ...(options.wia ? { wia: options.wia } : {}),
  }).catch(async (error: unknown) => {
    await sts.close();
    throw error;
  });
  return {
    adfs,
    sts,
    signer,
    ca,
    close: async () => {
      await Promise.all([adfs.close(), sts.close()]);
    },
  };
}
