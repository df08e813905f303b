/**
 * STS Query API response bodies, shaped like the ones AWS sends (namespace, element order, RequestId).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html
 */
import { escapeXml } from './saml-issuer.js';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface IssuedCredentialsXml {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** AWS writes Expiration without milliseconds: 2024-05-01T11:00:00Z. */
export function awsTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function el(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function credentialsXml(c: IssuedCredentialsXml): string {
  return (
    `<Credentials>` +
    el('AccessKeyId', c.accessKeyId) +
    el('SecretAccessKey', c.secretAccessKey) +
    el('SessionToken', c.sessionToken) +
    el('Expiration', awsTimestamp(c.expiration)) +
    `</Credentials>`
  );
}

function assumedRoleUserXml(assumedRoleId: string, arn: string): string {
  return `<AssumedRoleUser>${el('AssumedRoleId', assumedRoleId)}${el('Arn', arn)}</AssumedRoleUser>`;
}

function envelope(action: string, result: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_XMLNS}">\n` +
    `  <${action}Result>${result}</${action}Result>\n` +
    `  <ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata>\n` +
    `</${action}Response>\n`
  );
}

export function assumeRoleWithSamlXml(
  r: {
    credentials: IssuedCredentialsXml;
    assumedRoleId: string;
    arn: string;
    subject: string;
    subjectType: string;
    issuer: string;
    audience: string;
    nameQualifier: string;
  },
  requestId: string,
): string {
  return envelope(
    'AssumeRoleWithSAML',
    el('Audience', r.audience) +
      assumedRoleUserXml(r.assumedRoleId, r.arn) +
      credentialsXml(r.credentials) +
      el('Subject', r.subject) +
      el('NameQualifier', r.nameQualifier) +
      el('SubjectType', r.subjectType) +
      el('Issuer', r.issuer),
    requestId,
  );
}

export function assumeRoleXml(r: { credentials: IssuedCredentialsXml; assumedRoleId: string; arn: string }, requestId: string): string {
  return envelope('AssumeRole', assumedRoleUserXml(r.assumedRoleId, r.arn) + credentialsXml(r.credentials), requestId);
}

export function getCallerIdentityXml(r: { arn: string; userId: string; account: string }, requestId: string): string {
  return envelope('GetCallerIdentity', el('Arn', r.arn) + el('UserId', r.userId) + el('Account', r.account), requestId);
}

export function errorXml(e: { type: 'Sender' | 'Receiver'; code: string; message: string }, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${STS_XMLNS}">\n` +
    `  <Error>${el('Type', e.type)}${el('Code', e.code)}${el('Message', e.message)}</Error>\n` +
    `  ${el('RequestId', requestId)}\n` +
    `</ErrorResponse>\n`
  );
}
