import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import {
  chooseSessionDuration,
  consoleDestination,
  encodeQueryValue,
  getSigninTokenUrl,
  loginUrl,
  signinBase,
} from './federation.js';
import { partitionOfArn } from '../partition.js';

const creds = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'se/cr+et=', sessionToken: 'to ken&x' };
const SESSION = '%7B%22sessionId%22%3A%22ASIAEXAMPLE%22%2C%22sessionKey%22%3A%22se%2Fcr%2Bet%3D%22%2C%22sessionToken%22%3A%22to%20ken%26x%22%7D';

describe('sign-in hosts per partition', () => {
  it.each([
    ['aws', 'https://signin.aws.amazon.com', 'https://console.aws.amazon.com/'],
    ['aws-cn', 'https://signin.amazonaws.cn', 'https://console.amazonaws.cn/'],
    ['aws-us-gov', 'https://signin.amazonaws-us-gov.com', 'https://console.amazonaws-us-gov.com/'],
  ] as const)('%s', (partition, signin, console) => {
    expect(signinBase(partition)).toBe(signin);
    expect(consoleDestination(partition)).toBe(console);
  });

  it('an override wins and loses its trailing slash', () => {
    expect(signinBase('aws-cn', 'http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(signinBase('aws', '  ')).toBe('https://signin.aws.amazon.com');
  });

  it('reads the partition of an ARN', () => {
    expect(partitionOfArn('arn:aws-us-gov:sts::111111111111:assumed-role/R/n')).toBe('aws-us-gov');
    expect(partitionOfArn('arn:aws-cn:iam::111111111111:role/R')).toBe('aws-cn');
    expect(partitionOfArn(undefined)).toBe('aws');
  });
});

describe('getSigninToken URL', () => {
  it('with SessionDuration', () => {
    expect(getSigninTokenUrl('https://signin.aws.amazon.com', creds, 43200)).toBe(
      `https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=43200&Session=${SESSION}`,
    );
  });

  it('without SessionDuration', () => {
    expect(getSigninTokenUrl('https://signin.amazonaws.cn', creds)).toBe(`https://signin.amazonaws.cn/federation?Action=getSigninToken&Session=${SESSION}`);
  });

  it('the Session parameter decodes to the documented JSON', () => {
    const url = new URL(getSigninTokenUrl('https://signin.aws.amazon.com', creds));
    expect(JSON.parse(url.searchParams.get('Session')!)).toEqual({ sessionId: 'ASIAEXAMPLE', sessionKey: 'se/cr+et=', sessionToken: 'to ken&x' });
  });
});

describe('login URL', () => {
  it('encodes Issuer, Destination and SigninToken', () => {
    expect(
      loginUrl('https://signin.aws.amazon.com', { destination: 'https://console.aws.amazon.com/console/home?region=eu-west-1', signinToken: 'a+b/c=' }),
    ).toBe(
      'https://signin.aws.amazon.com/federation?Action=login&Issuer=awsfed' +
        '&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1&SigninToken=a%2Bb%2Fc%3D',
    );
  });

  it('takes another issuer', () => {
    expect(loginUrl('https://x', { destination: 'https://y/', signinToken: 't', issuer: "corp's (idp)" })).toBe(
      'https://x/federation?Action=login&Issuer=corp%27s%20%28idp%29&Destination=https%3A%2F%2Fy%2F&SigninToken=t',
    );
  });

  it('encodeQueryValue escapes RFC 3986 reserved characters', () => {
    expect(encodeQueryValue("a b!'()*~._-")).toBe('a%20b%21%27%28%29%2A~._-');
  });
});

describe('consoleDestination', () => {
  it.each([
    [{ region: 'eu-west-1' }, 'https://console.aws.amazon.com/console/home?region=eu-west-1'],
    [{ destination: 's3' }, 'https://console.aws.amazon.com/s3/home'],
    [{ destination: 's3', region: 'us-gov-west-1' }, 'https://console.aws.amazon.com/s3/home?region=us-gov-west-1'],
    [{ destination: 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:' }, 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:'],
  ])('%j', (opts, expected) => {
    expect(consoleDestination('aws', opts)).toBe(expected);
  });

  it('is partition-aware', () => {
    expect(consoleDestination('aws-cn', { region: 'cn-north-1', destination: 'ec2' })).toBe('https://console.amazonaws.cn/ec2/home?region=cn-north-1');
  });

  it.each([{ destination: 'http://console.aws.amazon.com/' }, { destination: 'javascript:alert(1)' }, { destination: 'S3 bucket' }, { region: 'Europe' }])(
    'refuses %j',
    (opts) => {
      expect(() => consoleDestination('aws', opts)).toThrow(AppError);
    },
  );
});

describe('chooseSessionDuration', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const inSeconds = (s: number) => new Date(now.getTime() + s * 1000);

  it('never for chained credentials, with a note when one was asked for', () => {
    expect(chooseSessionDuration({ chained: true, expiration: inSeconds(3600), now, profile: 'prod' })).toEqual({});
    const choice = chooseSessionDuration({ chained: true, requested: 7200, expiration: inSeconds(3600), now, profile: 'prod' });
    expect(choice.sessionDuration).toBeUndefined();
    expect(choice.note).toMatch(/prod.*role chaining/);
  });

  it('the requested value for gateway credentials', () => {
    expect(chooseSessionDuration({ chained: false, requested: 900, expiration: inSeconds(60), now, profile: 'saml' })).toEqual({ sessionDuration: 900 });
    expect(() => chooseSessionDuration({ chained: false, requested: 43201, expiration: inSeconds(60), now, profile: 'saml' })).toThrow(/900..43200/);
  });

  it.each([
    [28800, 28800],
    [100000, 43200],
    [300, 900],
    [3599.9, 3599],
  ])('by default the remaining lifetime %s s -> %s', (remaining, expected) => {
    expect(chooseSessionDuration({ chained: false, expiration: inSeconds(remaining), now, profile: 'saml' })).toEqual({ sessionDuration: expected });
  });
});
