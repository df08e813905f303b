import { describe, expect, it } from 'vitest';
import { lintAwsFile } from './ini-lint.js';

const ids = (text: string, kind: 'config' | 'credentials' = 'config') => lintAwsFile(text, '/h/.aws/x', kind).map((f) => `${f.severity} ${f.id}`);

describe('lintAwsFile (the AWS CLI view: configparser, strict)', () => {
  it('finds nothing in a clean file (comments, blank lines, continuations, sub-sections)', () => {
    expect(ids('# c\n[default]\nregion = eu-west-1\n\n[profile a]\ns3 =\n  max_concurrent_requests = 2\n; end\n')).toEqual([]);
  });

  it('reports a duplicate section with both line numbers', () => {
    const [f] = lintAwsFile('[profile a]\nregion = x\n[profile b]\n[profile a]\n', '/h/c', 'config');
    expect(f).toMatchObject({ id: 'config.duplicate-section', severity: 'error' });
    expect(f?.title).toContain('[profile a]');
    expect(f?.title).toContain('lines 1 and 4');
    expect(f?.fix).toContain('merge');
  });

  it('reports a duplicate key, compared ignoring case, also across duplicate sections', () => {
    expect(ids('[a]\nAWS_ACCESS_KEY_ID = k\naws_access_key_id = k\n', 'credentials')).toEqual(['error credentials.duplicate-key']);
    expect(ids('[a]\nregion = x\n[a]\nregion = y\n')).toEqual(['error config.duplicate-section', 'error config.duplicate-key']);
  });

  it('reports a key line before any section, and a line with no delimiter', () => {
    expect(ids('region = x\n[a]\n')).toEqual(['error config.no-section-header']);
    expect(ids('[a]\njust some words\n')).toEqual(['error config.unparseable-line']);
    expect(ids('[a]\n= value\n')).toEqual(['error config.unparseable-line']);
  });

  it('accepts `key: value` as the AWS CLI does (awsfed refusing it is reported by the command)', () => {
    expect(ids('[a]\nregion: eu-west-1\n')).toEqual([]);
  });

  it('warns about an inline comment the AWS CLI would read as part of the value', () => {
    expect(ids('[a]\nregion = eu-west-1 # Ireland\n')).toEqual(['warning config.inline-comment']);
    expect(ids('[a]\nurl = https://x/#frag\n')).toEqual([]);
  });

  it('never quotes a value: a secret on a broken or duplicated line stays out of the findings', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const text = `${secret}\n[a]\naws_secret_access_key = ${secret}\naws_secret_access_key = ${secret} # old\n${secret} ${secret}\n`;
    const out = JSON.stringify(lintAwsFile(text, '/h/.aws/credentials', 'credentials'));
    expect(out).not.toContain(secret);
    expect(lintAwsFile(text, '/h/.aws/credentials', 'credentials').length).toBe(4);
  });

  it('reads CRLF files and a BOM like LF files', () => {
    expect(ids('\uFEFF[a]\r\nregion = x\r\n[a]\r\n')).toEqual(['error config.duplicate-section']);
  });
});
