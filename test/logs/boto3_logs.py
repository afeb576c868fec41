"""boto3 reading the mme local cloud's CloudWatch Logs, with the endpoint given as endpoint_url
(boto3 1.26, Debian's, does not read AWS_ENDPOINT_URL). Keys and region from the environment.
Prints one JSON line."""
import json
import sys

import boto3
import botocore.exceptions

endpoint, group, stream = sys.argv[1], sys.argv[2], sys.argv[3]
logs = boto3.client("logs", endpoint_url=endpoint)
groups = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/aws/sagemaker/")["logGroups"]]
streams = [s["logStreamName"] for s in logs.describe_log_streams(logGroupName=group)["logStreams"]]
head = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True, limit=2)
following = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True, nextToken=head["nextForwardToken"])
end = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True, nextToken=following["nextForwardToken"])
filtered = [e["message"] for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, filterPattern='"model failed"', PaginationConfig={"PageSize": 1}) for e in page["events"]]
try:
    logs.get_log_events(logGroupName="/aws/sagemaker/Endpoints/none", logStreamName="s")
    error = None
except botocore.exceptions.ClientError as e:
    error = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
print(json.dumps({
    "groups": groups,
    "streams": streams,
    "head": [e["message"] for e in head["events"]],
    "following": [e["message"] for e in following["events"]],
    "endSameToken": end["nextForwardToken"] == following["nextForwardToken"] and end["events"] == [],
    "filtered": filtered,
    "error": error,
}))
