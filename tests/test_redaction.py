"""The --debug log filter masks every secret field in the shapes botocore logs them."""

from __future__ import annotations

import logging

from awscli_sso_ext.redaction import RedactingFilter, redact


def test_secret_fields_are_masked_in_json_repr_bytes_and_headers():
    samples = {
        'b\'{"accessToken":"T0K","expiresIn":28800,"refreshToken":"R3F"}\'': (
            'b\'{"accessToken":"***","expiresIn":28800,"refreshToken":"***"}\''
        ),
        "{'clientSecret': 'S3C', 'clientId': 'public-id'}": (
            "{'clientSecret': '***', 'clientId': 'public-id'}"
        ),
        "headers={'x-amz-sso_bearer_token': b'B3ARER', 'User-Agent': 'aws-cli'}": (
            "headers={'x-amz-sso_bearer_token': b'***', 'User-Agent': 'aws-cli'}"
        ),
        "x-amz-security-token:S3SS\nhost:sts": "x-amz-security-token:***\nhost:sts",
        '"roleCredentials":{"accessKeyId":"ASIA1","secretAccessKey":"K3Y","sessionToken":"S"}': (
            '"roleCredentials":{"accessKeyId":"ASIA1","secretAccessKey":"***","sessionToken":"***"}'
        ),
    }
    for raw, masked in samples.items():
        assert redact(raw) == masked


def test_the_filter_rewrites_records_and_keeps_them():
    record = logging.LogRecord(
        "botocore.parsers",
        logging.DEBUG,
        __file__,
        1,
        "Response body:\n%s",
        ('{"accessToken":"T0K"}',),
        None,
    )
    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == 'Response body:\n{"accessToken":"***"}'
