"""The AWS web console's addresses: partitions, service short names, destinations, portal links.

No network here: ``asso.sso.console`` signs in, completion reads the short names.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from asso.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional


class Partition:
    """Where a partition's console and federation (sign-in) endpoint live."""

    __slots__ = ("console_domain", "federation_url", "name", "regional_hosts")

    def __init__(
        self, name: str, console_domain: str, federation_url: str, regional_hosts: bool
    ) -> None:
        self.name = name
        self.console_domain = console_domain  # the console's host, and its subdomains
        self.federation_url = federation_url
        self.regional_hosts = regional_hosts  # REGION.console... serves that region

    def console_base(self, region: Optional[str]) -> str:
        if region and self.regional_hosts:
            return f"https://{region}.{self.console_domain}"
        return f"https://{self.console_domain}"


PARTITIONS: dict[str, Partition] = {
    "aws": Partition(
        "aws", "console.aws.amazon.com", "https://signin.aws.amazon.com/federation", True
    ),
    "aws-cn": Partition(
        "aws-cn", "console.amazonaws.cn", "https://signin.amazonaws.cn/federation", False
    ),
    "aws-us-gov": Partition(
        "aws-us-gov",
        "console.amazonaws-us-gov.com",
        "https://signin.amazonaws-us-gov.com/federation",
        False,
    ),
}

FEDERATION_URL_VARIABLE = "ASSO_FEDERATION_URL"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def partition_of(region: Optional[str]) -> Partition:
    """The partition a region belongs to (the commercial one when no region is known)."""
    if region and region.startswith("cn-"):
        return PARTITIONS["aws-cn"]
    if region and region.startswith("us-gov-"):
        return PARTITIONS["aws-us-gov"]
    return PARTITIONS["aws"]


def federation_url(partition: Partition, env: Mapping[str, str]) -> str:
    """The sign-in federation endpoint; ASSO_FEDERATION_URL overrides it (emulator, tests).

    The session keys go there: an override must be https, or plain http to this machine only.
    """
    override = env.get(FEDERATION_URL_VARIABLE)
    if not override:
        return partition.federation_url
    try:
        parts = urlsplit(override)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if (
        parts is None
        or not host
        or parts.query
        or parts.fragment
        or parts.username is not None
        or not (parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK))
    ):
        raise UsageError(
            f"{FEDERATION_URL_VARIABLE} must be an https URL without a query "
            "(plain http only to 127.0.0.1)"
        )
    return override


# Short name -> (path on the console, description). ``{region}`` marks a regional page; a path
# without it is a global service's. The one list: completion reads it from here.
SERVICES: dict[str, tuple[str, str]] = {
    "acm": ("/acm/home?region={region}", "Certificate Manager"),
    "apigateway": ("/apigateway/main/apis?region={region}", "API Gateway"),
    "athena": ("/athena/home?region={region}", "Athena"),
    "backup": ("/backup/home?region={region}", "AWS Backup"),
    "bedrock": ("/bedrock/home?region={region}", "Amazon Bedrock"),
    "billing": ("/billing/home", "Billing and Cost Management"),
    "cloudformation": ("/cloudformation/home?region={region}", "CloudFormation"),
    "cloudfront": ("/cloudfront/v4/home", "CloudFront"),
    "cloudtrail": ("/cloudtrail/home?region={region}", "CloudTrail"),
    "cloudwatch": ("/cloudwatch/home?region={region}", "CloudWatch"),
    "codebuild": ("/codesuite/codebuild/home?region={region}", "CodeBuild"),
    "codepipeline": ("/codesuite/codepipeline/home?region={region}", "CodePipeline"),
    "config": ("/config/home?region={region}", "AWS Config"),
    "console": ("/console/home?region={region}", "Console Home"),
    "costexplorer": ("/cost-management/home", "Cost Explorer"),
    "dynamodb": ("/dynamodbv2/home?region={region}", "DynamoDB"),
    "ec2": ("/ec2/home?region={region}", "EC2"),
    "ecr": ("/ecr/home?region={region}", "Elastic Container Registry"),
    "ecs": ("/ecs/v2/home?region={region}", "Elastic Container Service"),
    "efs": ("/efs/home?region={region}", "Elastic File System"),
    "eks": ("/eks/home?region={region}", "Elastic Kubernetes Service"),
    "elasticache": ("/elasticache/home?region={region}", "ElastiCache"),
    "eventbridge": ("/events/home?region={region}", "EventBridge"),
    "glue": ("/glue/home?region={region}", "Glue"),
    "guardduty": ("/guardduty/home?region={region}", "GuardDuty"),
    "iam": ("/iam/home", "IAM"),
    "kinesis": ("/kinesis/home?region={region}", "Kinesis"),
    "kms": ("/kms/home?region={region}", "Key Management Service"),
    "lambda": ("/lambda/home?region={region}", "Lambda"),
    "logs": ("/cloudwatch/home?region={region}#logsV2:log-groups", "CloudWatch Logs"),
    "opensearch": ("/aos/home?region={region}", "OpenSearch Service"),
    "organizations": ("/organizations/v2/home", "AWS Organizations"),
    "rds": ("/rds/home?region={region}", "RDS"),
    "route53": ("/route53/v2/home", "Route 53"),
    "s3": ("/s3/home?region={region}", "S3"),
    "sagemaker": ("/sagemaker/home?region={region}", "SageMaker"),
    "secretsmanager": ("/secretsmanager/home?region={region}", "Secrets Manager"),
    "securityhub": ("/securityhub/home?region={region}", "Security Hub"),
    "sns": ("/sns/v3/home?region={region}", "SNS"),
    "sqs": ("/sqs/v3/home?region={region}", "SQS"),
    "ssm": ("/systems-manager/home?region={region}", "Systems Manager"),
    "sso": ("/singlesignon/home?region={region}", "IAM Identity Center"),
    "stepfunctions": ("/states/home?region={region}", "Step Functions"),
    "support": ("/support/home", "Support Center"),
    "vpc": ("/vpcconsole/home?region={region}", "VPC"),
    "waf": ("/wafv2/homev2?region={region}", "WAF"),
}


def service_url(name: str, region: Optional[str], partition: Partition) -> str:
    """The console page of a service by its short name; UsageError for an unknown name."""
    entry = SERVICES.get(name.lower())
    if entry is None:
        import difflib

        close = difflib.get_close_matches(name.lower(), list(SERVICES), n=3, cutoff=0.6)
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise UsageError(f"unknown service {name!r}{hint}; 'asso console --services' lists them")
    path = entry[0]
    if "{region}" not in path:
        return partition.console_base(None) + path
    if not region:
        # No region anywhere: the console picks the one last used.
        return partition.console_base(None) + path.replace("?region={region}", "")
    return partition.console_base(region) + path.replace("{region}", quote(region, safe=""))


def home_url(region: Optional[str], partition: Partition) -> str:
    return service_url("console", region, partition)


def check_destination(url: str, partition: Partition) -> str:
    """``url`` if it is an https page of the partition's console; UsageError otherwise.

    The sign-in endpoint sends the browser wherever Destination says, with a fresh session:
    only the console's own hosts are accepted.
    """
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise UsageError("--destination must be a URL without spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UsageError("--destination is not a valid URL") from None
    host = (parts.hostname or "").lower()
    domain = partition.console_domain
    if (
        parts.scheme != "https"
        or parts.username is not None
        or parts.password is not None
        or port is not None
        or not (host == domain or host.endswith("." + domain))
    ):
        raise UsageError(
            f"--destination must be an https URL of the {partition.name} console "
            f"(https://{domain}/... or https://SUBDOMAIN.{domain}/...)"
        )
    return url


def portal_url(
    start_url: str, account_id: str, role_name: str, destination: Optional[str] = None
) -> str:
    """The access portal's shortcut link: sign in through the portal, as this account and role."""
    query = {"account_id": account_id, "role_name": role_name}
    if destination:
        query["destination"] = destination
    return start_url.rstrip("/") + "/#/console?" + urlencode(query, quote_via=quote)
