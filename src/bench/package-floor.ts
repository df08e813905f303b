/**
 * `npm run bench`'s floor row: Node with the project's fixed runtime packages for a sign-in (axios with
 * a cookie jar, cheerio's slim entry, the AWS SDK's STS client) loaded and each set up once, as a login
 * sets them up, and nothing else: no request, no file, no awsfed code. Built as one unsplit file with
 * the same trims as the CLI's bundle (src/build/build.mjs), so it is the least any login built on these
 * packages can cost in wall time and peak RSS on this machine; the bench prints it beside the login.
 */
import { STSClient } from '@aws-sdk/client-sts';
import axios from 'axios';
import { load } from 'cheerio/slim';
import { type CookieOptions, HttpCookieAgent } from 'http-cookie-agent/http';
import { CookieJar } from 'tough-cookie';

const jar = new CookieJar();
const client = axios.create({ proxy: false, maxRedirects: 0, httpAgent: new HttpCookieAgent({ cookies: { jar } as unknown as CookieOptions }) });
const page = load('<form id="loginForm" method="post"><input name="UserName"><input name="Password" type="password"></form>');
const fields = page('#loginForm input').map((_, el) => page(el).attr('name')).get();
const sts = new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDBENCHFLOOR', secretAccessKey: 'bench-floor' } });
if (fields.length !== 2 || typeof client.request !== 'function' || typeof sts.send !== 'function') process.exitCode = 1;
