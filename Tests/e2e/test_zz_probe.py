import boto3, botocore, pytest
def test_probe(moto_auth):
    sts = boto3.client("sts", endpoint_url=moto_auth.endpoint, region_name="us-east-1", aws_access_key_id=moto_auth.user.access_key_id, aws_secret_access_key=moto_auth.user.secret_access_key)
    for ext in [None, "wrong", "e2e-external-id", "e"]:
        kw = {"ExternalId": ext} if ext else {}
        try:
            sts.assume_role(RoleArn=moto_auth.extid_role_arn, RoleSessionName="x", **kw); print(ext, "OK")
        except botocore.exceptions.ClientError as e: print(ext, e.response["Error"]["Code"])
