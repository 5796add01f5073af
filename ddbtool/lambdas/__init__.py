"""AWS Lambda entry points; they import only boto3-level parts of ddbtool."""
