"""Checks of the test bed itself (no sts-proc binary needed): if one of these fails, the
peers the real tests rely on do not behave as those tests assume."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import boto3
import botocore.exceptions
import pytest

from e2e_support import CHAIN_HOP_SESSION
from e2e_servers import HTML_500_BODY, TRUNCATED_ASSUME_ROLE_XML


def _sts(endpoint, keys=None, creds=None, **kw):
    if creds is not None:
        kw.update(aws_access_key_id=creds["AccessKeyId"],
                  aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    else:
        kw.update(aws_access_key_id=keys.access_key_id,
                  aws_secret_access_key=keys.secret_access_key)
    return boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", **kw)


def test_moto_auth_counts_exactly_and_chains(moto_auth):
    before_ar = moto_auth.request_count("AssumeRole")
    before_all = moto_auth.request_count()
    creds = _sts(moto_auth.endpoint, moto_auth.user).assume_role(
        RoleArn=moto_auth.role_arn, RoleSessionName=CHAIN_HOP_SESSION)["Credentials"]
    assert moto_auth.request_count("AssumeRole") == before_ar + 1
    arn = _sts(moto_auth.endpoint, creds=creds).get_caller_identity()["Arn"]
    assert arn == f"arn:aws:sts::{moto_auth.account_id}:assumed-role/ci-role/{CHAIN_HOP_SESSION}"
    chained = _sts(moto_auth.endpoint, creds=creds).assume_role(
        RoleArn=moto_auth.chain_role_arn, RoleSessionName="hop2")["Credentials"]
    arn2 = _sts(moto_auth.endpoint, creds=chained).get_caller_identity()["Arn"]
    assert arn2.endswith("assumed-role/ci-chain-role/hop2")
    assert moto_auth.request_count() == before_all + 4
    assert moto_auth.request_count("GetCallerIdentity") >= 2
    last = moto_auth.requests()[-1]
    assert last.action == "GetCallerIdentity" and last.access_key_id == chained["AccessKeyId"]


def test_moto_auth_refusals(moto_auth):
    cases = [
        (moto_auth.nopriv, "AccessDenied", "is not authorized to perform: sts:AssumeRole"),
        (type(moto_auth.user)("x", "x", moto_auth.user.access_key_id, "wrong-secret"),
         "SignatureDoesNotMatch", "signature we calculated does not match"),
        (type(moto_auth.user)("x", "x", "AKIAE2EUNKNOWNKEY000", "whatever"),
         "InvalidClientTokenId", "security token included in the request is invalid"),
    ]
    for keys, code, message in cases:
        with pytest.raises(botocore.exceptions.ClientError) as err:
            _sts(moto_auth.endpoint, keys).assume_role(RoleArn=moto_auth.role_arn,
                                                      RoleSessionName="refused")
        assert err.value.response["Error"]["Code"] == code
        assert message in err.value.response["Error"]["Message"]
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_moto_auth_external_id_condition(moto_auth):
    # moto checks a *present* ExternalId against the trust condition; a missing one passes.
    sts = _sts(moto_auth.endpoint, moto_auth.user)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        sts.assume_role(RoleArn=moto_auth.extid_role_arn, RoleSessionName="badext",
                        ExternalId="not-the-external-id")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    sts.assume_role(RoleArn=moto_auth.extid_role_arn, RoleSessionName="ext",
                    ExternalId=moto_auth.external_id)


def test_moto_open_accepts_unsigned_web_identity(moto_open):
    body = urllib.parse.urlencode({
        "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
        "RoleArn": "arn:aws:iam::123456789012:role/wi-role", "RoleSessionName": "wisess",
        "WebIdentityToken": "any-token"}).encode()
    before = moto_open.request_count("AssumeRoleWithWebIdentity")
    req = urllib.request.Request(moto_open.endpoint + "/", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
        assert b"<AccessKeyId>" in r.read()
    assert moto_open.request_count("AssumeRoleWithWebIdentity") == before + 1


def test_injection_answers_instead_of_moto(moto_open):
    moto_open.inject(503, b"<ErrorResponse/>", times=1)
    req = urllib.request.Request(moto_open.endpoint + "/", data=b"Action=GetCallerIdentity",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 503


def _post(url, **kw):
    req = urllib.request.Request(url + "/", data=b"Action=AssumeRole&Version=2011-06-15",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    return urllib.request.urlopen(req, timeout=10, **kw)


def test_canned_servers(html500_server, garbage_server, truncated_xml_server):
    with pytest.raises(urllib.error.HTTPError) as err:
        _post(html500_server.url)
    assert err.value.code == 500 and err.value.read() == HTML_500_BODY
    assert html500_server.request_count("AssumeRole") >= 1
    with _post(garbage_server.url) as r:
        assert r.status == 200 and b"<" not in r.read()[:60]
    with _post(truncated_xml_server.url) as r:
        data = r.read()
        assert data == TRUNCATED_ASSUME_ROLE_XML and b"</AssumeRoleResponse>" not in data


def test_refusing_port(refusing_port):
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", refusing_port.port), timeout=2)


def test_tls_server_unknown_ca_then_known(tls_moto, moto_auth):
    with pytest.raises(urllib.error.URLError) as err:
        _post(tls_moto.url, context=ssl.create_default_context())
    assert isinstance(err.value.reason, ssl.SSLCertVerificationError)
    # With the certificate as CA: a signed AssumeRole goes through to moto.
    sts = boto3.client("sts", endpoint_url=tls_moto.url, region_name="us-east-1",
                       verify=tls_moto.cert_path,
                       aws_access_key_id=moto_auth.user.access_key_id,
                       aws_secret_access_key=moto_auth.user.secret_access_key)
    sts.assume_role(RoleArn=moto_auth.role_arn, RoleSessionName="tls")
    assert tls_moto.request_count("AssumeRole") >= 1
    curl = shutil.which("curl")
    if curl:  # libcurl (what sts-proc uses) accepts the self-signed cert as its CA file
        out = subprocess.run([curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                              "--cacert", tls_moto.cert_path, tls_moto.url + "/moto-api/"],
                             capture_output=True, text=True, timeout=10)
        assert out.stdout == "200", out.stderr


@pytest.mark.skipif(not os.environ.get("DBUS_SESSION_BUS_ADDRESS")
                    or not shutil.which("secret-tool"),
                    reason="not inside scripts/with-testbed.sh")
def test_private_secret_service_is_unlocked(tmp_path):
    store = subprocess.run(["secret-tool", "store", "--label=e2e", "application", "e2e-testbed",
                            "probe", "1"], input="probe-secret", capture_output=True, text=True,
                           timeout=10)
    assert store.returncode == 0, store.stderr
    look = subprocess.run(["secret-tool", "lookup", "application", "e2e-testbed", "probe", "1"],
                          capture_output=True, text=True, timeout=10)
    assert look.returncode == 0 and look.stdout == "probe-secret"
    subprocess.run(["secret-tool", "clear", "application", "e2e-testbed"], timeout=10)
