import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import { planAdd } from '../catalog/plan-add.js';
import { formatAddSummary } from './add.js';

const BASE = `[profile saml]
awsfed_idp_url = https://adfs.example.com
awsfed_username = CORP\\ana
awsfed_role_session_name = ana@example.com
region = eu-west-1

[profile prod]
role_arn = arn:aws:iam::222222222222:role/Admins
source_profile = saml
role_session_name = ana@example.com
region = eu-west-1
awsfed_color = red

[profile static]
region = us-west-2

[profile ec2]
role_arn = arn:aws:iam::111111111111:role/Box
credential_source = Ec2InstanceMetadata

[profile cn-gw]
awsfed_idp_url = https://adfs.example.cn
region = cn-north-1
`;

describe('formatAddSummary', () => {
  it('names the profile, the chain and the next command', () => {
    const plan = planAdd(parseIni(BASE), { name: 'dev', account: '444444444444', role: 'Dev', duration: '2h', source: 'static' });
    const text = formatAddSummary({ ...plan, configFile: '/h/.aws/config' });
    expect(text).toContain('added profile dev in /h/.aws/config');
    expect(text).toContain('chain:   dev -> static');
    expect(text).toContain('note: duration 7200 s');
    expect(text).toContain('aws sts get-caller-identity --profile dev');
  });
});
