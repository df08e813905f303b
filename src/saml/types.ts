/** The AWS partitions whose IAM ARNs a Role attribute may name; each has its own sign-in and STS hosts. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** One value of the Role attribute: the role to assume and the SAML provider (IdP) that vouches for it. */
export interface SamlRole {
  roleArn: string;
  principalArn: string;
  accountId: string;
  /** Last path segment of the role ARN: `arn:aws:iam::1:role/team/Admin` -> `Admin`. */
  roleName: string;
  partition: Partition;
}

/** What awsfed needs from a SAML Response. Nothing here is verified: STS checks the signature. */
export interface SamlAssertion {
  roles: SamlRole[]; // deduplicated, in document order
  roleSessionName?: string; // https://aws.amazon.com/SAML/Attributes/RoleSessionName
  sessionDuration?: number; // https://aws.amazon.com/SAML/Attributes/SessionDuration (seconds)
  notOnOrAfter?: Date; // SubjectConfirmationData/@NotOnOrAfter (or Conditions)
  recipient?: string; // SubjectConfirmationData/@Recipient
  destination?: string; // Response/@Destination
  issuer?: string;
  nameId?: string;
}
