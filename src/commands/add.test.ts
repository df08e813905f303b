import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import { planAdd } from '../catalog/plan-add.js';
import { formatAddSummary } from './add.js';

// One catalog for the planner and the summary tests: a gateway, a destination, a static profile, an
// instance-role profile and a gateway in aws-cn.
const BASE = readFileSync(new URL('../../fixtures/ini/catalog-config.ini', import.meta.url), 'utf8');

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
