/**
 * awsfed add NAME: writes (or updates) a destination profile in ~/.aws/config:
 *
 *   [profile prod]
 *   role_arn = arn:aws:iam::222222222222:role/Admins
 *   source_profile = saml
 *   role_session_name = alice@corp.example     <- the SAML RoleSessionName, so CloudTrail names the person
 *   region = eu-west-1
 *   awsfed_display_name = Prod / awsfed_color = red   <- for console switch-role links
 *
 * The AWS CLI and the SDKs use such a profile directly (AssumeRole with the source's keys); awsfed
 * uses it for `login --chain`, `refresh`, `switch`, `exec` and `console`.
 *
 * Updating merges: options not given keep their stored value; an empty value ('') clears an optional
 * key. What to write, and every check of it, is planAdd's (src/catalog/plan-add.ts); it runs inside
 * updateIniFile, under the config file's lock.
 */
import type { Deps } from '../deps.js';
import { resolveAwsPaths } from '../config/paths.js';
import { DEFAULT_PROFILE } from '../config/settings.js';
import { writeDestination } from '../catalog/destination.js';
import { planAdd } from '../catalog/plan-add.js';
import type { AddOptions, AddPlan } from '../catalog/plan-add.js';
import { formatChainPath } from '../catalog/chain-errors.js';

export interface AddResult extends AddPlan {
  configFile: string;
}

export async function add(options: AddOptions, deps: Deps): Promise<AddResult> {
  const paths = resolveAwsPaths(deps.env, deps.homeDir);
  const defaultSource = nonEmpty(deps.env.AWSFED_PROFILE) ?? DEFAULT_PROFILE;
  let plan: AddPlan | undefined;
  await deps.files.update(paths.configFile, (doc) => {
    plan = planAdd(doc, options, defaultSource);
    if (plan.action !== 'unchanged') writeDestination(doc, plan.destination);
  }, { onWait: deps.err });
  if (!plan) throw new Error('updateIniFile did not run the edit');
  return { ...plan, configFile: paths.configFile };
}

export function formatAddSummary(result: AddResult): string {
  const d = result.destination;
  const lines = [`${result.action} profile ${d.name} in ${result.configFile}`];
  lines.push(`  role:    ${d.roleArn}`);
  lines.push(`  chain:   ${formatChainPath(result.chain)}`);
  if (d.region) lines.push(`  region:  ${d.region}`);
  if (d.roleSessionName) lines.push(`  session: ${d.roleSessionName}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  lines.push('', 'Try it:', `  aws sts get-caller-identity --profile ${d.name}`);
  return lines.join('\n');
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
