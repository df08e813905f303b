// @ewsjs/ntlm-client ships no types; only the three message functions are used (src/idp/adfs/wia.ts).
declare module '@ewsjs/ntlm-client' {
  export interface Type2Message {
    flags: number;
    encoding: 'ascii' | 'ucs2';
    version: 1 | 2;
    challenge: Buffer;
    targetName: string;
  }
  export function createType1Message(workstation?: string, target?: string): string;
  export function decodeType2Message(header: string): Type2Message;
  export function createType3Message(type2: Type2Message, username: string, password: string, workstation?: string, target?: string): string;
}
