/**
 * Which profiles `awsfed login` and `awsfed configure` may write to, pure. A destination (any profile
 * with role_arn) gets its keys by AssumeRole from its source (`awsfed refresh`, or on demand by
 * switch/exec/console), never from a sign-in: a login there would put the gateway's keys under the
 * destination's name, and everything that reads the profile would then run as the wrong role. Nor is
 * a destination ever made a gateway: it would then be both, and every later login would do the same.
 */
import type { IniDocument } from '../ini/document.js';
import { UsageError } from '../errors.js';
import { chainRoot } from './chain-plan.js';
import { DestinationKeys, isGatewayProfile, profileKeys } from './destination.js';

export type LoginTargetCommand = 'login' | 'configure';

/** Throws LOGIN_TARGET_IS_DESTINATION when `profile` has a role_arn. */
export function checkLoginTarget(config: IniDocument | undefined, profile: string, command: LoginTargetCommand): void {
  const keys = config ? profileKeys(config, profile) : undefined;
  const roleArn = keys?.[DestinationKeys.roleArn]?.trim();
  if (!config || !keys || !roleArn) return;

  const source = keys[DestinationKeys.sourceProfile]?.trim();
  let root: string | undefined;
  try {
    root = source ? chainRoot(config, profile) : undefined;
  } catch {
    // A broken chain is list's and refresh's to explain; the next profile up is still worth naming.
    root = source;
  }
  const what = command === 'login' ? 'awsfed login never writes keys into it' : 'awsfed configure never makes it a sign-in profile';
  if (root === undefined) {
    throw new UsageError('LOGIN_TARGET_IS_DESTINATION', `profile "${profile}" is a destination (it assumes ${roleArn} with credentials from elsewhere); ${what}.`, {
      hint: 'Sign in with your gateway profile instead (awsfed login --profile saml, or the one `awsfed list` shows as gateway); the AWS CLI assumes the role for this profile itself.',
    });
  }
  const kind = isGatewayProfile(config, root) ? 'gateway' : 'root profile';
  const steps = `awsfed login --profile ${root}, then awsfed refresh ${profile} (or awsfed login --profile ${root} --chain for every destination)`;
  throw new UsageError('LOGIN_TARGET_IS_DESTINATION', `profile "${profile}" is a destination (it assumes ${roleArn} from ${kind} ${root}); ${what}.`, {
    hint:
      command === 'login'
        ? `Sign in to its ${kind} and refresh it: ${steps}.`
        : `Configure its ${kind} instead (awsfed configure --profile ${root}), then run ${steps}.`,
  });
}
