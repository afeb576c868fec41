"""boto3 against the mme local cloud's CloudWatch: put, statistics, metric data, list, an error.
Configured only by the environment (AWS_ENDPOINT_URL, keys, region). Prints one JSON line."""
import datetime as dt
import json
import sys

import boto3
import botocore.exceptions

namespace = sys.argv[1]
cw = boto3.client("cloudwatch")
now = dt.datetime.now(dt.timezone.utc)
base = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=10)
dims = [{"Name": "EndpointName", "Value": "boto3-ep"}]
cw.put_metric_data(
    Namespace=namespace,
    MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": base, "Value": 3, "Unit": "Count"},
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": base + dt.timedelta(minutes=1), "Values": [1, 2], "Counts": [2, 1], "Unit": "Count"},
    ],
)
stats = cw.get_metric_statistics(
    Namespace=namespace, MetricName="Invocations", Dimensions=dims,
    StartTime=base, EndTime=base + dt.timedelta(minutes=2), Period=60, Statistics=["Sum", "SampleCount"],
)
data = cw.get_metric_data(
    StartTime=base, EndTime=base + dt.timedelta(minutes=2), ScanBy="TimestampAscending",
    MetricDataQueries=[{"Id": "inv", "MetricStat": {"Metric": {"Namespace": namespace, "MetricName": "Invocations", "Dimensions": dims}, "Period": 60, "Stat": "Sum"}}],
)
listed = cw.list_metrics(Namespace=namespace)
try:
    cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[{"MetricName": "X", "Value": 1}])
    error = None
except botocore.exceptions.ClientError as e:
    error = e.response["Error"]["Code"]
print(json.dumps({
    "protocol": cw.meta.service_model.resolved_protocol if hasattr(cw.meta.service_model, "resolved_protocol") else cw.meta.service_model.protocol,
    "sums": [[int((d["Timestamp"] - base).total_seconds()), d["Sum"], d["SampleCount"]] for d in sorted(stats["Datapoints"], key=lambda d: d["Timestamp"])],
    "data": [[int((t - base).total_seconds()), v] for t, v in zip(data["MetricDataResults"][0]["Timestamps"], data["MetricDataResults"][0]["Values"])],
    "metrics": [m["MetricName"] for m in listed["Metrics"]],
    "error": error,
}))
