"""Fixtures of the sts-proc end-to-end tests.

Session-scoped peers (all on 127.0.0.1):
  moto_auth   MotoPeer: moto with IAM set up and signature checking ON, behind a counting
              proxy.  .endpoint (proxy URL: give this to clients), .direct_url (moto
              itself, admin only), .account_id, .user / .nopriv (Keys: user_name, arn,
              access_key_id, secret_access_key), .role_arn (ci-role), .chain_role_arn
              (ci-chain-role, trusts assumed-role/ci-role/e2e-sess), .extid_role_arn +
              .external_id, .request_count(action=None), .requests() (RecordedRequest:
              method, path, action, access_key_id, body, headers), .reset_counts(),
              .inject(status, body, times) (next requests get a canned answer), .log_path
  moto_open   MotoPeer: moto with checking OFF (for unsigned calls: SAML, web identity)
  html500_server / garbage_server / truncated_xml_server   CannedServer: .url,
              .request_count(action=None), .requests()
  tls_moto    CountingProxy over TLS (fresh self-signed cert, a CA nobody knows) in front
              of moto_auth: .url (https://127.0.0.1:PORT), .cert_path, .request_count()
  refusing_port  RefusingPort: .url, .port (bound, never listening: connect is refused)
Per test:
  aws_env     AwsEnv (a dict usable as env=, see e2e_support.py): HOME=tmp, empty
              ~/.aws/config and ~/.aws/credentials, AWS_ENDPOINT_URL_STS=moto_auth.endpoint,
              nothing inherited but PATH, locale, D-Bus/XDG, pyenv. Writers: .profile(),
              .credentials(), .sts_proc_profile(), .append_config(), .append_credentials().
Helpers (e2e_support.py): run_sts_proc, run_aws, run_boto3_caller_identity, caller_arn,
parse_credentials, assert_failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from e2e_servers import (GARBAGE_BODY, HTML_500_BODY, TRUNCATED_ASSUME_ROLE_XML,  # noqa: E402
                         CannedServer, CountingProxy, MotoServer, RefusingPort,
                         make_self_signed_cert, server_tls_context)
from e2e_support import ACCOUNT_ID, CHAIN_HOP_SESSION, AwsEnv, Keys, Result, run_aws  # noqa: E402

ROLE_NAME = "ci-role"
CHAIN_ROLE_NAME = "ci-chain-role"
EXTID_ROLE_NAME = "ci-extid-role"
EXTERNAL_ID = "e2e-external-id"



@dataclass
class MotoPeer:
    """What the tests get from a moto fixture."""
    server: MotoServer
    account_id: str = ACCOUNT_ID
    user: Keys | None = None          # ci-user: may sts:* (AssumeRole ci-role works)
    nopriv: Keys | None = None        # nopriv: no policy at all (AssumeRole -> AccessDenied)
    role_arn: str | None = None       # ci-role (trusts ci-user; may sts:AssumeRole onwards)
    chain_role_arn: str | None = None  # ci-chain-role (trusts assumed-role/ci-role/e2e-sess)
    extid_role_arn: str | None = None  # ci-extid-role (trusts ci-user with ExternalId)
    external_id: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        """The URL clients use (the counting proxy in front of moto)."""
        return self.server.url

    @property
    def direct_url(self) -> str:
        """moto itself, bypassing the counter (setup / administration only)."""
        return self.server.direct_url

    @property
    def log_path(self) -> str:
        return self.server.log_path

    def request_count(self, action: str | None = None) -> int:
        """Requests that reached this endpoint so far (this session), optionally only those
        with form/query `Action=action` (e.g. "AssumeRole", "GetCallerIdentity")."""
        return self.server.proxy.request_count(action)

    def requests(self):
        return self.server.proxy.requests()

    def reset_counts(self) -> None:
        self.server.proxy.reset_counts()

    def inject(self, status: int, body: bytes, times: int = 1,
               content_type: str = "text/xml") -> None:
        """The next `times` requests get this answer instead of reaching moto."""
        self.server.proxy.inject(status, body, times, content_type)

    @contextlib.contextmanager
    def injected(self, status: int, body: bytes, times: int = 1, content_type: str = "text/xml"):
        """`inject` for the length of a `with` block, cleared however the block ends."""
        self.inject(status, body, times, content_type)
        try:
            yield
        finally:
            self.clear_injections()

    def hold(self, seconds: float, times: int = 1) -> None:
        self.server.proxy.hold(seconds, times)

    def clear_injections(self) -> None:
        self.server.proxy.clear_injections()


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _cli_env(tmpdir: str, endpoint: str, keys: tuple[str, str]) -> dict:
    env = AwsEnv(tmpdir, endpoint)
    env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = keys
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    return env


def _cli_error_code(res: Result) -> str:
    # "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: ..."
    text = res.stderr
    if res.rc == 0 or "An error occurred (" not in text:
        return f"<no error: rc={res.rc} stdout={res.stdout!r} stderr={res.stderr!r}>"
    return text.split("An error occurred (", 1)[1].split(")", 1)[0]


@pytest.fixture(scope="session")
def e2e_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e-session")


@pytest.fixture(scope="session")
def moto_auth(e2e_tmp):
    import boto3

    server = MotoServer(str(e2e_tmp / "moto-auth.log"))
    try:
        iam = boto3.client("iam", endpoint_url=server.direct_url, region_name="us-east-1",
                           aws_access_key_id="setup", aws_secret_access_key="setup")

        def make_user(name: str) -> Keys:
            arn = iam.create_user(UserName=name)["User"]["Arn"]
            key = iam.create_access_key(UserName=name)["AccessKey"]
            return Keys(name, arn, key["AccessKeyId"], key["SecretAccessKey"])

        user = make_user("ci-user")
        iam.put_user_policy(UserName="ci-user", PolicyName="sts-all", PolicyDocument=_policy(
            {"Effect": "Allow", "Action": "sts:*", "Resource": "*"}))
        nopriv = make_user("nopriv")

        account_root = f"arn:aws:iam::{ACCOUNT_ID}:root"
        role_arn = iam.create_role(
            RoleName=ROLE_NAME,
            AssumeRolePolicyDocument=_policy({
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": [account_root, user.arn, nopriv.arn]}}),
        )["Role"]["Arn"]
        # GetCallerIdentity needs no permission in moto; the role needs sts:AssumeRole for
        # chaining (moto checks an assumed role's own policies like a user's).
        iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="sts", PolicyDocument=_policy(
            {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:GetCallerIdentity"],
             "Resource": "*"}))
        hop = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{ROLE_NAME}/{CHAIN_HOP_SESSION}"
        chain_role_arn = iam.create_role(
            RoleName=CHAIN_ROLE_NAME,
            AssumeRolePolicyDocument=_policy({
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": [account_root, hop, user.arn]}}),
        )["Role"]["Arn"]
        extid_role_arn = iam.create_role(
            RoleName=EXTID_ROLE_NAME,
            AssumeRolePolicyDocument=_policy({
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": [account_root, user.arn]},
                "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}),
        )["Role"]["Arn"]

        server.set_auth(True)
        peer = MotoPeer(server=server, user=user, nopriv=nopriv, role_arn=role_arn,
                        chain_role_arn=chain_role_arn, extid_role_arn=extid_role_arn,
                        external_id=EXTERNAL_ID)
        _self_check_auth(peer, e2e_tmp)
        peer.reset_counts()
        yield peer
    finally:
        server.close()


def _self_check_auth(peer: MotoPeer, e2e_tmp) -> None:
    """With checking ON, the AWS CLI with static keys must see moto's auth errors."""
    u = peer.user
    cases = [
        ((u.access_key_id, u.secret_access_key), None),
        ((u.access_key_id, u.secret_access_key[:-4] + "XXXX"), "SignatureDoesNotMatch"),
        (("AKIAE2EUNKNOWNKEY000", u.secret_access_key), "InvalidClientTokenId"),
    ]
    for (keys, expected) in cases:
        with tempfile.TemporaryDirectory(dir=e2e_tmp) as home:
            res = run_aws(["sts", "get-caller-identity", "--output", "json"],
                          _cli_env(home, peer.endpoint, keys))
        if expected is None:
            assert res.rc == 0, f"moto self-check: valid keys rejected: {res.stderr}"
            assert json.loads(res.stdout)["Arn"] == u.arn
        else:
            assert _cli_error_code(res) == expected, \
                f"moto self-check: expected {expected}, got {_cli_error_code(res)}"
    # nopriv may not assume the role (no identity policy at all).
    import boto3
    import botocore.exceptions
    sts = boto3.client("sts", endpoint_url=peer.endpoint, region_name="us-east-1",
                       aws_access_key_id=peer.nopriv.access_key_id,
                       aws_secret_access_key=peer.nopriv.secret_access_key)
    try:
        sts.assume_role(RoleArn=peer.role_arn, RoleSessionName="selfcheck")
    except botocore.exceptions.ClientError as exc:
        assert exc.response["Error"]["Code"] == "AccessDenied", exc.response
    else:
        raise AssertionError("moto self-check: nopriv could assume ci-role")


@pytest.fixture(scope="session")
def moto_open(e2e_tmp):
    server = MotoServer(str(e2e_tmp / "moto-open.log"))
    try:
        yield MotoPeer(server=server)
    finally:
        server.close()


@pytest.fixture
def empty_keyring(aws_env):
    """The test starts and ends with no sts-proc items (in the Secret Service and the kernel
    keyring) and an unlocked collection. Modules that use the cache ask for it with
    `pytestmark = pytest.mark.usefixtures("empty_keyring")`."""
    import keyring_control
    from e2e_support import run_sts_proc
    if keyring_control.is_locked():
        keyring_control.unlock_default_collection()
    assert run_sts_proc(["cache", "clear"], aws_env).rc == 0
    yield
    if keyring_control.is_locked():
        keyring_control.unlock_default_collection()
    run_sts_proc(["cache", "clear"], aws_env)


@pytest.fixture
def aws_env(tmp_path, moto_auth) -> AwsEnv:
    """Fresh HOME with ~/.aws/config and ~/.aws/credentials (both empty), the env dict for
    subprocesses pointing at them, AWS_ENDPOINT_URL_STS = moto_auth.endpoint."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    return AwsEnv(home, moto_auth.endpoint)


# --------------------------------------------------------------------------- failure peers

@pytest.fixture(scope="session")
def html500_server():
    srv = CannedServer(500, HTML_500_BODY, "text/html; charset=utf-8")
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def garbage_server():
    srv = CannedServer(200, GARBAGE_BODY, "text/xml")
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def truncated_xml_server():
    srv = CannedServer(200, TRUNCATED_ASSUME_ROLE_XML, "text/xml")
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def refusing_port():
    port = RefusingPort()
    yield port
    port.close()


@pytest.fixture(scope="session")
def tls_moto(e2e_tmp, moto_auth):
    """HTTPS on 127.0.0.1 with a fresh self-signed certificate (a CA nobody knows) in front
    of moto_auth; `.cert_path` is the certificate to use as ca_bundle, `.url` the endpoint."""
    certdir = e2e_tmp / "tls"
    certdir.mkdir()
    cert, key = make_self_signed_cert(str(certdir))
    proxy = CountingProxy(moto_auth.server.port, tls_context=server_tls_context(cert, key))
    proxy.cert_path = cert
    yield proxy
    proxy.close()
