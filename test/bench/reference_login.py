#!/usr/bin/env python3
"""The reference login for `npm run bench`: the AWS blog's approach, as a new user would write it.

Written from the published description of the AWS Security Blog post "How to Implement a General
Solution for Federated API/CLI Access Using SAML 2.0" (the script awsfed replaces):

  1. a requests session GETs the IdP-initiated sign-on URL (redirects followed, cookies kept);
  2. the login form's input fields are found by name: a name containing "user" or "email" gets the
     user name, one containing "pass" the password, every other keeps its value (one value per name,
     the later input winning, as the blog's dict does). The blog takes every input of the page, which
     worked on AD FS 2.0; AD FS 2012 R2 and later add a second form (#options) whose empty hidden
     AuthMethod would then replace the login form's, and the sign-in fails. So, as anyone adapting the
     script today must, only the inputs of the form with id "loginForm" are taken when there is one;
  3. the fields are POSTed to the action of the form with id "loginForm" (else to the page's URL);
  4. the SAMLResponse input is read from the answer, base64-decoded, and the values of the
     https://aws.amazon.com/SAML/Attributes/Role attribute split into role and principal ARNs
     (either order);
  5. boto3's STS assume_role_with_saml (the blog used boto 2; boto3 is its successor);
  6. configparser writes the keys into the credentials file.

One difference, forced by this machine: the blog parses the pages with BeautifulSoup, which is not
installed here (and PyPI is unreachable). The pages are parsed with the standard library's
html.parser instead. That parser is lighter and faster to import than bs4, so if anything this
reference is faster than the blog's script: awsfed's ratios against it are conservative.

Arguments (nothing is read from or written to ~/.aws: the config file botocore would read is
os.devnull unless AWS_CONFIG_FILE is set, and the credentials file is the one given):

  reference_login.py --idp-url URL --sts-endpoint URL --credentials-file PATH
                     [--profile saml] [--region us-east-1] [--username NAME] [--role PATTERN]

The user name comes from --username or REFERENCE_USERNAME, the password from REFERENCE_PASSWORD or,
when that is unset, the first line of standard input. On success it prints one line, "requests N"
(the HTTP requests made to the IdP, redirect hops included, plus the STS call), so the bench can
count them the same way for both logins.
"""
import argparse
import base64
import configparser
import os
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urljoin

os.environ.setdefault("AWS_CONFIG_FILE", os.devnull)
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

import boto3  # noqa: E402  (after the environment above: botocore reads it when a session is created)
import requests  # noqa: E402

ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SAML_ASSERTION_NS = "{urn:oasis:names:tc:SAML:2.0:assertion}"


class InputCollector(HTMLParser):
    """What the blog gets from soup.find_all('input') and soup.find_all('form')."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inputs = []  # (name, value, id of the enclosing form) in document order
        self.forms = []  # (id, action)
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            self.inputs.append((a.get("name") or "", a.get("value") or "", self._form))
        elif tag == "form":
            self._form = a.get("id") or ""
            self.forms.append((a.get("id"), a.get("action")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None

    handle_startendtag = handle_starttag


def parse(html):
    collector = InputCollector()
    collector.feed(html)
    collector.close()
    return collector


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--idp-url", required=True)
    parser.add_argument("--sts-endpoint", required=True)
    parser.add_argument("--credentials-file", required=True)
    parser.add_argument("--profile", default="saml")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--username", default=os.environ.get("REFERENCE_USERNAME"))
    parser.add_argument("--role", default=None, help="substring of the role ARN to pick (default: the first role)")
    args = parser.parse_args()
    if not args.username:
        parser.error("give --username or REFERENCE_USERNAME")
    password = os.environ.get("REFERENCE_PASSWORD")
    if password is None:
        password = sys.stdin.readline().rstrip("\r\n")

    requests_made = 0

    def count(response):
        # requests follows redirects itself; each hop was a request.
        return len(response.history) + 1

    session = requests.Session()
    form_response = session.get(args.idp_url)
    requests_made += count(form_response)
    page = parse(form_response.text)

    payload = {}
    has_login_form = any(form_id == "loginForm" for form_id, _ in page.forms)
    for name, value, form_id in page.inputs:
        if has_login_form and form_id != "loginForm":
            continue
        lowered = name.lower()
        if "user" in lowered or "email" in lowered:
            payload[name] = args.username
        elif "pass" in lowered:
            payload[name] = password
        else:
            payload[name] = value

    submit_url = form_response.url
    for form_id, action in page.forms:
        if action and form_id == "loginForm":
            submit_url = urljoin(form_response.url, action)

    response = session.post(submit_url, data=payload)
    requests_made += count(response)

    assertion = ""
    for name, value, _ in parse(response.text).inputs:
        if name == "SAMLResponse":
            assertion = value
    if assertion == "":
        sys.exit("reference_login: no SAMLResponse in the IdP's answer (wrong user name or password?)")

    roles = []
    root = ET.fromstring(base64.b64decode(assertion))
    for attribute in root.iter(SAML_ASSERTION_NS + "Attribute"):
        if attribute.get("Name") == ROLE_ATTRIBUTE:
            for value in attribute.iter(SAML_ASSERTION_NS + "AttributeValue"):
                roles.append(value.text)
    pairs = []
    for role in roles:
        first, second = [part.strip() for part in role.split(",", 1)]
        pairs.append((second, first) if "saml-provider" in first else (first, second))
    if args.role:
        pairs = [p for p in pairs if args.role in p[0]]
    if not pairs:
        sys.exit("reference_login: the assertion offers no (matching) role")
    role_arn, principal_arn = pairs[0]

    sts = boto3.client("sts", region_name=args.region, endpoint_url=args.sts_endpoint)
    token = sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=principal_arn, SAMLAssertion=assertion)
    requests_made += 1 + token["ResponseMetadata"].get("RetryAttempts", 0)
    credentials = token["Credentials"]

    config = configparser.RawConfigParser()
    config.read(args.credentials_file)
    if not config.has_section(args.profile):
        config.add_section(args.profile)
    config.set(args.profile, "output", "json")
    config.set(args.profile, "region", args.region)
    config.set(args.profile, "aws_access_key_id", credentials["AccessKeyId"])
    config.set(args.profile, "aws_secret_access_key", credentials["SecretAccessKey"])
    config.set(args.profile, "aws_session_token", credentials["SessionToken"])
    with open(args.credentials_file, "w+") as configfile:
        config.write(configfile)
    print(f"requests {requests_made}")


if __name__ == "__main__":
    main()
